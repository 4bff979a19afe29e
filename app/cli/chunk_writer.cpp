#include "app/cli/chunk_writer.h"

namespace attnlens::cli {

ChunkWriter::ChunkWriter(ResultFileWriter &writer)
    : m_writer(writer)
    , m_thread([this] { loop(); })
{
}

ChunkWriter::~ChunkWriter()
{
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
        m_chunk.reset();
    }
    m_changed.notify_all();
    m_thread.join();
}

void ChunkWriter::loop()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_changed.wait(lock, [this] { return m_stop || m_chunk.has_value(); });
        if (m_stop)
            return;
        Chunk chunk = std::move(*m_chunk);
        m_chunk.reset();
        m_writing = true;
        lock.unlock();
        std::exception_ptr error;
        try {
            m_writer.write(chunk.firstRow, chunk.result);
        } catch (...) {
            error = std::current_exception();
        }
        chunk.result = {}; // frees the chunk's memory before the next one is accepted
        lock.lock();
        m_writing = false;
        if (error && !m_error)
            m_error = error;
        m_changed.notify_all();
        if (m_error)
            return; // nothing after a failed chunk is written
    }
}

void ChunkWriter::waitIdle(std::unique_lock<std::mutex> &lock)
{
    m_changed.wait(lock, [this] { return m_error || (!m_writing && !m_chunk); });
    if (m_error)
        std::rethrow_exception(m_error);
}

void ChunkWriter::push(std::int64_t firstRow, RunResult &&chunk)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    waitIdle(lock);
    m_chunk = Chunk {firstRow, std::move(chunk)};
    lock.unlock();
    m_changed.notify_all();
}

void ChunkWriter::finish()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    waitIdle(lock);
}

} // namespace attnlens::cli
