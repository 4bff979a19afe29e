#include "core/io/hdf5_file.h"

#include <algorithm>
#include <cstring>

#include "core/errors.h"
#include "core/io/hdf5_quiet.h"
#include "core/io/hdf5_strings.h"

namespace attnlens {

namespace {

std::vector<std::string> splitPath(const std::string &path)
{
    std::vector<std::string> parts;
    std::string current;
    for (char c : path) {
        if (c == '/') {
            if (!current.empty())
                parts.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty())
        parts.push_back(current);
    return parts;
}

std::string objectPath(const std::string &path)
{
    return path.empty() ? std::string("/") : path;
}

herr_t collectName(hid_t, const char *name, const H5L_info_t *, void *data)
{
    static_cast<std::vector<std::string> *>(data)->emplace_back(name);
    return 0;
}

} // namespace

Hdf5File::Hdf5File(const std::filesystem::path &file)
    : m_name(file.string())
{
    const Hdf5Quiet quiet;
    if (H5Fis_hdf5(file.c_str()) <= 0)
        throw InputFileError(
            ErrorWhere::ofFile(m_name) + ": not a readable HDF5 file (truncated or corrupt?)");
    m_file = Hdf5Id(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!m_file.valid())
        throw InputFileError(ErrorWhere::ofFile(m_name)
            + ": the HDF5 file cannot be opened (truncated or corrupt?); save it again");
}

Hdf5File::Hdf5File(const std::string &bytes, std::string displayName)
    : m_name(std::move(displayName))
{
    const Hdf5Quiet quiet;
    Hdf5Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    if (!fapl.valid() || H5Pset_fapl_core(fapl.get(), 1 << 20, 0) < 0
        || H5Pset_file_image(fapl.get(), const_cast<char *>(bytes.data()), bytes.size()) < 0)
        throw InputFileError(
            ErrorWhere::ofFile(m_name) + ": cannot prepare an in-memory HDF5 image");
    m_file = Hdf5Id(H5Fopen(m_name.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
    if (!m_file.valid())
        throw InputFileError(ErrorWhere::ofFile(m_name)
            + ": the weights are not a readable HDF5 file (truncated or corrupt?)");
}

void Hdf5File::fail(const std::string &object, const std::string &what) const
{
    throw InputFileError(ErrorWhere::ofFile(m_name) + ": " + objectPath(object) + ": " + what);
}

bool Hdf5File::exists(const std::string &path) const
{
    const Hdf5Quiet quiet;
    std::string prefix;
    for (const std::string &part : splitPath(path)) {
        prefix += (prefix.empty() ? "" : "/") + part;
        if (H5Lexists(m_file.get(), prefix.c_str(), H5P_DEFAULT) <= 0)
            return false;
    }
    return true;
}

H5O_type_t Hdf5File::objectType(const std::string &path) const
{
    const Hdf5Quiet quiet;
    if (!exists(path))
        return H5O_TYPE_UNKNOWN;
    H5O_info_t info;
    if (H5Oget_info_by_name(m_file.get(), objectPath(path).c_str(), &info, H5P_DEFAULT) < 0)
        return H5O_TYPE_UNKNOWN;
    return info.type;
}

bool Hdf5File::isGroup(const std::string &path) const
{
    return objectType(path) == H5O_TYPE_GROUP;
}

bool Hdf5File::isDataset(const std::string &path) const
{
    return objectType(path) == H5O_TYPE_DATASET;
}

std::vector<std::string> Hdf5File::children(const std::string &path) const
{
    const Hdf5Quiet quiet;
    std::vector<std::string> names;
    if (!isGroup(path))
        return names;
    Hdf5Id group(H5Gopen2(m_file.get(), objectPath(path).c_str(), H5P_DEFAULT), H5Gclose);
    if (!group.valid())
        fail(path, "cannot open the group");
    hsize_t index = 0;
    if (H5Literate(group.get(), H5_INDEX_NAME, H5_ITER_INC, &index, collectName, &names) < 0)
        fail(path, "cannot list the group");
    return names;
}

bool Hdf5File::hasAttribute(const std::string &object, const std::string &name) const
{
    const Hdf5Quiet quiet;
    if (!exists(object))
        return false;
    return H5Aexists_by_name(m_file.get(), objectPath(object).c_str(), name.c_str(), H5P_DEFAULT)
        > 0;
}

std::vector<std::string> Hdf5File::readStringAttribute(
    const std::string &object, const std::string &name) const
{
    const std::string where = objectPath(object) + "@" + name;
    Hdf5Id attr(H5Aopen_by_name(m_file.get(), objectPath(object).c_str(), name.c_str(), H5P_DEFAULT,
                    H5P_DEFAULT),
        H5Aclose);
    if (!attr.valid())
        fail(where, "cannot open the attribute");
    Hdf5Id type(H5Aget_type(attr.get()), H5Tclose);
    Hdf5Id space(H5Aget_space(attr.get()), H5Sclose);
    if (!type.valid() || !space.valid())
        fail(where, "cannot read the attribute's type");
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (count < 0)
        fail(where, "cannot read the attribute's size");
    const auto n = static_cast<std::size_t>(count);
    if (H5Tget_class(type.get()) != H5T_STRING) {
        if (n == 0)
            return {}; // h5py writes an empty list as a float64 array of shape (0,)
        fail(where, "expected a string attribute");
    }
    auto strings = readStrings(type.get(), n,
        [&](hid_t memoryType, void *buffer) { return H5Aread(attr.get(), memoryType, buffer); });
    if (!strings)
        fail(where, "cannot read the string attribute");
    return std::move(*strings);
}

std::optional<std::vector<std::string>> Hdf5File::stringList(
    const std::string &object, const std::string &name) const
{
    const Hdf5Quiet quiet;
    if (hasAttribute(object, name))
        return readStringAttribute(object, name);
    // Keras splits long lists into name0, name1, ... (HDF5 object header limit of 64 KiB).
    if (!hasAttribute(object, name + "0"))
        return std::nullopt;
    std::vector<std::string> all;
    for (int chunk = 0; hasAttribute(object, name + std::to_string(chunk)); ++chunk) {
        const auto part = readStringAttribute(object, name + std::to_string(chunk));
        all.insert(all.end(), part.begin(), part.end());
    }
    return all;
}

std::optional<std::string> Hdf5File::string(
    const std::string &object, const std::string &name) const
{
    const Hdf5Quiet quiet;
    if (!hasAttribute(object, name))
        return std::nullopt;
    const auto list = readStringAttribute(object, name);
    if (list.empty())
        return std::string();
    return list.front();
}

std::string storageProblem(hid_t dataset)
{
    const Hdf5Id plist(H5Dget_create_plist(dataset), H5Pclose);
    if (!plist.valid() || H5Pget_layout(plist.get()) != H5D_COMPACT)
        return {}; // contiguous and chunked storage unwritten reads as fill values
    const Hdf5Id space(H5Dget_space(dataset), H5Sclose);
    const Hdf5Id type(H5Dget_type(dataset), H5Tclose);
    const hssize_t points = H5Sget_simple_extent_npoints(space.get());
    const std::size_t itemSize = H5Tget_size(type.get());
    if (points < 0 || itemSize == 0)
        return "has an unreadable shape or type";
    const auto needed = static_cast<hsize_t>(points) * itemSize;
    const hsize_t stored = H5Dget_storage_size(dataset);
    if (stored >= needed)
        return {};
    return "stores " + std::to_string(stored) + " bytes in its compact layout, its shape needs "
        + std::to_string(needed);
}

Hdf5Id Hdf5File::openNumeric(const std::string &path, Shape &shape) const
{
    if (!isDataset(path))
        fail(path, "is not a dataset");
    Hdf5Id dataset(H5Dopen2(m_file.get(), path.c_str(), H5P_DEFAULT), H5Dclose);
    if (!dataset.valid())
        fail(path, "cannot open the dataset");
    Hdf5Id type(H5Dget_type(dataset.get()), H5Tclose);
    const H5T_class_t typeClass = H5Tget_class(type.get());
    if (typeClass != H5T_FLOAT && typeClass != H5T_INTEGER)
        fail(path, "is not a numeric dataset");
    Hdf5Id space(H5Dget_space(dataset.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > 32)
        fail(path, "has an unreadable shape");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    shape.assign(dims.begin(), dims.end());
    std::int64_t size = 0;
    try {
        size = shapeSize(shape);
    } catch (const Error &) {
        fail(path, "has an absurd shape " + shapeToString(shape));
    }
    // A weight larger than 4 GiB is not something a Keras attention model on a desktop holds.
    if (size > (std::int64_t(1) << 30))
        fail(path, "has " + std::to_string(size) + " elements, more than AttnLens reads");
    if (const std::string problem = storageProblem(dataset.get()); !problem.empty())
        fail(path, problem + "; the file is corrupt");
    return dataset;
}

Tensor Hdf5File::readTensor(const std::string &path) const
{
    const Hdf5Quiet quiet;
    Shape shape;
    const Hdf5Id dataset = openNumeric(path, shape);
    Tensor tensor(shape);
    if (tensor.size() > 0
        && H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, tensor.data())
            < 0)
        fail(path, "cannot read the dataset (truncated or corrupt file?)");
    return tensor;
}

std::vector<double> Hdf5File::readDoubles(const std::string &path, Shape *shape) const
{
    const Hdf5Quiet quiet;
    Shape dims;
    const Hdf5Id dataset = openNumeric(path, dims);
    std::vector<double> values(static_cast<std::size_t>(shapeSize(dims)));
    if (!values.empty()
        && H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data())
            < 0)
        fail(path, "cannot read the dataset (truncated or corrupt file?)");
    if (shape)
        *shape = dims;
    return values;
}

} // namespace attnlens
