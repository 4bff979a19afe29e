#include "core/layers/multi_head_graph_feature_preprocessor.h"

#include <cmath>

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/layers/sublayer_weights.h"
#include "core/tensor/ops.h"

namespace attnlens {

std::unique_ptr<Layer> MultiHeadGraphFeaturePreprocessor::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    const ErrorWhere where = layerWhere(config);
    const std::int64_t embed = configInt(config, "embed_dim", 16, 1, 1 << 20);
    const std::int64_t heads = configInt(config, "num_heads", 4, 1, 1 << 20);
    if (embed % heads != 0)
        throw InputFileError(where + ": embed_dim " + std::to_string(embed)
            + " is not divisible by num_heads " + std::to_string(heads));
    auto w = splitSublayerWeights(config, std::vector<WeightCount>(6, WeightCount {2, 0}));
    for (std::size_t k = 0; k < 4; ++k)
        if (w[k][0].rank() != 2 || w[k][0].dim(1) != embed)
            throw InputFileError(where + ": a projection kernel has shape "
                + shapeToString(w[k][0].shape()) + " where embed_dim is " + std::to_string(embed));
    Parts p;
    p.heads = static_cast<int>(heads);
    p.depth = static_cast<int>(embed / heads);
    p.projection = kf::dense(config, "projection", std::move(w[0]));
    p.query = kf::dense(config, "q_dense", std::move(w[1]));
    p.key = kf::dense(config, "k_dense", std::move(w[2]));
    p.value = kf::dense(config, "v_dense", std::move(w[3]));
    p.outProjection = kf::dense(config, "out_proj", std::move(w[4]));
    p.finalDense = kf::dense(config, "final_dense", std::move(w[5]));
    return std::make_unique<MultiHeadGraphFeaturePreprocessor>(config.name, std::move(p));
}

MultiHeadGraphFeaturePreprocessor::MultiHeadGraphFeaturePreprocessor(std::string name, Parts parts)
    : Layer(std::move(name))
    , m_parts(std::move(parts))
{
    m_spec.heads = m_parts.heads;
    m_spec.keyDim = m_parts.depth;
    m_spec.valueDim = m_parts.depth;
}

CallResult MultiHeadGraphFeaturePreprocessor::call(
    const CallArgs &args, const CallContext &context) const
{
    const Parts &p = m_parts;
    const ErrorWhere where = ErrorWhere::ofLayer(name(), {});
    const Tensor &x = args.one("inputs");
    if (x.rank() != 2)
        throw ShapeError(where + ": expects (batch, features), got " + shapeToString(x.shape()));
    const std::int64_t batch = x.dim(0);
    const std::int64_t features = x.dim(1);
    const Tensor tokens = kf::apply(*p.projection, x.reshaped({batch, features, 1}));
    const Tensor q = kf::apply(*p.query, tokens);
    const Tensor k = kf::apply(*p.key, tokens);
    const Tensor v = kf::apply(*p.value, tokens);
    const std::int64_t embed = q.dim(-1);
    const std::int64_t heads = p.heads;
    const std::int64_t depth = embed / heads;
    const float scale = std::sqrt(static_cast<float>(depth));
    Tensor scores = Tensor::uninitialized({batch, heads, features, features});
    for (std::int64_t b = 0; b < batch; ++b)
        for (std::int64_t h = 0; h < heads; ++h)
            for (std::int64_t i = 0; i < features; ++i) {
                float *row = scores.data() + ((b * heads + h) * features + i) * features;
                const float *qi = q.data() + (b * features + i) * embed + h * depth;
                for (std::int64_t j = 0; j < features; ++j) {
                    const float *kj = k.data() + (b * features + j) * embed + h * depth;
                    float dot = 0.0f;
                    for (std::int64_t d = 0; d < depth; ++d)
                        dot += qi[d] * kj[d];
                    row[j] = dot / scale;
                }
            }
    softmaxRows(scores.data(), batch * heads * features, features);
    Tensor mixed({batch, features, embed});
    for (std::int64_t b = 0; b < batch; ++b)
        for (std::int64_t h = 0; h < heads; ++h)
            for (std::int64_t i = 0; i < features; ++i) {
                const float *row = scores.data() + ((b * heads + h) * features + i) * features;
                float *out = mixed.data() + (b * features + i) * embed + h * depth;
                for (std::int64_t j = 0; j < features; ++j) {
                    const float *vj = v.data() + (b * features + j) * embed + h * depth;
                    for (std::int64_t d = 0; d < depth; ++d)
                        out[d] += row[j] * vj[d];
                }
            }
    const Tensor projected = kf::apply(*p.outProjection, mixed).reshaped({batch, features});
    CallResult result;
    result.outputs.push_back(kf::add(kf::apply(*p.finalDense, projected), x, where));
    if (context.captureAttention)
        result.partAttention.push_back(std::move(scores));
    return result;
}

std::int64_t MultiHeadGraphFeaturePreprocessor::parameterCount() const
{
    const Parts &p = m_parts;
    return p.projection->parameterCount() + p.query->parameterCount() + p.key->parameterCount()
        + p.value->parameterCount() + p.outProjection->parameterCount()
        + p.finalDense->parameterCount();
}

std::vector<AttentionPart> MultiHeadGraphFeaturePreprocessor::attentionParts() const
{
    return {{{}, m_spec, PositionSource::columns("inputs"), PositionSource::columns("inputs")}};
}

} // namespace attnlens
