#pragma once

#include <cstddef>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace attnlens {

/// Where tensors of 1 MiB and more get their memory, recycled across forward passes.
///
/// A pass allocates and frees the same large tensors again and again: an 8 MiB score matrix
/// per attention layer and sample at T=512, 2 GiB of returned scores for a batch of 64 such
/// samples. malloc hands blocks this large to the kernel on free (glibc maps anything over
/// 32 MiB, and its threshold cannot be raised above that), so every pass paid the page faults
/// and the kernel's zeroing again: more than a third of the time of a batch of 64. Freed blocks
/// are therefore kept here, up to a limit (a quarter of the machine's memory by default), and
/// handed out again to requests of about the same size. Blocks beyond the limit, and everything
/// on trim(), go back to the system.
///
/// Thread-safe. One process-wide instance.
class LargeBlockPool
{
public:
    /// Requests of at least this many bytes are served by the pool; smaller ones by operator new.
    static constexpr std::size_t kMinBytes = std::size_t(1) << 20;

    static LargeBlockPool &instance();

    /// At least `bytes` bytes, 64-byte aligned, contents unspecified. Throws std::bad_alloc.
    void *allocate(std::size_t bytes);
    /// Takes back a block from allocate(); `bytes` is the size that was asked for.
    void release(void *block, std::size_t bytes) noexcept;

    /// Gives every cached (free) block back to the system.
    void trim() noexcept;
    /// Bytes held in free blocks, ready for reuse.
    std::size_t cachedBytes() const;
    /// Most bytes kept in free blocks; lowering it trims at once.
    void setCacheLimit(std::size_t bytes);

private:
    LargeBlockPool();

    struct Block
    {
        void *address;
        std::size_t capacity;
    };

    static void *mapBlock(std::size_t capacity);
    static void unmapBlock(const Block &block) noexcept;
    /// Unmaps the oldest free blocks until at most `limit` bytes are cached. Lock held.
    void evictTo(std::size_t limit) noexcept;

    mutable std::mutex m_mutex;
    std::vector<Block> m_free; ///< oldest first
    std::unordered_map<void *, std::size_t> m_capacityInUse;
    std::size_t m_cachedBytes = 0;
    std::size_t m_limit;
};

} // namespace attnlens
