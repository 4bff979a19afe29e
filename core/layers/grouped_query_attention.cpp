#include "core/layers/grouped_query_attention.h"

#include <algorithm>
#include <cstdio>

#include "core/errors.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

namespace {

constexpr std::int64_t kMaxDim = std::int64_t(1) << 20;

/// A (..., V, H) key or value weight with each of its V heads repeated `repeats` times in
/// place, as ops.repeat(x, repeats, axis=heads) does: (..., V * repeats, H).
Tensor repeatHeads(const Tensor &w, std::int64_t repeats)
{
    if (w.empty() || repeats == 1)
        return w;
    const Shape &s = w.shape();
    const std::int64_t heads = s[s.size() - 2];
    const std::int64_t dim = s.back();
    const std::int64_t outer = w.size() / (heads * dim);
    Shape shape = s;
    shape[shape.size() - 2] = heads * repeats;
    Tensor out = Tensor::uninitialized(shape);
    const float *in = w.data();
    float *o = out.data();
    for (std::int64_t a = 0; a < outer; ++a)
        for (std::int64_t v = 0; v < heads; ++v)
            for (std::int64_t r = 0; r < repeats; ++r, o += dim)
                std::copy_n(in + (a * heads + v) * dim, dim, o);
    return out;
}

/// Keras 3.7 and later (or an unknown version, taken as the newest): the fused path exists.
bool hasFusedPath(const std::string &kerasVersion)
{
    int major = 0;
    int minor = 0;
    if (std::sscanf(kerasVersion.c_str(), "%d.%d", &major, &minor) != 2)
        return true;
    return major > 3 || (major == 3 && minor >= 7);
}

/// 1 where `mask` (B, T) keeps a step; all ones when it is empty.
float keeps(const Mask &mask, std::int64_t b, std::int64_t t, std::int64_t steps)
{
    return mask.empty() || mask.data()[b * steps + t] != 0.0f ? 1.0f : 0.0f;
}

} // namespace

std::unique_ptr<Layer> GroupedQueryAttention::fromKeras(const LayerConfig &config)
{
    const ErrorWhere where = layerWhere(config);
    const std::int64_t headDim = configInt(config, "head_dim", -1, 1, kMaxDim);
    const std::int64_t queryHeads = configInt(config, "num_query_heads", -1, 1, kMaxDim);
    const std::int64_t valueHeads = configInt(config, "num_key_value_heads", -1, 1, kMaxDim);
    if (headDim < 0 || queryHeads < 0 || valueHeads < 0)
        throw InputFileError(
            where + ": config 'head_dim', 'num_query_heads' or 'num_key_value_heads' is missing.");
    if (queryHeads % valueHeads != 0)
        throw InputFileError(where + ": num_query_heads " + std::to_string(queryHeads)
            + " is not a multiple of num_key_value_heads " + std::to_string(valueHeads)
            + ", which Keras refuses. The model file is damaged.");
    if (configBool(config, "use_gate", false))
        throw UnsupportedModelError(
            where + " uses use_gate=True, which AttnLens does not support yet for this layer.");
    if (config.config.contains("sliding_window") && !config.config["sliding_window"].is_null())
        throw UnsupportedModelError(
            where + " uses sliding_window attention, which AttnLens does not support yet.");
    const bool useBias = configBool(config, "use_bias", true);
    const std::size_t per = useBias ? 2 : 1;
    requireWeightCount(config, {4 * per});
    const auto &w = config.weights;
    auto leading = [&](std::size_t i) { return w[i].rank() == 3 ? w[i].shape()[0] : -1; };
    requireWeightShape(config, 0, {leading(0), queryHeads, headDim}, "query kernel");
    const std::int64_t eq = w[0].shape()[0];
    if (useBias)
        requireWeightShape(config, 1, {queryHeads, headDim}, "query bias");
    requireWeightShape(config, per, {leading(per), valueHeads, headDim}, "key kernel");
    if (useBias)
        requireWeightShape(config, per + 1, {valueHeads, headDim}, "key bias");
    requireWeightShape(config, 2 * per, {leading(2 * per), valueHeads, headDim}, "value kernel");
    if (useBias)
        requireWeightShape(config, 2 * per + 1, {valueHeads, headDim}, "value bias");
    requireWeightShape(config, 3 * per, {queryHeads, headDim, eq}, "output kernel");
    if (useBias)
        requireWeightShape(config, 3 * per + 1, {eq}, "output bias");

    std::int64_t parameters = 0;
    for (const Tensor &t : w)
        parameters += t.size();
    // MultiHeadAttention with the key and value heads repeated for every query head.
    const std::int64_t repeats = queryHeads / valueHeads;
    LayerConfig repeated = config;
    for (std::size_t i = per; i < 3 * per; ++i)
        repeated.weights[i] = repeatHeads(w[i], repeats);
    MultiHeadAttention::Options o;
    o.heads = static_cast<int>(queryHeads);
    o.keyDim = static_cast<int>(headDim);
    o.valueDim = static_cast<int>(headDim);
    o.useBias = useBias;
    o.maskMode = maskedSoftmaxMode(config.kerasVersion);
    const bool fused
        = hasFusedPath(config.kerasVersion) && configNumber(config, "dropout", 0.0) == 0.0;
    return std::make_unique<GroupedQueryAttention>(
        config.name, MultiHeadAttention::create(repeated, o), parameters, fused);
}

GroupedQueryAttention::GroupedQueryAttention(std::string name,
    std::unique_ptr<MultiHeadAttention> mha, std::int64_t parameters, bool fusedOutputs)
    : Layer(std::move(name))
    , m_mha(std::move(mha))
    , m_parameters(parameters)
    , m_fusedOutputs(fusedOutputs)
{
}

std::vector<std::uint8_t> GroupedQueryAttention::fullyMaskedRows(
    const MultiHeadAttention::Inputs &in) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "GroupQueryAttention");
    const std::int64_t batch = in.query->shape()[0];
    const std::int64_t tq = in.query->shape()[1];
    const std::int64_t tk = in.value->shape()[1];
    if (in.queryMask.empty() && in.valueMask.empty() && in.keyMask.empty() && !in.attentionMask)
        return {}; // a causal mask alone leaves key 0 to every row
    // The Keras masks of the three inputs are (B, T); anything else ran as MultiHeadAttention
    // broadcasts it (the first pass checked it) and is left so.
    auto plain = [&](const Mask &m, std::int64_t steps) {
        return m.empty() || m.shape() == Shape {batch, steps};
    };
    if (!plain(in.queryMask, tq) || !plain(in.valueMask, tk) || !plain(in.keyMask, tk))
        return {};
    Tensor given;
    if (in.attentionMask) {
        if (in.attentionMask->rank() > 3)
            return {};
        given = *in.attentionMask;
        while (given.rank() < 3)
            given = expandDims(given, 0);
        given = broadcastTo(given, {batch, tq, tk}, where + " (attention mask)");
    }
    std::vector<std::uint8_t> rows(static_cast<std::size_t>(batch * tq), 0);
    bool anyFullyMasked = false;
    for (std::int64_t b = 0; b < batch; ++b)
        for (std::int64_t i = 0; i < tq; ++i) {
            bool any = false;
            for (std::int64_t j = 0; j < tk && !any; ++j) {
                bool attend = keeps(in.queryMask, b, i, tq) != 0.0f
                    && keeps(in.valueMask, b, j, tk) != 0.0f && keeps(in.keyMask, b, j, tk) != 0.0f
                    && (!in.causal || j <= i);
                if (!given.empty())
                    attend = attend && given.data()[(b * tq + i) * tk + j] != 0.0f;
                any = attend;
            }
            if (!any && tk > 0) {
                rows[static_cast<std::size_t>(b * tq + i)] = 1;
                anyFullyMasked = true;
            }
        }
    return anyFullyMasked ? rows : std::vector<std::uint8_t> {};
}

CallResult GroupedQueryAttention::call(const CallArgs &args, const CallContext &context) const
{
    // Keras's einsums ("bqm,muh->bquh") take (batch, steps, features) only.
    for (const char *parameter : {"query", "value", "key"})
        if (args.has(parameter) && args.one(parameter).rank() != 3)
            throw ShapeError(ErrorWhere::ofLayer(name(), "GroupQueryAttention") + ": the "
                + parameter + " has shape " + shapeToString(args.one(parameter).shape())
                + "; the layer takes (batch, steps, features).");
    CallResult result = m_mha->call(args, context);
    const auto *flags = args.optionsAs<MultiHeadAttention::CallFlags>();
    if (!m_fusedOutputs || (flags && flags->returnAttentionScores))
        return result;
    // Keras's fused path: a fully masked row weighs every key alike, so its output is that of
    // the mean of every value; the scores stay those of the masked softmax above.
    MultiHeadAttention::Inputs in = MultiHeadAttention::Inputs::of(args);
    in.causal = flags && flags->useCausalMask;
    const std::vector<std::uint8_t> rows = fullyMaskedRows(in);
    if (rows.empty())
        return result;
    // Uniform weights on every key give the mean of the projected values: the projection of
    // the mean value (and key), attended by every query as its only key.
    const std::vector<bool> steps = {false, true, false};
    const Tensor meanValue = reduce(*in.value, steps, true, ReduceOp::Mean);
    const Tensor meanKey = in.key ? reduce(*in.key, steps, true, ReduceOp::Mean) : Tensor();
    MultiHeadAttention::Inputs uniform;
    uniform.query = in.query;
    uniform.value = &meanValue;
    uniform.key = in.key ? &meanKey : nullptr;
    CallContext outputsOnly;
    outputsOnly.captureAttention = false;
    const Tensor mean = m_mha->compute(uniform, outputsOnly, false).outputs[0];
    Tensor &out = result.outputs[0];
    const std::int64_t width = out.shape().back();
    for (std::size_t r = 0; r < rows.size(); ++r)
        if (rows[r])
            std::copy_n(mean.data() + static_cast<std::int64_t>(r) * width, width,
                out.data() + static_cast<std::int64_t>(r) * width);
    return result;
}

} // namespace attnlens
