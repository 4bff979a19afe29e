#include "app/cli/result_file.h"

#include <random>
#include <stdexcept>
#include <system_error>

#include "core/io/hdf5_id.h"

namespace attnlens::cli {

namespace {

[[noreturn]] void failWrite(const std::filesystem::path &path, const std::string &what)
{
    throw std::runtime_error(
        "cannot write " + path.string() + ": " + what + " (check free space and permissions)");
}

Hdf5Id check(
    hid_t id, herr_t (*closer)(hid_t), const std::filesystem::path &path, const std::string &what)
{
    if (id < 0)
        failWrite(path, what);
    return Hdf5Id(id, closer);
}

void writeStringAttribute(
    hid_t object, const char *name, const std::string &value, const std::filesystem::path &path)
{
    const Hdf5Id type = check(H5Tcopy(H5T_C_S1), H5Tclose, path, "string type");
    H5Tset_size(type.get(), value.empty() ? 1 : value.size());
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    const Hdf5Id space = check(H5Screate(H5S_SCALAR), H5Sclose, path, "dataspace");
    const Hdf5Id attribute
        = check(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, path, name);
    const std::string data = value.empty() ? std::string(1, '\0') : value;
    if (H5Awrite(attribute.get(), type.get(), data.data()) < 0)
        failWrite(path, name);
}

void writeRows(
    hid_t object, const std::vector<std::int64_t> &rows, const std::filesystem::path &path)
{
    const hsize_t n = rows.size();
    const Hdf5Id space = check(H5Screate_simple(1, &n, nullptr), H5Sclose, path, "dataspace");
    const Hdf5Id attribute
        = check(H5Acreate2(object, "rows", H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, path, "rows");
    if (H5Awrite(attribute.get(), H5T_NATIVE_INT64, rows.data()) < 0)
        failWrite(path, "attribute rows");
}

void writeTensor(
    hid_t group, const std::string &name, const Tensor &tensor, const std::filesystem::path &path)
{
    std::vector<hsize_t> dims(tensor.shape().begin(), tensor.shape().end());
    const Hdf5Id space = check(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose,
        path, "dataspace of " + name);
    const Hdf5Id dataset = check(H5Dcreate2(group, name.c_str(), H5T_IEEE_F32LE, space.get(),
                                     H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose, path, "dataset " + name);
    if (tensor.size() > 0
        && H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, tensor.data())
            < 0)
        failWrite(path, "dataset " + name);
}

void writeContents(const std::filesystem::path &file, const std::filesystem::path &path,
    const ResultFileContents &contents)
{
    const Hdf5Id h5 = check(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
        H5Fclose, path, "cannot create the file");
    writeStringAttribute(h5.get(), "model_file", contents.modelFile, path);
    writeStringAttribute(h5.get(), "model_sha256", contents.modelSha256, path);
    writeStringAttribute(h5.get(), "attnlens_version", ATTNLENS_VERSION, path);
    writeStringAttribute(h5.get(), "data_files", contents.dataFiles, path);
    writeRows(h5.get(), contents.rows, path);
    {
        const Hdf5Id outputs
            = check(H5Gcreate2(h5.get(), "outputs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Gclose, path, "group outputs");
        for (std::size_t i = 0; i < contents.result->outputs.size(); ++i)
            writeTensor(outputs.get(), std::to_string(i), contents.result->outputs[i], path);
    }
    const Hdf5Id attention
        = check(H5Gcreate2(h5.get(), "attention", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
            path, "group attention");
    for (const AttentionScores &scores : contents.result->attention)
        writeTensor(attention.get(), scores.key, scores.scores, path);
    if (H5Fflush(h5.get(), H5F_SCOPE_GLOBAL) < 0)
        failWrite(path, "flush");
}

} // namespace

void writeResultFile(const std::filesystem::path &path, const ResultFileContents &contents)
{
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    std::random_device random;
    const std::filesystem::path directory = path.has_parent_path() ? path.parent_path() : ".";
    const std::filesystem::path temporary = directory
        / ("." + path.filename().string() + "." + std::to_string(random() % 1000000) + ".part");
    try {
        writeContents(temporary, path, contents);
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        throw;
    }
    std::error_code code;
    std::filesystem::rename(temporary, path, code);
    if (code) {
        std::filesystem::remove(temporary, code);
        failWrite(path, "cannot rename the temporary file");
    }
}

} // namespace attnlens::cli
