#include "core/layers/tabular_attention.h"

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/layers/sublayer_weights.h"

namespace attnlens {

std::unique_ptr<Layer> TabularAttention::fromKeras(const LayerConfig &config)
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
    auto w = splitSublayerWeights(
        config, {{2, 0}, {8, 0}, {8, 0}, {2, 0}, {2, 0}, {2, 0}, {2, 0}, {2, 0}, {2, 0}});
    const int h = static_cast<int>(heads);
    const int kd = static_cast<int>(dModel / heads);
    Parts p;
    p.projection = kf::dense(config, "input_projection", std::move(w[0]));
    p.featureAttention
        = kf::multiHeadAttention(config, "feature_attention", std::move(w[1]), h, kd);
    p.sampleAttention = kf::multiHeadAttention(config, "sample_attention", std::move(w[2]), h, kd);
    p.ffn1 = kf::dense(config, "ffn_dense1", std::move(w[3]), "relu");
    p.ffn2 = kf::dense(config, "ffn_dense2", std::move(w[4]));
    p.norm1 = kf::layerNorm(config, "feature_layernorm", std::move(w[5]));
    p.norm2 = kf::layerNorm(config, "feature_layernorm2", std::move(w[6]));
    p.norm3 = kf::layerNorm(config, "sample_layernorm", std::move(w[7]));
    p.norm4 = kf::layerNorm(config, "sample_layernorm2", std::move(w[8]));
    return std::make_unique<TabularAttention>(config.name, std::move(p));
}

TabularAttention::TabularAttention(std::string name, Parts parts)
    : Layer(std::move(name))
    , m_parts(std::move(parts))
{
}

CallResult TabularAttention::call(const CallArgs &args, const CallContext &context) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), {});
    const Tensor &x = args.one("inputs");
    if (x.rank() != 3)
        throw ShapeError(where + ": expects a 3-D input (batch, rows, features), got "
            + shapeToString(x.shape()));
    const Parts &p = m_parts;
    CallResult result;
    result.partAttention.resize(2);
    const bool capture = context.captureAttention;
    const auto ffn = [&](const Tensor &t) { return kf::apply(*p.ffn2, kf::apply(*p.ffn1, t)); };
    const Tensor h = kf::apply(*p.projection, x);
    Tensor a = kf::attend(*p.featureAttention, h, h, capture, result.partAttention[0]);
    a = kf::apply(*p.norm1, kf::add(h, a, where));
    const Tensor f = kf::apply(*p.norm2, kf::add(a, ffn(a), where));
    const Tensor channels = kf::swapLastAxes(f);
    const Tensor s = kf::swapLastAxes(
        kf::attend(*p.sampleAttention, channels, channels, capture, result.partAttention[1]));
    const Tensor g = kf::apply(*p.norm3, kf::add(f, s, where));
    result.outputs.push_back(kf::apply(*p.norm4, kf::add(g, ffn(g), where)));
    if (!capture)
        result.partAttention.clear();
    return result;
}

std::int64_t TabularAttention::parameterCount() const
{
    const Parts &p = m_parts;
    return p.projection->parameterCount() + p.featureAttention->parameterCount()
        + p.sampleAttention->parameterCount() + p.ffn1->parameterCount() + p.ffn2->parameterCount()
        + p.norm1->parameterCount() + p.norm2->parameterCount() + p.norm3->parameterCount()
        + p.norm4->parameterCount();
}

std::vector<AttentionPart> TabularAttention::attentionParts() const
{
    return {{"feature_attention", *m_parts.featureAttention->attention(),
                PositionSource::positions("inputs"), PositionSource::positions("inputs")},
        {"sample_attention", *m_parts.sampleAttention->attention(), PositionSource::latent(),
            PositionSource::latent()}};
}

} // namespace attnlens
