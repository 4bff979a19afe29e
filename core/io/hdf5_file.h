#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/io/hdf5_id.h"
#include "core/tensor/tensor.h"

namespace attnlens {

/// Empty when `dataset`'s storage can hold what its shape and type say; else why not, as a
/// phrase ("stores 0 bytes in its compact layout, its shape needs 4608"). HDF5 1.10 does not
/// check this for a compact dataset and reads from a null buffer (found by fuzz_data_h5), so
/// every reader asks before H5Dread.
std::string storageProblem(hid_t dataset);

/// A read-only HDF5 file, opened from disk or from bytes in memory (the weights inside a
/// `.keras` zip). Object paths are relative to the root and use '/' as separator; a link name
/// may itself contain a backslash (tf-keras on Windows writes `layers\dense`).
/// Every failure throws InputFileError naming the file and the object. Every member silences
/// HDF5's error printing on the calling thread while it runs (core/io/hdf5_quiet.h).
class Hdf5File
{
public:
    /// Opens `file`; throws InputFileError if it is not a readable HDF5 file.
    explicit Hdf5File(const std::filesystem::path &file);
    /// Opens an HDF5 file image held in `bytes`; `displayName` names it in messages
    /// ("model.keras!model.weights.h5").
    Hdf5File(const std::string &bytes, std::string displayName);

    const std::string &displayName() const { return m_name; }

    /// True when every component of `path` exists ("" and "/" are the root).
    bool exists(const std::string &path) const;
    bool isGroup(const std::string &path) const;
    bool isDataset(const std::string &path) const;
    /// Link names directly under the group `path`, in name order.
    std::vector<std::string> children(const std::string &path) const;

    bool hasAttribute(const std::string &object, const std::string &name) const;
    /// A string attribute (scalar or 1-D; variable or fixed length; ASCII or UTF-8) as a list.
    /// A numeric attribute with no elements (h5py's empty list) is an empty list. Chunked
    /// attributes `name0`, `name1`, ... are concatenated when `name` itself is absent.
    /// Returns nullopt when neither exists.
    std::optional<std::vector<std::string>> stringList(
        const std::string &object, const std::string &name) const;
    /// A scalar string attribute (the first element of a list), or nullopt.
    std::optional<std::string> string(const std::string &object, const std::string &name) const;

    /// A floating-point (or integer) dataset converted to float32, in C order.
    Tensor readTensor(const std::string &path) const;
    /// The same in float64 (sums that must add up exactly); `shape`, when given, receives the
    /// dataset's shape.
    std::vector<double> readDoubles(const std::string &path, Shape *shape = nullptr) const;

private:
    /// Opens the numeric dataset at `path` and gives its shape; fails unless it is one of a
    /// size AttnLens reads.
    Hdf5Id openNumeric(const std::string &path, Shape &shape) const;
    /// The kind of object at `path`; H5O_TYPE_UNKNOWN when there is none.
    H5O_type_t objectType(const std::string &path) const;
    std::vector<std::string> readStringAttribute(
        const std::string &object, const std::string &name) const;
    [[noreturn]] void fail(const std::string &object, const std::string &what) const;

    std::string m_name;
    Hdf5Id m_file;
};

} // namespace attnlens
