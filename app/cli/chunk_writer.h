#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "app/cli/result_file.h"

namespace attnlens::cli {

/// Writes the chunks of `attnlens-cli run` on a thread of its own, so that the engine computes
/// chunk k+1 while chunk k is copied into RESULT.h5.
///
/// The thread holds at most one chunk: push() waits until the chunk before has been written, so
/// memory stays at about two chunks (one being written, one being computed). Only this thread
/// calls the ResultFileWriter between the constructor and finish(); the caller creates the file
/// before and commits it after. An error of the writer is rethrown by the next push() or by
/// finish(). The destructor (an error or Ctrl-C on the caller's side) drops a chunk that has not
/// been started, waits for the one being written and joins, so that the ResultFileWriter can then
/// remove its temporary file.
class ChunkWriter
{
public:
    /// `writer` must outlive this object.
    explicit ChunkWriter(ResultFileWriter &writer);
    ~ChunkWriter();
    ChunkWriter(const ChunkWriter &) = delete;
    ChunkWriter &operator=(const ChunkWriter &) = delete;

    /// Hands rows [firstRow, firstRow + n) over to the thread. Waits while the previous chunk is
    /// still being written; throws what the writer threw for an earlier chunk.
    void push(std::int64_t firstRow, RunResult &&chunk);
    /// Waits until every chunk handed over is written; throws what the writer threw.
    void finish();

private:
    struct Chunk
    {
        std::int64_t firstRow = 0;
        RunResult result;
    };

    void loop();
    /// Waits (with `lock` held) until the thread has no chunk; rethrows its error.
    void waitIdle(std::unique_lock<std::mutex> &lock);

    ResultFileWriter &m_writer;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::optional<Chunk> m_chunk; ///< handed over and not yet written
    bool m_writing = false;       ///< the thread is writing a chunk it took from m_chunk
    bool m_stop = false;
    std::exception_ptr m_error;
    std::thread m_thread; ///< last: starts after every member above exists
};

} // namespace attnlens::cli
