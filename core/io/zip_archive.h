#pragma once

#include <filesystem>
#include <string>
#include <vector>

struct zip; // libzip's zip_t

namespace attnlens {

/// Read-only view of a zip archive (a `.keras` file, a NumPy `.npz`), backed by libzip.
/// Throws InputFileError naming the file when it is not a readable zip.
class ZipArchive
{
public:
    explicit ZipArchive(const std::filesystem::path &file);
    ~ZipArchive();
    ZipArchive(const ZipArchive &) = delete;
    ZipArchive &operator=(const ZipArchive &) = delete;

    /// Member names in archive order.
    std::vector<std::string> names() const;
    bool contains(const std::string &name) const;
    /// Uncompressed size of a member; throws InputFileError if absent.
    std::uint64_t sizeOf(const std::string &name) const;
    /// The whole member; throws InputFileError if absent, larger than `maxBytes`, or corrupt.
    std::string read(
        const std::string &name, std::uint64_t maxBytes = std::uint64_t(1) << 32) const;

private:
    std::filesystem::path m_file;
    ::zip *m_zip = nullptr;
};

} // namespace attnlens
