#include "core/model.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>

#ifdef __GLIBC__
#include <malloc.h>
#endif
#ifdef __linux__
#include <sys/mman.h>
#endif

#include <omp.h>

#include "core/errors.h"
#include "core/model_builder.h"
#include "core/model_impl.h"

namespace attnlens {

namespace {

/// Asks Linux to back a large fresh buffer with 2 MiB pages: its first write then takes one
/// page fault per 2 MiB instead of per 4 KiB (joining 256 MiB of attention scores: 140 -> 29 ms).
void adviseHugePages([[maybe_unused]] float *data, [[maybe_unused]] std::int64_t count)
{
#ifdef __linux__
    constexpr std::uintptr_t huge = std::uintptr_t(2) << 20;
    const auto first = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t begin = (first + huge - 1) & ~(huge - 1);
    const std::uintptr_t end
        = (first + static_cast<std::uintptr_t>(count) * sizeof(float)) & ~(huge - 1);
    if (count > 0 && end > begin)
        madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);
#endif
}

/// Concatenates tensors along the leading (batch) axis (one part is moved, not copied).
Tensor concatenateRows(std::vector<Tensor> &parts)
{
    if (parts.size() == 1)
        return std::move(parts.front());
    Shape shape = parts.front().shape();
    std::int64_t rows = 0;
    std::int64_t total = 0;
    for (const Tensor &p : parts) {
        rows += p.dim(0);
        total += p.size();
    }
    shape[0] = rows;
    std::vector<float> values;
    values.reserve(static_cast<std::size_t>(total));
    adviseHugePages(values.data(), total);
    for (const Tensor &p : parts)
        values.insert(values.end(), p.values().begin(), p.values().end());
    return Tensor(shape, std::move(values));
}

std::string formatBytes(std::int64_t bytes)
{
    char buffer[64];
    std::snprintf(
        buffer, sizeof buffer, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buffer;
}

/// A forward pass allocates and frees the same large tensors again and again (one 8 MiB score
/// matrix per attention layer for T=512; 2 GiB of joined scores for 64 such samples). By default
/// glibc gives such blocks back to the kernel when they are freed (mmap for blocks over 128 KiB,
/// heap trimming), so every pass pays page faults and the kernel's zeroing again: 15 % of a
/// T=512 encoder's batch-1 time, and more than half of a batch of 64. Blocks up to 1 GiB are
/// therefore served from the heaps, and freed heap memory is kept for the next run (the
/// process keeps the memory of its largest run). Process-wide, set once, when the first model
/// is opened.
void keepFreedMemory()
{
#ifdef __GLIBC__
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 1 << 30);
        mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
    });
#endif
}

} // namespace

std::string formatName(ModelFormat format)
{
    switch (format) {
    case ModelFormat::KerasArchive:
        return "Keras archive (.keras)";
    case ModelFormat::LegacyH5:
        return "legacy Keras HDF5 (.h5)";
    case ModelFormat::WeightsH5:
        return "Keras 3 weights (.weights.h5) + architecture JSON";
    case ModelFormat::LegacyWeightsH5:
        return "Keras save_weights HDF5 (.h5) + architecture JSON";
    }
    return "unknown";
}

Model::Model()
    : m_impl(std::make_unique<Impl>())
{
}

Model::~Model() = default;

std::shared_ptr<const Model> Model::open(const std::filesystem::path &file,
    const std::optional<std::filesystem::path> &configFile, const LoadOptions &options)
{
    keepFreedMemory();
    return ModelBuilder::open(file, configFile, options);
}

const ModelSummary &Model::summary() const
{
    return m_impl->summary;
}

const std::vector<LayerInfo> &Model::layers() const
{
    return m_impl->layers;
}

const std::vector<InputInfo> &Model::inputs() const
{
    return m_impl->inputs;
}

const std::vector<Shape> &Model::outputShapes() const
{
    return m_impl->outputShapes;
}

const std::vector<AttentionLayerInfo> &Model::attentionLayers() const
{
    return m_impl->attention;
}

const std::vector<std::string> &Model::warnings() const
{
    return m_impl->warnings;
}

namespace {

/// Checks the inputs against the model and returns the number of rows; the largest number of
/// rows per internal batch that fits the memory cap goes to `rowsPerBatch`.
std::int64_t validateInputs(const ModelData &impl, const std::vector<Tensor> &inputs,
    std::int64_t requestedBatch, std::int64_t &rowsPerBatch)
{
    if (inputs.size() != impl.inputs.size())
        throw ShapeError("the model has " + std::to_string(impl.inputs.size()) + " input(s) but "
            + std::to_string(inputs.size()) + " array(s) were given");
    std::int64_t rows = -1;
    double scale = 1.0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const InputInfo &info = impl.inputs[i];
        const Shape &shape = inputs[i].shape();
        bool fits = shape.size() == info.shape.size();
        for (std::size_t d = 1; fits && d < shape.size(); ++d)
            fits = info.shape[d] < 0 ? shape[d] >= 1 : shape[d] == info.shape[d];
        if (!fits)
            throw ShapeError("input '" + info.name + "' expects shape " + shapeToString(info.shape)
                + " but the data has shape " + shapeToString(shape));
        if (rows >= 0 && shape[0] != rows)
            throw ShapeError("input '" + info.name + "' has " + std::to_string(shape[0])
                + " rows but the first input has " + std::to_string(rows));
        rows = shape[0];
        if (i < impl.dryRunInputElements.size() && impl.dryRunInputElements[i] > 0
            && shape[0] > 0) {
            const double perSample
                = static_cast<double>(inputs[i].size()) / static_cast<double>(shape[0]);
            scale = std::max(scale, perSample / static_cast<double>(impl.dryRunInputElements[i]));
        }
    }
    // Intermediates grow at most with the square of the sequence length (attention scores).
    const double perSample
        = static_cast<double>(std::max<std::int64_t>(impl.dryRunBytesPerSample, 1)) * scale * scale;
    const double cap = static_cast<double>(impl.options.memoryCapBytes);
    if (perSample > cap)
        throw ShapeError("one sample of this size needs about "
            + formatBytes(static_cast<std::int64_t>(perSample))
            + " of intermediate values, more than the memory cap of "
            + formatBytes(impl.options.memoryCapBytes) + "; use shorter inputs");
    rowsPerBatch = std::max<std::int64_t>(
        1, std::min<std::int64_t>(requestedBatch, static_cast<std::int64_t>(cap / perSample)));
    return std::max<std::int64_t>(rows, 0);
}

/// Runs rows [begin, end) of `inputs`. Several rows are cut into slices of `sliceRows` rows
/// (at least one per thread) that the OpenMP threads take in turn, each running its slice
/// single-threaded: small matrices gain nothing from Eigen's threads, and a slice's
/// intermediate values stay in cache. One row runs alone and its layers use the threads.
/// Returns the passes in row order; rethrows the first error of a slice.
std::vector<Graph::Pass> runSlices(const Graph &graph, const std::vector<Tensor> &inputs,
    std::int64_t begin, std::int64_t end, std::int64_t sliceRows,
    const std::function<bool(int)> &capture)
{
    const std::int64_t rows = end - begin;
    const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
    sliceRows = std::clamp<std::int64_t>(sliceRows, 1, (rows + threads - 1) / threads);
    const std::int64_t slices = (rows + sliceRows - 1) / sliceRows;
    const std::int64_t total = inputs.empty() ? 0 : inputs.front().dim(0);
    auto sliceInputs = [&](std::int64_t from, std::int64_t to) {
        std::vector<Tensor> batch;
        batch.reserve(inputs.size());
        for (const Tensor &input : inputs)
            batch.push_back(from == 0 && to == total ? input : input.slice(from, to));
        return batch;
    };
    std::vector<Graph::Pass> passes(static_cast<std::size_t>(slices));
    if (slices <= 1) {
        passes.front() = graph.run(sliceInputs(begin, end), capture);
        return passes;
    }
    std::vector<std::exception_ptr> errors(passes.size());
    const int team = static_cast<int>(std::min<std::int64_t>(threads, slices));
#pragma omp parallel for num_threads(team) schedule(dynamic, 1)
    for (std::int64_t p = 0; p < slices; ++p) {
        const std::int64_t from = begin + p * sliceRows;
        const std::int64_t to = std::min(end, from + sliceRows);
        try {
            passes[static_cast<std::size_t>(p)] = graph.run(sliceInputs(from, to), capture);
        } catch (...) {
            errors[static_cast<std::size_t>(p)] = std::current_exception();
        }
    }
    for (const std::exception_ptr &error : errors)
        if (error)
            std::rethrow_exception(error);
    return passes;
}

} // namespace

RunResult Model::run(const std::vector<Tensor> &inputs, const RunOptions &options) const
{
    const Impl &impl = *m_impl;
    std::int64_t rowsPerBatch = 1;
    const std::int64_t rows
        = validateInputs(impl, inputs, std::max<std::int64_t>(options.batchSize, 1), rowsPerBatch);
    if (rows == 0)
        throw ShapeError("the data has no rows to run");
    const Graph &graph = *impl.graph;
    std::map<int, std::size_t> attentionIndexOfNode;
    for (std::size_t a = 0; a < impl.attentionNodes.size(); ++a)
        attentionIndexOfNode[impl.attentionNodes[a]] = a;
    std::vector<bool> wanted(impl.attention.size(), options.captureAttention);
    if (options.captureAttention && !options.onlyKeys.empty())
        for (std::size_t a = 0; a < impl.attention.size(); ++a)
            wanted[a]
                = std::find(options.onlyKeys.begin(), options.onlyKeys.end(), impl.attention[a].key)
                != options.onlyKeys.end();
    const auto capture = [&](int node) {
        const auto it = attentionIndexOfNode.find(node);
        return it != attentionIndexOfNode.end() && wanted[it->second];
    };

    // Rows per slice: about kSliceBytes of live intermediate values (dry run), so that a
    // slice works in cache (a T=512 encoder: 1-2 samples; ts_encoder: a whole share).
    constexpr double kSliceBytes = 8.0 * 1024 * 1024;
    const std::int64_t sliceRows = static_cast<std::int64_t>(std::max(1.0,
        kSliceBytes / static_cast<double>(std::max<std::int64_t>(impl.dryRunBytesPerSample, 1))));
    std::vector<std::vector<Tensor>> outputParts(graph.outputs().size());
    std::vector<std::vector<Tensor>> attentionParts(impl.attention.size());
    for (std::int64_t begin = 0; begin < rows; begin += rowsPerBatch) {
        const std::int64_t end = std::min(rows, begin + rowsPerBatch);
        for (Graph::Pass &pass : runSlices(graph, inputs, begin, end, sliceRows, capture)) {
            for (std::size_t o = 0; o < pass.outputs.size(); ++o)
                outputParts[o].push_back(std::move(pass.outputs[o]));
            for (auto &[node, scores] : pass.attention)
                attentionParts[attentionIndexOfNode.at(node)].push_back(std::move(scores));
        }
        if (options.progress && !options.progress(end, rows))
            throw Cancelled {};
    }
    // Joining the parts copies every value once, on this thread: its blocks come from the main
    // heap, which keeps them for the next run (see keepFreedMemory).
    RunResult result;
    for (auto &parts : outputParts)
        result.outputs.push_back(concatenateRows(parts));
    for (std::size_t a = 0; a < attentionParts.size(); ++a)
        if (!attentionParts[a].empty())
            result.attention.push_back({impl.attention[a].key, concatenateRows(attentionParts[a])});
    return result;
}

Tensor Model::attentionForSample(
    const std::vector<Tensor> &inputs, std::int64_t row, const std::string &attentionKey) const
{
    const Impl &impl = *m_impl;
    const auto it = std::find_if(impl.attention.begin(), impl.attention.end(),
        [&](const AttentionLayerInfo &info) { return info.key == attentionKey; });
    if (it == impl.attention.end())
        throw ShapeError("the model has no attention layer '" + attentionKey + "'");
    std::vector<Tensor> sample;
    for (const Tensor &input : inputs) {
        if (input.rank() == 0 || row < 0 || row >= input.dim(0))
            throw ShapeError("row " + std::to_string(row) + " is outside the data ("
                + std::to_string(input.rank() == 0 ? 0 : input.dim(0)) + " rows)");
        sample.push_back(input.sample(row));
    }
    RunOptions options;
    options.onlyKeys = {attentionKey};
    options.batchSize = 1;
    const RunResult result = run(sample, options);
    if (result.attention.empty())
        throw ShapeError("attention layer '" + attentionKey + "' produced no scores");
    const Tensor &scores = result.attention.front().scores;
    Shape shape(scores.shape().begin() + 1, scores.shape().end());
    return scores.reshaped(shape);
}

} // namespace attnlens
