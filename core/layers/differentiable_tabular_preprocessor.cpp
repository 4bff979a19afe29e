#include "core/layers/differentiable_tabular_preprocessor.h"

#include <cmath>

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> DifferentiableTabularPreprocessor::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    const std::int64_t features = configInt(config, "num_features", -1, 1, std::int64_t(1) << 30);
    if (features < 0)
        throw InputFileError(layerWhere(config) + ": config 'num_features' is missing.");
    requireWeightCount(config, {3u});
    requireWeightShape(config, 0, {features}, "impute");
    requireWeightShape(config, 1, {features}, "gamma");
    requireWeightShape(config, 2, {features}, "beta");
    return std::make_unique<DifferentiableTabularPreprocessor>(
        config.name, config.weights[0], config.weights[1], config.weights[2]);
}

DifferentiableTabularPreprocessor::DifferentiableTabularPreprocessor(
    std::string name, Tensor impute, Tensor gamma, Tensor beta)
    : Layer(std::move(name))
    , m_impute(std::move(impute))
    , m_gamma(std::move(gamma))
    , m_beta(std::move(beta))
{
}

CallResult DifferentiableTabularPreprocessor::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    const std::int64_t features = m_impute.size();
    if (x.rank() < 1 || x.dim(-1) != features)
        throw ShapeError(ErrorWhere::ofLayer(name(), {}) + ": expects " + std::to_string(features)
            + " features on the last axis, got " + shapeToString(x.shape()));
    Tensor y = Tensor::uninitialized(x.shape());
    for (std::int64_t i = 0; i < x.size(); ++i) {
        const std::int64_t f = i % features;
        const float v = std::isnan(x.data()[i]) ? m_impute.data()[f] : x.data()[i];
        y.data()[i] = m_gamma.data()[f] * v + m_beta.data()[f];
    }
    CallResult result;
    result.outputs.push_back(std::move(y));
    return result;
}

} // namespace attnlens
