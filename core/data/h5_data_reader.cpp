#include "core/data/h5_data_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include <hdf5.h>

#include "core/data/text_util.h"
#include "core/errors.h"
#include "core/io/hdf5_file.h"
#include "core/io/hdf5_quiet.h"
#include "core/io/hdf5_strings.h"
#include "core/tensor/format_bytes.h"

namespace attnlens {

namespace {

herr_t collect(hid_t, const char *name, const H5O_info_t *info, void *data)
{
    if (info->type == H5O_TYPE_DATASET)
        static_cast<std::vector<std::string> *>(data)->emplace_back(name);
    return 0;
}

Shape spaceShape(hid_t space)
{
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0)
        return {};
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    Shape shape;
    for (const hsize_t d : dims)
        shape.push_back(static_cast<std::int64_t>(d));
    return shape;
}

} // namespace

H5DataReader::H5DataReader(const std::filesystem::path &file, std::int64_t memoryCapBytes)
    : m_file(file)
    , m_cap(memoryCapBytes)
{
    const Hdf5Quiet quiet;
    if (!std::filesystem::exists(file))
        throw InputFileError(file.string() + ": no such file; check the path");
    if (H5Fis_hdf5(file.c_str()) <= 0)
        throw InputFileError(
            file.string() + ": not an HDF5 file (or a corrupt one); save the data with h5py");
    m_fileId = Hdf5Id(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!m_fileId.valid())
        throw InputFileError(file.string() + ": HDF5 cannot open this file; it may be corrupt");
    H5Ovisit(m_fileId.get(), H5_INDEX_NAME, H5_ITER_INC, collect, &m_datasets);
}

bool H5DataReader::isText(const std::string &dataset) const
{
    const Hdf5Quiet quiet;
    Hdf5Id d(H5Dopen2(m_fileId.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
    if (!d.valid())
        return false;
    Hdf5Id type(H5Dget_type(d.get()), H5Tclose);
    return H5Tget_class(type.get()) == H5T_STRING;
}

Shape H5DataReader::shape(const std::string &dataset) const
{
    const Hdf5Quiet quiet;
    Hdf5Id d(H5Dopen2(m_fileId.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
    if (!d.valid())
        throw InputFileError(m_file.string() + ": no dataset '" + dataset + "'");
    Hdf5Id space(H5Dget_space(d.get()), H5Sclose);
    return spaceShape(space.get());
}

ArrayData H5DataReader::read(const std::string &dataset) const
{
    const Hdf5Quiet quiet;
    const std::string where = m_file.string() + ": dataset '" + dataset + "'";
    Hdf5Id d(H5Dopen2(m_fileId.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
    if (!d.valid())
        throw InputFileError(where + " cannot be opened");
    Hdf5Id space(H5Dget_space(d.get()), H5Sclose);
    Hdf5Id type(H5Dget_type(d.get()), H5Tclose);
    ArrayData array;
    array.shape = spaceShape(space.get());
    const std::int64_t count = shapeSize(array.shape);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (count * 4 > m_cap)
        throw InputFileError(where + " " + shapeToString(array.shape) + " would need "
            + formatBytes(count * 4) + ", more than the " + formatBytes(m_cap) + " allowed");
    if (const std::string problem = storageProblem(d.get()); !problem.empty())
        throw InputFileError(where + " " + problem + "; the file is corrupt, write it again");
    if (cls == H5T_STRING) {
        array.isText = true;
        array.dtype = "string";
        auto strings = readStrings(
            type.get(), static_cast<std::size_t>(count), [&](hid_t memoryType, void *buffer) {
                return H5Dread(d.get(), memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
            });
        if (!strings)
            throw InputFileError(where + ": its strings cannot be read");
        array.strings = std::move(*strings);
        return array;
    }
    if (cls == H5T_INTEGER || cls == H5T_ENUM) {
        array.integers = true;
        array.dtype = "integer";
    } else if (cls == H5T_FLOAT) {
        array.dtype = "float";
    } else {
        throw InputFileError(where + " holds neither numbers nor strings (HDF5 class "
            + std::to_string(static_cast<int>(cls)) + "); store float or integer arrays");
    }
    array.values.resize(static_cast<std::size_t>(count));
    herr_t status = 0;
    if (cls == H5T_ENUM) { // h5py's bool: an enum over int8; enums convert only to themselves
        if (H5Tget_size(type.get()) != 1)
            throw InputFileError(where + " is an enumeration wider than one byte; store numbers");
        std::vector<signed char> raw(static_cast<std::size_t>(count));
        status = H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data());
        for (std::size_t i = 0; i < raw.size(); ++i)
            array.values[i] = static_cast<float>(raw[i]);
    } else {
        status = H5Dread(
            d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, array.values.data());
    }
    if (status < 0)
        throw InputFileError(where + " cannot be read; the file may be truncated or corrupt");
    return array;
}

std::optional<std::vector<std::string>> H5DataReader::stringAttribute(
    const std::string &dataset, const std::string &attribute) const
{
    const Hdf5Quiet quiet;
    const std::string object = dataset.empty() ? "/" : dataset;
    if (H5Aexists_by_name(m_fileId.get(), object.c_str(), attribute.c_str(), H5P_DEFAULT) <= 0)
        return std::nullopt;
    Hdf5Id a(H5Aopen_by_name(
                 m_fileId.get(), object.c_str(), attribute.c_str(), H5P_DEFAULT, H5P_DEFAULT),
        H5Aclose);
    if (!a.valid())
        return std::nullopt;
    Hdf5Id type(H5Aget_type(a.get()), H5Tclose);
    Hdf5Id space(H5Aget_space(a.get()), H5Sclose);
    const Shape shape = spaceShape(space.get());
    std::int64_t count = 1;
    for (const auto d : shape)
        count *= d;
    if (count < 0 || count > 100000000)
        return std::nullopt;
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls == H5T_STRING) {
        return readStrings(type.get(), static_cast<std::size_t>(count),
            [&](hid_t memoryType, void *buffer) { return H5Aread(a.get(), memoryType, buffer); });
    }
    if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
        std::vector<float> values(static_cast<std::size_t>(count));
        if (H5Aread(a.get(), H5T_NATIVE_FLOAT, values.data()) < 0)
            return std::nullopt;
        std::vector<std::string> out;
        for (const float v : values)
            out.push_back(formatNumber(v));
        return out;
    }
    return std::nullopt;
}

} // namespace attnlens
