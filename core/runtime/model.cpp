#include "core/runtime/model.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <set>

#include <omp.h>

#include "core/errors.h"
#include "core/runtime/model_impl.h"
#include "core/tensor/format_bytes.h"
#include "core/tensor/large_block_pool.h"

namespace attnlens {

namespace {

/// Models alive in the process. When the last one goes, the blocks the engine cached for its runs
/// go back to the system (a desktop session that opens another model then does not keep the
/// previous model's peak memory).
std::atomic<int> g_liveModels {0};

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
    ++g_liveModels;
}

Model::~Model()
{
    m_impl.reset();
    if (--g_liveModels == 0)
        LargeBlockPool::instance().trim();
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

const std::vector<FeatureWeightsInfo> &Model::featureWeightLayers() const
{
    return m_impl->featureWeights;
}

const std::vector<std::string> &Model::warnings() const
{
    return m_impl->warnings;
}

namespace {

/// Checks the inputs against the model and returns the number of rows; the largest number of
/// rows per internal batch that fits the memory cap goes to `rowsPerBatch`.
std::int64_t validateInputs(const Model::Impl &impl, const std::vector<Tensor> &inputs,
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

using SliceSink = std::function<void(std::int64_t from, std::int64_t to, Graph::Pass &pass)>;
/// Where the slice starting at row `from` writes the scores of attention node `node`.
using SliceDestination = std::function<float *(std::int64_t from, int node, const Shape &shape)>;

/// Runs rows [begin, end) of `inputs` and hands each slice's pass to `sink`, from the thread
/// that ran it (so `sink` must be thread-safe). Several rows are cut into slices of
/// `sliceRows` rows (at least one per thread) that the OpenMP threads take in turn, each
/// running its slice single-threaded: small matrices gain nothing from Eigen's threads, and a
/// slice's intermediate values stay in cache. One row runs alone and its layers use the
/// threads. Rethrows the first error of a slice.
void runSlices(const Graph &graph, const std::vector<Tensor> &inputs, std::int64_t begin,
    std::int64_t end, std::int64_t sliceRows, const std::function<bool(int)> &capture,
    const SliceDestination &destination, const SliceSink &sink)
{
    const std::int64_t rows = end - begin;
    const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
    sliceRows = std::clamp<std::int64_t>(sliceRows, 1, (rows + threads - 1) / threads);
    const std::int64_t slices = (rows + sliceRows - 1) / sliceRows;
    const std::int64_t total = inputs.empty() ? 0 : inputs.front().dim(0);
    auto runSlice = [&](std::int64_t from, std::int64_t to) {
        std::vector<Tensor> batch;
        batch.reserve(inputs.size());
        for (const Tensor &input : inputs)
            batch.push_back(from == 0 && to == total ? input : input.slice(from, to));
        Graph::Pass pass = graph.run(batch, capture, false,
            [&](int node, const Shape &shape) { return destination(from, node, shape); });
        sink(from, to, pass);
    };
    if (slices <= 1) {
        runSlice(begin, end);
        return;
    }
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(slices));
    const int team = static_cast<int>(std::min<std::int64_t>(threads, slices));
#pragma omp parallel for num_threads(team) schedule(dynamic, 1)
    for (std::int64_t p = 0; p < slices; ++p) {
        const std::int64_t from = begin + p * sliceRows;
        try {
            runSlice(from, std::min(end, from + sliceRows));
        } catch (...) {
            errors[static_cast<std::size_t>(p)] = std::current_exception();
        }
    }
    for (const std::exception_ptr &error : errors)
        if (error)
            std::rethrow_exception(error);
}

/// Collects slice results into whole-run tensors: the first slice to deliver a value allocates
/// it (rows of the whole run), every slice then copies its rows in and frees its own tensors, so
/// a run holds its results once (not once per slice plus once joined). A run of one slice
/// moves its tensors instead. Attention scores skip the copy: attention layers write them
/// straight into the rows that destination() hands out.
class RunJoiner
{
public:
    RunJoiner(std::int64_t rows, std::size_t outputs, std::size_t attention, std::size_t weights)
        : m_rows(rows)
        , m_outputs(outputs)
        , m_attention(attention)
        , m_weights(weights)
    {
    }

    /// One slice's value and which whole-run value it belongs to.
    struct Part
    {
        enum class Kind
        {
            Output,
            Attention,
            Weights
        };
        Tensor *value = nullptr;
        Kind kind = Kind::Output;
        std::size_t index = 0;
    };

    /// Rows [from, to) of every value in `parts`.
    void add(std::int64_t from, std::int64_t to, const std::vector<Part> &parts)
    {
        if (to - from == m_rows) { // the only slice: its values are the results
            for (const Part &part : parts)
                whole(part) = std::move(*part.value);
            return;
        }
        std::vector<float *> targets;
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            for (const Part &part : parts)
                targets.push_back(rowsOf(whole(part), part.value->shape(), from));
        }
        for (std::size_t i = 0; i < parts.size(); ++i) {
            std::copy_n(parts[i].value->data(), parts[i].value->size(), targets[i]);
            *parts[i].value = Tensor();
        }
    }

    /// Rows from `from` on of the whole-run scores of attention `index`; `shape` is the slice's
    /// (rows, heads, T_query, T_key).
    float *destination(std::size_t index, const Shape &shape, std::int64_t from)
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        return rowsOf(m_attention[index], shape, from);
    }

    std::vector<Tensor> &outputs() { return m_outputs; }
    std::vector<Tensor> &attention() { return m_attention; }
    std::vector<Tensor> &weights() { return m_weights; }

private:
    Tensor &whole(const Part &part)
    {
        switch (part.kind) {
        case Part::Kind::Output:
            return m_outputs[part.index];
        case Part::Kind::Attention:
            return m_attention[part.index];
        case Part::Kind::Weights:
            break;
        }
        return m_weights[part.index];
    }

    /// Rows from `from` on of `whole`, allocated with the run's rows when first asked for (values
    /// unset: every slice writes its own rows); `part` is the shape of a slice's value. Throws
    /// ShapeError when it does not fit. Called with the lock held.
    float *rowsOf(Tensor &whole, const Shape &part, std::int64_t from) const
    {
        if (part.empty())
            throw ShapeError("a layer produced a value without a batch axis");
        if (whole.empty()) {
            Shape all = part;
            all[0] = m_rows;
            whole = Tensor::uninitialized(std::move(all));
        }
        if (part.size() != whole.shape().size()
            || !std::equal(part.begin() + 1, part.end(), whole.shape().begin() + 1)
            || from + part[0] > m_rows)
            throw ShapeError("a batch slice produced shape " + shapeToString(part) + " where "
                + shapeToString(whole.shape()) + " was expected");
        const std::int64_t rowSize = m_rows == 0 ? 0 : whole.size() / m_rows;
        return whole.data() + from * rowSize;
    }

    std::int64_t m_rows;
    std::mutex m_mutex;
    std::vector<Tensor> m_outputs;
    std::vector<Tensor> m_attention;
    std::vector<Tensor> m_weights;
};

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
    // (node, part) -> attention index; part -1 is the layer's own map.
    std::map<std::pair<int, int>, std::size_t> attentionIndexOf;
    for (std::size_t a = 0; a < impl.attentionNodes.size(); ++a)
        attentionIndexOf[{impl.attentionNodes[a], impl.attentionParts[a]}] = a;
    std::map<std::pair<int, int>, std::size_t> weightsIndexOf;
    for (std::size_t w = 0; w < impl.featureWeightNodes.size(); ++w)
        weightsIndexOf[{impl.featureWeightNodes[w], impl.featureWeightParts[w]}] = w;
    std::vector<bool> wanted(impl.attention.size(), options.captureAttention);
    if (options.captureAttention && !options.onlyKeys.empty())
        for (std::size_t a = 0; a < impl.attention.size(); ++a)
            wanted[a]
                = std::find(options.onlyKeys.begin(), options.onlyKeys.end(), impl.attention[a].key)
                != options.onlyKeys.end();
    std::set<int> capturedNodes; // a node is captured when any of its maps is wanted
    for (std::size_t a = 0; a < impl.attention.size(); ++a)
        if (wanted[a])
            capturedNodes.insert(impl.attentionNodes[a]);
    const auto capture = [&](int node) { return capturedNodes.count(node) != 0; };

    // Rows per slice: about kSliceBytes of live intermediate values (dry run), so that a
    // slice works in cache (a T=512 encoder: 1-2 samples; ts_encoder: a whole share).
    constexpr double kSliceBytes = 8.0 * 1024 * 1024;
    const std::int64_t sliceRows = static_cast<std::int64_t>(std::max(1.0,
        kSliceBytes / static_cast<double>(std::max<std::int64_t>(impl.dryRunBytesPerSample, 1))));
    RunJoiner joiner(
        rows, graph.outputs().size(), impl.attention.size(), impl.featureWeights.size());
    const SliceDestination destination = [&](std::int64_t from, int node, const Shape &shape) {
        return joiner.destination(attentionIndexOf.at({node, -1}), shape, from);
    };
    const SliceSink sink = [&](std::int64_t from, std::int64_t to, Graph::Pass &pass) {
        using Part = RunJoiner::Part;
        std::vector<Part> parts;
        for (std::size_t o = 0; o < pass.outputs.size(); ++o)
            parts.push_back({&pass.outputs[o], Part::Kind::Output, o});
        for (auto &[node, scores] : pass.attention)
            parts.push_back({&scores, Part::Kind::Attention, attentionIndexOf.at({node, -1})});
        for (auto &[node, maps] : pass.partAttention)
            for (std::size_t k = 0; k < maps.size(); ++k) {
                const auto it = attentionIndexOf.find({node, static_cast<int>(k)});
                if (it != attentionIndexOf.end() && wanted[it->second] && !maps[k].empty())
                    parts.push_back({&maps[k], Part::Kind::Attention, it->second});
            }
        for (auto &[node, sets] : pass.featureWeights)
            for (std::size_t k = 0; k < sets.size(); ++k) {
                const auto it = weightsIndexOf.find({node, static_cast<int>(k)});
                if (it != weightsIndexOf.end())
                    parts.push_back({&sets[k], Part::Kind::Weights, it->second});
            }
        joiner.add(from, to, parts);
    };
    for (std::int64_t begin = 0; begin < rows; begin += rowsPerBatch) {
        const std::int64_t end = std::min(rows, begin + rowsPerBatch);
        try {
            runSlices(graph, inputs, begin, end, sliceRows, capture, destination, sink);
        } catch (const std::bad_alloc &) {
            throw ShapeError("out of memory for the results of " + std::to_string(rows)
                + " rows; run fewer rows at a time (or capture fewer attention layers)");
        }
        if (options.progress && !options.progress(end, rows))
            throw Cancelled {};
    }
    RunResult result;
    result.outputs = std::move(joiner.outputs());
    for (std::size_t a = 0; a < impl.attention.size(); ++a)
        if (!joiner.attention()[a].empty())
            result.attention.push_back({impl.attention[a].key, std::move(joiner.attention()[a])});
    for (std::size_t w = 0; w < impl.featureWeights.size(); ++w) {
        Tensor &weights = joiner.weights()[w];
        if (weights.empty())
            continue;
        if (impl.featureWeights[w].isStatic && weights.rank() == 2) // the same on every row
            weights = weights.slice(0, 1).reshaped({weights.dim(1)});
        result.featureWeights.push_back({impl.featureWeights[w].key, std::move(weights)});
    }
    return result;
}

namespace {

std::vector<Tensor> sampleOf(const std::vector<Tensor> &inputs, std::int64_t row)
{
    std::vector<Tensor> sample;
    for (const Tensor &input : inputs) {
        if (input.rank() == 0 || row < 0 || row >= input.dim(0))
            throw ShapeError("row " + std::to_string(row) + " is outside the data ("
                + std::to_string(input.rank() == 0 ? 0 : input.dim(0)) + " rows)");
        sample.push_back(input.sample(row));
    }
    return sample;
}

// (1, ...) -> (...): the first axis of a one-sample batch dropped, sharing the values.
Tensor withoutBatchAxis(const Tensor &scores)
{
    return scores.reshaped(Shape(scores.shape().begin() + 1, scores.shape().end()));
}

} // namespace

SampleResult Model::runSample(const std::vector<Tensor> &inputs, std::int64_t row) const
{
    const std::vector<Tensor> sample = sampleOf(inputs, row);
    SampleResult out;
    if (m_impl->attention.empty() && m_impl->featureWeights.empty())
        return out;
    RunOptions options; // empty onlyKeys: every attention call, in attentionLayers() order
    options.batchSize = 1;
    const RunResult result = run(sample, options);
    if (result.attention.size() != m_impl->attention.size())
        throw ShapeError("the model produced scores for " + std::to_string(result.attention.size())
            + " of its " + std::to_string(m_impl->attention.size()) + " attention calls");
    out.attention.reserve(result.attention.size());
    for (const AttentionScores &call : result.attention)
        out.attention.push_back(withoutBatchAxis(call.scores));
    out.featureWeights.reserve(result.featureWeights.size());
    for (const FeatureWeights &set : result.featureWeights)
        out.featureWeights.push_back(
            set.weights.rank() == 2 ? withoutBatchAxis(set.weights) : set.weights);
    out.outputs.reserve(result.outputs.size());
    for (const Tensor &output : result.outputs)
        out.outputs.push_back(output.rank() > 0 ? withoutBatchAxis(output) : output);
    return out;
}

Tensor Model::attentionForSample(
    const std::vector<Tensor> &inputs, std::int64_t row, const std::string &attentionKey) const
{
    const Impl &impl = *m_impl;
    const auto it = std::find_if(impl.attention.begin(), impl.attention.end(),
        [&](const AttentionLayerInfo &info) { return info.key == attentionKey; });
    if (it == impl.attention.end())
        throw ShapeError("the model has no attention layer '" + attentionKey + "'");
    RunOptions options;
    options.onlyKeys = {attentionKey};
    options.batchSize = 1;
    const RunResult result = run(sampleOf(inputs, row), options);
    if (result.attention.empty())
        throw ShapeError("attention layer '" + attentionKey + "' produced no scores");
    return withoutBatchAxis(result.attention.front().scores);
}

} // namespace attnlens
