#include "core/layers/column_attention.h"

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/layers/sublayer_weights.h"

namespace attnlens {

std::unique_ptr<Layer> ColumnAttention::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    auto w = splitSublayerWeights(config, {{2, 0}, {2, 2}, {2, 0}});
    const std::int64_t features = configInt(config, "input_dim", -1, 1, std::int64_t(1) << 30);
    if (features > 0 && (w[2][0].rank() != 2 || w[2][0].dim(1) != features))
        throw InputFileError(layerWhere(config) + ": the last kernel has shape "
            + shapeToString(w[2][0].shape()) + " but input_dim is " + std::to_string(features));
    return std::make_unique<ColumnAttention>(config.name,
        kf::dense(config, "attention_net/dense", std::move(w[0]), "relu"),
        kf::batchNorm(config, "attention_net/batch_normalization", std::move(w[1])),
        kf::dense(config, "attention_net/dense_1", std::move(w[2]), "softmax"));
}

ColumnAttention::ColumnAttention(std::string name, std::unique_ptr<Layer> hidden,
    std::unique_ptr<Layer> norm, std::unique_ptr<Layer> scores)
    : Layer(std::move(name))
    , m_hidden(std::move(hidden))
    , m_norm(std::move(norm))
    , m_scores(std::move(scores))
{
}

CallResult ColumnAttention::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    Tensor weights = kf::apply(*m_scores, kf::apply(*m_norm, kf::apply(*m_hidden, x)));
    if (weights.shape() != x.shape() || x.rank() != 2)
        throw ShapeError(ErrorWhere::ofLayer(name(), {}) + ": expects (batch, features) that fit "
            + "its weights, got " + shapeToString(x.shape()));
    Tensor y = Tensor::uninitialized(x.shape());
    for (std::int64_t i = 0; i < x.size(); ++i)
        y.data()[i] = x.data()[i] * weights.data()[i];
    CallResult result;
    result.outputs.push_back(std::move(y));
    result.featureWeights.push_back(std::move(weights));
    return result;
}

std::int64_t ColumnAttention::parameterCount() const
{
    return m_hidden->parameterCount() + m_norm->parameterCount() + m_scores->parameterCount();
}

std::vector<FeatureWeightsPart> ColumnAttention::featureWeights() const
{
    return {{{}, WeightsOver::Features, false, PositionSource::columns("inputs")}};
}

} // namespace attnlens
