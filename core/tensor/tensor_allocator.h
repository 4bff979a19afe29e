#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/tensor/large_block_pool.h"

namespace attnlens {

/// Allocator of tensor storage: large blocks come from LargeBlockPool (recycled across forward
/// passes, never page-faulted twice), small ones from aligned operator new. Elements made
/// without a value are left uninitialised, so `TensorValues(n)` costs no write pass over memory
/// that a kernel overwrites anyway; `TensorValues(n, 0.0f)` still zero-fills.
template <class T>
class TensorAllocator
{
public:
    using value_type = T;

    TensorAllocator() noexcept = default;
    template <class U>
    TensorAllocator(const TensorAllocator<U> &) noexcept
    {
    }

    T *allocate(std::size_t n)
    {
        if (n > static_cast<std::size_t>(-1) / sizeof(T))
            throw std::bad_array_new_length();
        const std::size_t bytes = n * sizeof(T);
        if (bytes >= LargeBlockPool::kMinBytes)
            return static_cast<T *>(LargeBlockPool::instance().allocate(bytes));
        return static_cast<T *>(::operator new (bytes, std::align_val_t {kAlignment}));
    }

    void deallocate(T *p, std::size_t n) noexcept
    {
        const std::size_t bytes = n * sizeof(T);
        if (bytes >= LargeBlockPool::kMinBytes)
            LargeBlockPool::instance().release(p, bytes);
        else
            ::operator delete (p, std::align_val_t {kAlignment});
    }

    template <class U>
    void construct(U *p) noexcept(std::is_nothrow_default_constructible_v<U>)
    {
        ::new (static_cast<void *>(p)) U; // default-initialise: no zero-fill
    }
    template <class U, class... Args>
    void construct(U *p, Args &&...args)
    {
        ::new (static_cast<void *>(p)) U(std::forward<Args>(args)...);
    }

    friend bool operator==(const TensorAllocator &, const TensorAllocator &) noexcept
    {
        return true;
    }

private:
    static constexpr std::size_t kAlignment = 64;
};

/// The values of a Tensor.
using TensorValues = std::vector<float, TensorAllocator<float>>;

} // namespace attnlens
