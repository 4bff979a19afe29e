#include "app/cli/result_file.h"

#include <random>
#include <system_error>

#include "core/errors.h"
#include "core/io/hdf5_quiet.h"
#include "core/io/hdf5_writer.h"

namespace attnlens::cli {

namespace {

std::string writeError(const std::filesystem::path &path, const std::string &what)
{
    return "cannot write " + path.string() + ": " + what + " (check free space and permissions)";
}

Hdf5Id check(
    hid_t id, herr_t (*closer)(hid_t), const std::filesystem::path &path, const std::string &what)
{
    if (id < 0)
        throw OutputError(writeError(path, what));
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
        throw OutputError(writeError(path, name));
}

void writeRowsAttribute(
    hid_t object, const std::vector<std::int64_t> &rows, const std::filesystem::path &path)
{
    const hsize_t n = rows.size();
    const Hdf5Id space = check(H5Screate_simple(1, &n, nullptr), H5Sclose, path, "dataspace");
    const Hdf5Id attribute
        = check(H5Acreate2(object, "rows", H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, path, "rows");
    if (H5Awrite(attribute.get(), H5T_NATIVE_INT64, rows.data()) < 0)
        throw OutputError(writeError(path, "attribute rows"));
}

/// A float32 dataset of `total` rows shaped like the rows of `first` (total < 0: shaped like
/// `first` itself). A name with '/' ("layer/attribute") creates the groups on its path.
Hdf5Id createDataset(hid_t group, const std::string &name, const Tensor &first, std::int64_t total,
    const std::filesystem::path &path)
{
    if (first.rank() == 0)
        throw OutputError(writeError(path, "dataset " + name + " has no batch axis"));
    std::vector<hsize_t> dims(first.shape().begin(), first.shape().end());
    if (total >= 0)
        dims[0] = static_cast<hsize_t>(total);
    const Hdf5Id space = check(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose,
        path, "dataspace of " + name);
    const Hdf5Id links = check(H5Pcreate(H5P_LINK_CREATE), H5Pclose, path, "property list");
    H5Pset_create_intermediate_group(links.get(), 1);
    return check(H5Dcreate2(group, name.c_str(), H5T_IEEE_F32LE, space.get(), links.get(),
                     H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose, path, "dataset " + name);
}

/// A variable-length UTF-8 string array attribute.
void writeStringsAttribute(hid_t object, const char *name, const std::vector<std::string> &values,
    const std::filesystem::path &path)
{
    const Hdf5Id type = check(H5Tcopy(H5T_C_S1), H5Tclose, path, "string type");
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    const hsize_t n = values.size();
    const Hdf5Id space = check(H5Screate_simple(1, &n, nullptr), H5Sclose, path, "dataspace");
    const Hdf5Id attribute
        = check(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, path, name);
    std::vector<const char *> pointers;
    for (const std::string &value : values)
        pointers.push_back(value.c_str());
    if (!values.empty() && H5Awrite(attribute.get(), type.get(), pointers.data()) < 0)
        throw OutputError(writeError(path, name));
}

/// A 1-D variable-length UTF-8 string dataset `name` in `group`, with a string attribute
/// "column" saying where the values come from.
void writeStringsDataset(hid_t group, const char *name, const std::vector<std::string> &values,
    const std::string &column, const std::filesystem::path &path)
{
    const Hdf5Id type = check(H5Tcopy(H5T_C_S1), H5Tclose, path, "string type");
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    const hsize_t n = values.size();
    const Hdf5Id space = check(H5Screate_simple(1, &n, nullptr), H5Sclose, path, "dataspace");
    const Hdf5Id dataset = check(
        H5Dcreate2(group, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose, path, std::string("dataset rows/") + name);
    std::vector<const char *> pointers;
    for (const std::string &value : values)
        pointers.push_back(value.c_str());
    if (!values.empty()
        && H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0)
        throw OutputError(writeError(path, std::string("dataset rows/") + name));
    writeStringAttribute(dataset.get(), "column", column, path);
}

} // namespace

ResultFileWriter::ResultFileWriter(std::filesystem::path path, const ResultFileHeader &header,
    std::vector<std::pair<std::string, std::vector<std::string>>> weightLabels)
    : m_path(std::move(path))
    , m_total(static_cast<std::int64_t>(header.rows.size()))
    , m_weightLabels(std::move(weightLabels))
{
    const Hdf5Quiet quiet; // and in every member below: HDF5's print setting is per thread
    std::random_device random;
    const std::filesystem::path directory = m_path.has_parent_path() ? m_path.parent_path() : ".";
    m_temporary = directory
        / ("." + m_path.filename().string() + "." + std::to_string(random() % 1000000) + ".part");
    m_file = createHdf5File(m_temporary); // dense attributes: `rows` may exceed 64 KiB
    if (!m_file.valid())
        throw OutputError(writeError(m_path, "cannot create the file"));
    try {
        writeStringAttribute(m_file.get(), "model_file", header.modelFile, m_path);
        writeStringAttribute(m_file.get(), "model_sha256", header.modelSha256, m_path);
        writeStringAttribute(m_file.get(), "attnlens_version", ATTNLENS_VERSION, m_path);
        writeStringAttribute(m_file.get(), "data_files", header.dataFiles, m_path);
        writeRowsAttribute(m_file.get(), header.rows, m_path);
        const Hdf5Id rows
            = check(H5Gcreate2(m_file.get(), "rows", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Gclose, m_path, "group rows");
        writeStringsDataset(rows.get(), "id", header.ids, header.idColumn, m_path);
        if (!header.targets.empty())
            writeStringsDataset(rows.get(), "target", header.targets, header.targetColumn, m_path);
        if (!header.recipes.empty())
            writeStringAttribute(m_file.get(), "recipes", header.recipes, m_path);
    } catch (...) {
        m_file.reset();
        std::error_code ignored;
        std::filesystem::remove(m_temporary, ignored);
        throw;
    }
}

ResultFileWriter::~ResultFileWriter()
{
    if (m_committed)
        return;
    const Hdf5Quiet quiet;
    m_outputs.clear();
    m_attention.clear();
    m_weights.clear();
    m_file.reset();
    std::error_code ignored;
    std::filesystem::remove(m_temporary, ignored);
}

void ResultFileWriter::fail(const std::string &what) const
{
    throw OutputError(writeError(m_path, what));
}

void ResultFileWriter::writeRows(
    hid_t dataset, const std::string &name, std::int64_t firstRow, const Tensor &tensor) const
{
    const Hdf5Id fileSpace = check(H5Dget_space(dataset), H5Sclose, m_path, "dataspace " + name);
    const int rank = H5Sget_simple_extent_ndims(fileSpace.get());
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    H5Sget_simple_extent_dims(fileSpace.get(), dims.data(), nullptr);
    bool fits = rank == tensor.rank() && firstRow >= 0
        && firstRow + tensor.dim(0) <= static_cast<std::int64_t>(dims[0]);
    for (int d = 1; fits && d < rank; ++d)
        fits = dims[static_cast<std::size_t>(d)] == static_cast<hsize_t>(tensor.dim(d));
    if (!fits)
        fail("dataset " + name + ": rows of shape " + shapeToString(tensor.shape())
            + " do not fit the rows written before");
    if (tensor.size() == 0)
        return;
    std::vector<hsize_t> start(dims.size(), 0), count(tensor.shape().begin(), tensor.shape().end());
    start[0] = static_cast<hsize_t>(firstRow);
    if (H5Sselect_hyperslab(
            fileSpace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr)
        < 0)
        fail("selection in " + name);
    const Hdf5Id memSpace = check(
        H5Screate_simple(rank, count.data(), nullptr), H5Sclose, m_path, "dataspace " + name);
    if (H5Dwrite(
            dataset, H5T_NATIVE_FLOAT, memSpace.get(), fileSpace.get(), H5P_DEFAULT, tensor.data())
        < 0)
        fail("dataset " + name);
}

void ResultFileWriter::write(std::int64_t firstRow, const RunResult &chunk)
{
    const Hdf5Quiet quiet;
    if (!m_created) {
        m_created = true;
        {
            const Hdf5Id outputs
                = check(H5Gcreate2(m_file.get(), "outputs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    H5Gclose, m_path, "group outputs");
            for (std::size_t i = 0; i < chunk.outputs.size(); ++i)
                m_outputs.push_back(createDataset(
                    outputs.get(), std::to_string(i), chunk.outputs[i], m_total, m_path));
        }
        const Hdf5Id attention
            = check(H5Gcreate2(m_file.get(), "attention", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Gclose, m_path, "group attention");
        for (const AttentionScores &scores : chunk.attention)
            m_attention.emplace_back(scores.key,
                createDataset(attention.get(), scores.key, scores.scores, m_total, m_path));
        if (!chunk.featureWeights.empty()) {
            const Hdf5Id weights = check(
                H5Gcreate2(m_file.get(), "feature_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Gclose, m_path, "group feature_weights");
            for (const FeatureWeights &set : chunk.featureWeights) {
                const bool isStatic = set.weights.rank() == 1;
                Hdf5Id dataset = createDataset(
                    weights.get(), set.key, set.weights, isStatic ? -1 : m_total, m_path);
                for (const auto &[key, labels] : m_weightLabels)
                    if (key == set.key)
                        writeStringsAttribute(dataset.get(), "labels", labels, m_path);
                if (isStatic)
                    writeRows(dataset.get(), "feature_weights/" + set.key, 0, set.weights);
                m_weights.emplace_back(set.key, std::move(dataset));
            }
        }
    }
    if (chunk.outputs.size() != m_outputs.size() || chunk.attention.size() != m_attention.size())
        fail("a chunk of rows has other outputs than the first");
    for (std::size_t i = 0; i < chunk.outputs.size(); ++i)
        writeRows(m_outputs[i].get(), "outputs/" + std::to_string(i), firstRow, chunk.outputs[i]);
    for (std::size_t a = 0; a < chunk.attention.size(); ++a) {
        if (chunk.attention[a].key != m_attention[a].first)
            fail("a chunk of rows has other attention layers than the first");
        writeRows(m_attention[a].second.get(), "attention/" + m_attention[a].first, firstRow,
            chunk.attention[a].scores);
    }
    if (chunk.featureWeights.size() != m_weights.size())
        fail("a chunk of rows has other feature weights than the first");
    for (std::size_t w = 0; w < chunk.featureWeights.size(); ++w) {
        const FeatureWeights &set = chunk.featureWeights[w];
        if (set.key != m_weights[w].first)
            fail("a chunk of rows has other feature weights than the first");
        if (set.weights.rank() > 1) // static weights were written with the first chunk
            writeRows(
                m_weights[w].second.get(), "feature_weights/" + set.key, firstRow, set.weights);
    }
}

void ResultFileWriter::commit()
{
    const Hdf5Quiet quiet;
    if (H5Fflush(m_file.get(), H5F_SCOPE_GLOBAL) < 0)
        fail("flush");
    m_outputs.clear();
    m_attention.clear();
    m_weights.clear();
    m_file.reset();
    std::error_code code;
    std::filesystem::rename(m_temporary, m_path, code);
    if (code) {
        std::filesystem::remove(m_temporary, code);
        fail("cannot rename the temporary file");
    }
    m_committed = true;
}

} // namespace attnlens::cli
