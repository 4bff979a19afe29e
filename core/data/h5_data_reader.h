#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/data/array_data.h"

namespace attnlens {

/// Reads arrays and names from an HDF5 data file (see core/data/README.md for the convention).
/// Every HDF5 id is owned here and closed on destruction.
class H5DataReader
{
public:
    /// Throws InputFileError when the file is missing or not HDF5.
    explicit H5DataReader(
        const std::filesystem::path &file, std::int64_t memoryCapBytes = std::int64_t(8) << 30);
    ~H5DataReader();
    H5DataReader(const H5DataReader &) = delete;
    H5DataReader &operator=(const H5DataReader &) = delete;

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
    std::int64_t m_id = -1; ///< hid_t of the open file
    std::vector<std::string> m_datasets;
};

} // namespace attnlens
