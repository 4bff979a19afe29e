#include "core/tensor/large_block_pool.h"

#include <algorithm>
#include <new>

#include <sys/mman.h>
#include <unistd.h>

namespace attnlens {

namespace {

/// Block sizes are rounded up to this, so that runs whose sizes differ by a few rows still
/// share blocks.
constexpr std::size_t kGranule = std::size_t(64) << 10;

std::size_t physicalMemory()
{
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long pageSize = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || pageSize <= 0)
        return std::size_t(4) << 30;
    return static_cast<std::size_t>(pages) * static_cast<std::size_t>(pageSize);
}

} // namespace

LargeBlockPool &LargeBlockPool::instance()
{
    static LargeBlockPool pool;
    return pool;
}

LargeBlockPool::LargeBlockPool()
    : m_limit(physicalMemory() / 4)
{
}

void *LargeBlockPool::mapBlock(std::size_t capacity)
{
    void *p = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        throw std::bad_alloc();
    return p;
}

void LargeBlockPool::unmapBlock(const Block &block) noexcept
{
    ::munmap(block.address, block.capacity);
}

void *LargeBlockPool::allocate(std::size_t bytes)
{
    if (bytes > std::size_t(1) << 62)
        throw std::bad_alloc();
    const std::size_t wanted = (bytes + kGranule - 1) / kGranule * kGranule;
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        // Best fit among blocks at most a quarter larger than asked for: a small request never
        // pins a huge block.
        auto best = m_free.end();
        for (auto it = m_free.begin(); it != m_free.end(); ++it)
            if (it->capacity >= wanted && it->capacity - wanted <= wanted / 4
                && (best == m_free.end() || it->capacity < best->capacity))
                best = it;
        if (best != m_free.end()) {
            const Block block = *best;
            m_free.erase(best);
            m_cachedBytes -= block.capacity;
            m_capacityInUse.emplace(block.address, block.capacity);
            return block.address;
        }
    }
    void *p = mapBlock(wanted);
    try {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_capacityInUse.emplace(p, wanted);
    } catch (...) {
        unmapBlock({p, wanted});
        throw;
    }
    return p;
}

void LargeBlockPool::release(void *block, std::size_t bytes) noexcept
{
    if (block == nullptr)
        return;
    const std::lock_guard<std::mutex> lock(m_mutex);
    const auto it = m_capacityInUse.find(block);
    const std::size_t capacity
        = it != m_capacityInUse.end() ? it->second : (bytes + kGranule - 1) / kGranule * kGranule;
    if (it != m_capacityInUse.end())
        m_capacityInUse.erase(it);
    if (capacity > m_limit) {
        unmapBlock({block, capacity});
        return;
    }
    try {
        m_free.push_back({block, capacity});
    } catch (...) {
        unmapBlock({block, capacity});
        return;
    }
    m_cachedBytes += capacity;
    evictTo(m_limit);
}

void LargeBlockPool::evictTo(std::size_t limit) noexcept
{
    std::size_t drop = 0;
    while (m_cachedBytes > limit && drop < m_free.size()) {
        unmapBlock(m_free[drop]);
        m_cachedBytes -= m_free[drop].capacity;
        ++drop;
    }
    m_free.erase(m_free.begin(), m_free.begin() + static_cast<std::ptrdiff_t>(drop));
}

void LargeBlockPool::trim() noexcept
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    evictTo(0);
}

std::size_t LargeBlockPool::cachedBytes() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_cachedBytes;
}

void LargeBlockPool::setCacheLimit(std::size_t bytes)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_limit = bytes;
    evictTo(m_limit);
}

} // namespace attnlens
