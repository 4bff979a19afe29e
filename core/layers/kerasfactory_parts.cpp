#include "core/layers/kerasfactory_parts.h"

#include "core/errors.h"
#include "core/layers/batch_normalization.h"
#include "core/layers/dense.h"
#include "core/layers/embedding.h"
#include "core/layers/layer_normalization.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens::kf {

namespace {

LayerConfig sublayerConfig(const LayerConfig &outer, const std::string &attribute,
    const std::string &className, nlohmann::json config, std::vector<Tensor> weights)
{
    LayerConfig c;
    c.name = outer.name + "/" + attribute;
    c.className = className;
    c.config = std::move(config);
    c.weights = std::move(weights);
    c.kerasVersion = outer.kerasVersion;
    c.file = outer.file;
    return c;
}

bool isKerasFactoryPackage(const std::string &package)
{
    return package == "kerasfactory.layers" || package == "kmr.layers"
        || package == "kerasfactory.models" || package == "kmr.models" || package == "kerasfactory"
        || package == "kmr";
}

} // namespace

void requireKerasFactory(const LayerConfig &config)
{
    const std::string &registered = config.registeredName;
    const std::size_t cut = registered.find('>');
    if (cut != std::string::npos) {
        if (isKerasFactoryPackage(registered.substr(0, cut)))
            return;
    } else if (config.module.empty() || config.module.rfind("kerasfactory.", 0) == 0
        || config.module.rfind("kmr.", 0) == 0) {
        return;
    }
    throw UnsupportedModelError(layerWhere(config) + " is registered as '"
        + (registered.empty() ? config.module : registered)
        + "', not as a KerasFactory class (kerasfactory.layers>" + config.className
        + " or kmr.layers>" + config.className + "); AttnLens runs only KerasFactory's own '"
        + config.className + "' and never executes Python code");
}

std::unique_ptr<Layer> dense(const LayerConfig &outer, const std::string &attribute,
    std::vector<Tensor> weights, const std::string &activation)
{
    const std::int64_t units
        = !weights.empty() && weights[0].rank() == 2 ? weights[0].shape()[1] : 1;
    nlohmann::json config
        = {{"units", units}, {"activation", activation}, {"use_bias", weights.size() != 1}};
    return Dense::fromKeras(
        sublayerConfig(outer, attribute, "Dense", std::move(config), std::move(weights)));
}

std::unique_ptr<Layer> layerNorm(const LayerConfig &outer, const std::string &attribute,
    std::vector<Tensor> weights, double epsilon)
{
    nlohmann::json config = {{"axis", -1}, {"epsilon", epsilon}};
    return LayerNormalization::fromKeras(sublayerConfig(
        outer, attribute, "LayerNormalization", std::move(config), std::move(weights)));
}

std::unique_ptr<Layer> batchNorm(
    const LayerConfig &outer, const std::string &attribute, std::vector<Tensor> weights)
{
    nlohmann::json config = {{"axis", -1}, {"epsilon", 1e-3}};
    return BatchNormalization::fromKeras(sublayerConfig(
        outer, attribute, "BatchNormalization", std::move(config), std::move(weights)));
}

std::unique_ptr<Layer> embedding(
    const LayerConfig &outer, const std::string &attribute, std::vector<Tensor> weights)
{
    const bool matrix = weights.size() == 1 && weights[0].rank() == 2;
    nlohmann::json config = {{"input_dim", matrix ? weights[0].shape()[0] : 1},
        {"output_dim", matrix ? weights[0].shape()[1] : 1}, {"mask_zero", false}};
    return Embedding::fromKeras(
        sublayerConfig(outer, attribute, "Embedding", std::move(config), std::move(weights)));
}

std::unique_ptr<MultiHeadAttention> multiHeadAttention(const LayerConfig &outer,
    const std::string &attribute, std::vector<Tensor> weights, int heads, int keyDim)
{
    MultiHeadAttention::Options o;
    o.heads = heads;
    o.keyDim = keyDim;
    o.valueDim = keyDim;
    o.maskMode = maskedSoftmaxMode(outer.kerasVersion);
    return MultiHeadAttention::create(sublayerConfig(outer, attribute, "MultiHeadAttention",
                                          nlohmann::json::object(), std::move(weights)),
        o);
}

Tensor apply(const Layer &layer, const Tensor &x)
{
    CallArgs args;
    args.tensors["inputs"] = {x};
    CallContext context;
    context.captureAttention = false;
    CallResult result = layer.call(args, context);
    return std::move(result.outputs.at(0));
}

Tensor attend(const MultiHeadAttention &mha, const Tensor &query, const Tensor &keyValue,
    bool capture, Tensor &scores)
{
    MultiHeadAttention::Inputs in;
    in.query = &query;
    in.value = &keyValue;
    in.key = &keyValue;
    CallContext context;
    context.captureAttention = capture;
    CallResult result = mha.compute(in, context, false);
    scores = capture ? std::move(result.attention) : Tensor();
    return std::move(result.outputs.at(0));
}

Tensor add(const Tensor &a, const Tensor &b, const ErrorWhere &where)
{
    if (a.shape() != b.shape())
        throw ShapeError(where + ": cannot add shapes " + shapeToString(a.shape()) + " and "
            + shapeToString(b.shape()));
    return broadcastBinary(
        a, b, [](float x, float y) { return x + y; }, where);
}

Tensor swapLastAxes(const Tensor &x)
{
    return permuteAxes(x, {0, 2, 1});
}

} // namespace attnlens::kf
