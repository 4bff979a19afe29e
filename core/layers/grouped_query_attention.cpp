#include "core/layers/grouped_query_attention.h"

#include <algorithm>

#include "core/errors.h"
#include "core/layers/layer_util.h"

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
    return std::make_unique<GroupedQueryAttention>(
        config.name, MultiHeadAttention::create(repeated, o), parameters);
}

GroupedQueryAttention::GroupedQueryAttention(
    std::string name, std::unique_ptr<MultiHeadAttention> mha, std::int64_t parameters)
    : Layer(std::move(name))
    , m_mha(std::move(mha))
    , m_parameters(parameters)
{
}

CallResult GroupedQueryAttention::call(const CallArgs &args, const CallContext &context) const
{
    // Keras's einsums ("bqm,muh->bquh") take (batch, steps, features) only.
    for (const char *parameter : {"query", "value", "key"})
        if (args.has(parameter) && args.one(parameter).rank() != 3)
            throw ShapeError(ErrorWhere::ofLayer(name(), "GroupQueryAttention") + ": the "
                + parameter + " has shape " + shapeToString(args.one(parameter).shape())
                + "; the layer takes (batch, steps, features).");
    return m_mha->call(args, context);
}

} // namespace attnlens
