#include "core/layers/multi_resolution_tabular_attention.h"

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/layers/sublayer_weights.h"

namespace attnlens {

std::unique_ptr<Layer> MultiResolutionTabularAttention::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    const ErrorWhere where = layerWhere(config);
    const std::int64_t heads = configInt(config, "num_heads", -1, 1, 1 << 20);
    const std::int64_t dModel = configInt(config, "d_model", -1, 1, 1 << 20);
    if (heads < 0 || dModel < 0)
        throw InputFileError(where + ": config 'num_heads' or 'd_model' is missing.");
    if (dModel % heads != 0)
        throw InputFileError(where + ": d_model " + std::to_string(dModel)
            + " is not divisible by num_heads " + std::to_string(heads));
    std::vector<WeightCount> plan = {{2, 0}, {2, 0}, {8, 0}, {8, 0}, {8, 0}, {8, 0}};
    plan.insert(plan.end(), 8, WeightCount {2, 0});
    auto w = splitSublayerWeights(config, plan);
    const int h = static_cast<int>(heads);
    const int kd = static_cast<int>(dModel / heads);
    Parts p;
    p.numProjection = kf::dense(config, "num_projection", std::move(w[0]));
    p.catProjection = kf::dense(config, "cat_projection", std::move(w[1]));
    p.numAttention = kf::multiHeadAttention(config, "num_attention", std::move(w[2]), h, kd);
    p.catAttention = kf::multiHeadAttention(config, "cat_attention", std::move(w[3]), h, kd);
    p.numCatAttention = kf::multiHeadAttention(config, "num_cat_attention", std::move(w[4]), h, kd);
    p.catNumAttention = kf::multiHeadAttention(config, "cat_num_attention", std::move(w[5]), h, kd);
    p.ffn1 = kf::dense(config, "ffn_dense1", std::move(w[6]), "relu");
    p.ffn2 = kf::dense(config, "ffn_dense2", std::move(w[7]));
    p.numNorm1 = kf::layerNorm(config, "num_layernorm1", std::move(w[8]));
    p.numNorm2 = kf::layerNorm(config, "num_layernorm2", std::move(w[9]));
    p.crossNumNorm = kf::layerNorm(config, "cross_num_layernorm", std::move(w[10]));
    p.catNorm1 = kf::layerNorm(config, "cat_layernorm1", std::move(w[11]));
    p.catNorm2 = kf::layerNorm(config, "cat_layernorm2", std::move(w[12]));
    p.crossCatNorm = kf::layerNorm(config, "cross_cat_layernorm", std::move(w[13]));
    return std::make_unique<MultiResolutionTabularAttention>(config.name, std::move(p));
}

MultiResolutionTabularAttention::MultiResolutionTabularAttention(std::string name, Parts parts)
    : Layer(std::move(name))
    , m_parts(std::move(parts))
{
}

CallResult MultiResolutionTabularAttention::call(
    const CallArgs &args, const CallContext &context) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), {});
    const std::vector<Tensor> &inputs = args.all("inputs");
    if (inputs.size() != 2 || inputs[0].rank() != 3 || inputs[1].rank() != 3)
        throw ShapeError(where
            + ": expects a list of two 3-D tensors [numerical, categorical] (batch, rows, "
              "features)");
    const Parts &p = m_parts;
    const bool capture = context.captureAttention;
    CallResult result;
    result.partAttention.resize(4);
    auto &maps = result.partAttention;
    const auto ffn = [&](const Tensor &t) { return kf::apply(*p.ffn2, kf::apply(*p.ffn1, t)); };
    const Tensor pn = kf::apply(*p.numProjection, inputs[0]);
    const Tensor pc = kf::apply(*p.catProjection, inputs[1]);
    const Tensor n = kf::apply(
        *p.numNorm1, kf::add(pn, kf::attend(*p.numAttention, pn, pn, capture, maps[0]), where));
    const Tensor c = kf::apply(
        *p.catNorm1, kf::add(pc, kf::attend(*p.catAttention, pc, pc, capture, maps[1]), where));
    const Tensor catCross = kf::apply(
        *p.crossCatNorm, kf::add(c, kf::attend(*p.numCatAttention, c, n, capture, maps[2]), where));
    const Tensor numCross = kf::apply(
        *p.crossNumNorm, kf::add(n, kf::attend(*p.catNumAttention, n, c, capture, maps[3]), where));
    result.outputs.push_back(kf::apply(*p.numNorm2, kf::add(numCross, ffn(numCross), where)));
    result.outputs.push_back(kf::apply(*p.catNorm2, kf::add(catCross, ffn(catCross), where)));
    if (!capture)
        maps.clear();
    return result;
}

std::int64_t MultiResolutionTabularAttention::parameterCount() const
{
    const Parts &p = m_parts;
    std::int64_t total = 0;
    const std::vector<const Layer *> layers = {p.numProjection.get(), p.catProjection.get(),
        p.numAttention.get(), p.catAttention.get(), p.numCatAttention.get(),
        p.catNumAttention.get(), p.ffn1.get(), p.ffn2.get(), p.numNorm1.get(), p.numNorm2.get(),
        p.crossNumNorm.get(), p.catNorm1.get(), p.catNorm2.get(), p.crossCatNorm.get()};
    for (const Layer *layer : layers)
        total += layer->parameterCount();
    return total;
}

std::vector<AttentionPart> MultiResolutionTabularAttention::attentionParts() const
{
    const auto num = PositionSource::positions("inputs", 0);
    const auto cat = PositionSource::positions("inputs", 1);
    return {{"num_attention", *m_parts.numAttention->attention(), num, num},
        {"cat_attention", *m_parts.catAttention->attention(), cat, cat},
        {"num_cat_attention", *m_parts.numCatAttention->attention(), cat, num},
        {"cat_num_attention", *m_parts.catNumAttention->attention(), num, cat}};
}

} // namespace attnlens
