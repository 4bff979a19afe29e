#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace attnlens {

/// A whole file as read-only bytes: memory-mapped when it is a regular file, read into memory
/// otherwise. release() hands pages already parsed back to the kernel, so parsing a large file
/// front to back keeps only a window of it resident.
class MappedFile
{
public:
    /// Throws InputFileError naming the file when it cannot be opened or read.
    explicit MappedFile(const std::filesystem::path &file);
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    const char *data() const { return m_data; }
    std::size_t size() const { return m_size; }
    /// Drops the pages wholly inside [begin, end) from memory; they are re-read from the file if
    /// touched again. No-op for a file that was read, not mapped.
    void release(std::size_t begin, std::size_t end);

private:
    const char *m_data = nullptr;
    std::size_t m_size = 0;
    bool m_mapped = false;
    std::string m_buffer; ///< the bytes when the file could not be mapped
};

} // namespace attnlens
