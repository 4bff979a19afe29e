#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/io/hdf5_id.h"
#include "core/tensor/tensor.h"

namespace attnlens {

/// Creates (truncates) an HDF5 file whose root group keeps its attributes in dense storage, so
/// an attribute may be larger than the 64 KiB of HDF5's default compact storage (RESULT.h5's
/// `rows` attribute holds 8 bytes per row: more than 8191 rows did not fit). Needs the HDF5 1.8
/// file format, which every HDF5 and h5py of the last fifteen years reads. An invalid id on
/// failure (H5Fcreate's convention).
Hdf5Id createHdf5File(const std::filesystem::path &path);

/// Writes a new HDF5 file safely: under a temporary name beside `path`, renamed over `path` by
/// commit(); without commit() (an error, Ctrl-C) the temporary file is removed, so a half
/// written file never carries the final name. Object paths are '/'-separated from the root;
/// missing groups on the way are created. Every failure throws OutputError naming `path` and
/// the object. Every member silences HDF5's error printing on the calling thread.
class Hdf5Writer
{
public:
    explicit Hdf5Writer(std::filesystem::path path);
    ~Hdf5Writer();
    Hdf5Writer(const Hdf5Writer &) = delete;
    Hdf5Writer &operator=(const Hdf5Writer &) = delete;

    const std::filesystem::path &path() const { return m_path; }

    /// A UTF-8 string attribute on `object` ("/" = the root; the object must exist).
    void writeString(const std::string &object, const std::string &name, const std::string &value);
    /// A 1-D variable-length UTF-8 string attribute.
    void writeStrings(
        const std::string &object, const std::string &name, const std::vector<std::string> &values);
    /// An int64 scalar attribute.
    void writeInt64Attribute(
        const std::string &object, const std::string &name, std::int64_t value);
    /// Datasets: float32, float64 and a scalar int64.
    void writeFloats(const std::string &dataset, const Shape &shape, const float *values);
    void writeDoubles(const std::string &dataset, const Shape &shape, const double *values);
    void writeInt64(const std::string &dataset, std::int64_t value);

    /// Closes the file and renames it to its final name.
    void commit();

private:
    void writeDataset(const std::string &dataset, const Shape &shape, hid_t fileType, hid_t memType,
        const void *values);
    [[noreturn]] void fail(const std::string &what) const;
    Hdf5Id check(hid_t id, herr_t (*closer)(hid_t), const std::string &what) const;

    std::filesystem::path m_path;
    std::filesystem::path m_temporary;
    Hdf5Id m_file;
    bool m_committed = false;
};

} // namespace attnlens
