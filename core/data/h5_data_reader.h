#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/data/array_data.h"
#include "core/io/hdf5_id.h"

namespace attnlens {

/// Reads arrays and names from an HDF5 data file (see core/data/README.md for the convention).
/// Owns the open file (move-only). Every member silences HDF5's error printing on the calling
/// thread (core/io/hdf5_quiet.h) and reports failures as InputFileError.
class H5DataReader
{
public:
    /// Throws InputFileError when the file is missing or not HDF5.
    explicit H5DataReader(
        const std::filesystem::path &file, std::int64_t memoryCapBytes = std::int64_t(8) << 30);

    /// Paths of every dataset in the file, without the leading '/', in name order.
    const std::vector<std::string> &datasets() const { return m_datasets; }
    bool isText(const std::string &dataset) const;
    Shape shape(const std::string &dataset) const;
    /// A numeric or text dataset, converted (numbers to float32, strings to UTF-8).
    /// Throws InputFileError naming the file and dataset when it cannot be read.
    ArrayData read(const std::string &dataset) const;
    /// A string (or string array) attribute of a dataset; nullopt when absent. Numbers are
    /// formatted as text.
    std::optional<std::vector<std::string>> stringAttribute(
        const std::string &dataset, const std::string &attribute) const;

private:
    std::filesystem::path m_file;
    std::int64_t m_cap;
    Hdf5Id m_fileId; ///< the open file
    std::vector<std::string> m_datasets;
};

} // namespace attnlens
