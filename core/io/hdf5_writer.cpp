#include "core/io/hdf5_writer.h"

#include <random>
#include <system_error>

#include "core/errors.h"
#include "core/io/hdf5_quiet.h"

namespace attnlens {

Hdf5Id createHdf5File(const std::filesystem::path &path)
{
    const Hdf5Id access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    const Hdf5Id creation(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
    if (!access.valid() || !creation.valid()
        || H5Pset_libver_bounds(access.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST) < 0
        || H5Pset_attr_phase_change(creation.get(), 0, 0) < 0)
        return {};
    return Hdf5Id(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, creation.get(), access.get()), H5Fclose);
}

Hdf5Writer::Hdf5Writer(std::filesystem::path path)
    : m_path(std::move(path))
{
    const Hdf5Quiet quiet;
    std::random_device random;
    const std::filesystem::path directory = m_path.has_parent_path() ? m_path.parent_path() : ".";
    m_temporary = directory
        / ("." + m_path.filename().string() + "." + std::to_string(random() % 1000000) + ".part");
    m_file = createHdf5File(m_temporary);
    if (!m_file.valid())
        fail("cannot create the file");
}

Hdf5Writer::~Hdf5Writer()
{
    if (m_committed)
        return;
    const Hdf5Quiet quiet;
    m_file.reset();
    std::error_code ignored;
    std::filesystem::remove(m_temporary, ignored);
}

void Hdf5Writer::fail(const std::string &what) const
{
    throw OutputError(
        "cannot write " + m_path.string() + ": " + what + " (check free space and permissions)");
}

Hdf5Id Hdf5Writer::check(hid_t id, herr_t (*closer)(hid_t), const std::string &what) const
{
    if (id < 0)
        fail(what);
    return Hdf5Id(id, closer);
}

void Hdf5Writer::writeString(
    const std::string &object, const std::string &name, const std::string &value)
{
    const Hdf5Quiet quiet;
    const Hdf5Id type = check(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
    H5Tset_size(type.get(), value.empty() ? 1 : value.size());
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    const Hdf5Id space = check(H5Screate(H5S_SCALAR), H5Sclose, "dataspace");
    const Hdf5Id attribute
        = check(H5Acreate_by_name(m_file.get(), object.c_str(), name.c_str(), type.get(),
                    space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, "attribute " + name + " of " + object);
    const std::string data = value.empty() ? std::string(1, '\0') : value;
    if (H5Awrite(attribute.get(), type.get(), data.data()) < 0)
        fail("attribute " + name);
}

void Hdf5Writer::writeStrings(
    const std::string &object, const std::string &name, const std::vector<std::string> &values)
{
    const Hdf5Quiet quiet;
    const Hdf5Id type = check(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    const hsize_t n = values.size();
    const Hdf5Id space = check(H5Screate_simple(1, &n, nullptr), H5Sclose, "dataspace");
    const Hdf5Id attribute
        = check(H5Acreate_by_name(m_file.get(), object.c_str(), name.c_str(), type.get(),
                    space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, "attribute " + name + " of " + object);
    std::vector<const char *> pointers;
    for (const std::string &v : values)
        pointers.push_back(v.c_str());
    if (!values.empty() && H5Awrite(attribute.get(), type.get(), pointers.data()) < 0)
        fail("attribute " + name);
}

void Hdf5Writer::writeInt64Attribute(
    const std::string &object, const std::string &name, std::int64_t value)
{
    const Hdf5Quiet quiet;
    const Hdf5Id space = check(H5Screate(H5S_SCALAR), H5Sclose, "dataspace");
    const Hdf5Id attribute
        = check(H5Acreate_by_name(m_file.get(), object.c_str(), name.c_str(), H5T_STD_I64LE,
                    space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, "attribute " + name + " of " + object);
    if (H5Awrite(attribute.get(), H5T_NATIVE_INT64, &value) < 0)
        fail("attribute " + name);
}

void Hdf5Writer::writeDataset(const std::string &dataset, const Shape &shape, hid_t fileType,
    hid_t memType, const void *values)
{
    const Hdf5Quiet quiet;
    std::vector<hsize_t> dims(shape.begin(), shape.end());
    const Hdf5Id space = dims.empty()
        ? check(H5Screate(H5S_SCALAR), H5Sclose, "dataspace of " + dataset)
        : check(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose,
            "dataspace of " + dataset);
    const Hdf5Id links = check(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "property list");
    H5Pset_create_intermediate_group(links.get(), 1);
    const Hdf5Id data = check(H5Dcreate2(m_file.get(), dataset.c_str(), fileType, space.get(),
                                  links.get(), H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose, "dataset " + dataset);
    if (H5Dwrite(data.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
        fail("dataset " + dataset);
}

void Hdf5Writer::writeFloats(const std::string &dataset, const Shape &shape, const float *values)
{
    writeDataset(dataset, shape, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, values);
}

void Hdf5Writer::writeDoubles(const std::string &dataset, const Shape &shape, const double *values)
{
    writeDataset(dataset, shape, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values);
}

void Hdf5Writer::writeInt64(const std::string &dataset, std::int64_t value)
{
    writeDataset(dataset, {}, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void Hdf5Writer::commit()
{
    const Hdf5Quiet quiet;
    if (H5Fflush(m_file.get(), H5F_SCOPE_GLOBAL) < 0)
        fail("cannot flush the file");
    m_file.reset();
    std::error_code error;
    std::filesystem::rename(m_temporary, m_path, error);
    if (error) {
        std::filesystem::remove(m_temporary, error);
        fail("cannot rename the finished file into place");
    }
    m_committed = true;
}

} // namespace attnlens
