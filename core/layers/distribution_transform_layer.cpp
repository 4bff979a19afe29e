#include "core/layers/distribution_transform_layer.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> DistributionTransformLayer::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    const ErrorWhere where = layerWhere(config);
    const std::string type = configString(config, "transform_type", "none");
    static const std::map<std::string, Mode> modes = {{"none", Mode::None}, {"log", Mode::Log},
        {"sqrt", Mode::Sqrt}, {"box-cox", Mode::BoxCox}, {"yeo-johnson", Mode::YeoJohnson},
        {"arcsinh", Mode::Arcsinh}, {"cube-root", Mode::CubeRoot}, {"logit", Mode::Logit}};
    if (type == "auto")
        throw UnsupportedModelError(where
            + " uses transform_type 'auto': KerasFactory chooses the transform in Python from "
              "the first batch the layer sees after loading (not from the saved choice), so no "
              "saved file says which transform it applies. Save the model with the transform "
              "named explicitly.");
    if (type == "quantile" || type == "robust-scale" || type == "min-max")
        throw UnsupportedModelError(where + " uses transform_type '" + type
            + "', which computes statistics of the current batch: each sample's output "
              "depends on the other samples run with it. AttnLens runs only the element-wise "
              "transforms (none, log, sqrt, box-cox, yeo-johnson, arcsinh, cube-root, logit).");
    const auto it = modes.find(type);
    if (it == modes.end())
        throw UnsupportedModelError(where + ": unknown transform_type '" + type + "'");
    if (!config.weights.empty())
        throw InputFileError(where + ": an element-wise transform has no weights, but the file "
            + "holds " + std::to_string(config.weights.size()));
    return std::make_unique<DistributionTransformLayer>(config.name, it->second,
        static_cast<float>(configNumber(config, "lambda_param", 0.0)),
        static_cast<float>(configNumber(config, "epsilon", 1e-10)));
}

DistributionTransformLayer::DistributionTransformLayer(
    std::string name, Mode mode, float lambda, float epsilon)
    : Layer(std::move(name))
    , m_mode(mode)
    , m_lambda(lambda)
    , m_epsilon(epsilon)
{
}

float DistributionTransformLayer::transform(float x) const
{
    const float eps = m_epsilon;
    const float lambda = m_lambda;
    switch (m_mode) {
    case Mode::None:
        return x;
    case Mode::Log:
        return std::log(x + eps);
    case Mode::Sqrt:
        return std::sqrt(std::max(x, 0.0f) + eps);
    case Mode::BoxCox: {
        const float positive = std::max(x, eps);
        if (std::fabs(lambda) < eps)
            return std::log(positive);
        return (std::pow(positive, lambda) - 1.0f) / lambda;
    }
    case Mode::YeoJohnson:
        if (x >= 0.0f)
            return std::fabs(lambda) < eps ? std::log(x + 1.0f)
                                           : (std::pow(x + 1.0f, lambda) - 1.0f) / lambda;
        if (x < 0.0f)
            return std::fabs(lambda - 2.0f) < eps
                ? -std::log(-x + 1.0f)
                : -((std::pow(-x + 1.0f, 2.0f - lambda) - 1.0f) / (2.0f - lambda));
        return 0.0f; // NaN is neither: Keras's where() leaves the zeros it started from
    case Mode::Arcsinh:
        return std::log(x + std::sqrt(x * x + 1.0f));
    case Mode::CubeRoot:
        if (x >= 0.0f)
            return std::pow(x + eps, 1.0f / 3.0f);
        if (x < 0.0f)
            return -std::pow(-x + eps, 1.0f / 3.0f);
        return 0.0f;
    case Mode::Logit: {
        const float safe = std::max(eps, 1e-5f);
        const float c = std::clamp(x, safe, 1.0f - safe);
        return std::log(c / (1.0f - c));
    }
    }
    return x;
}

CallResult DistributionTransformLayer::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    Tensor y = Tensor::uninitialized(x.shape());
    for (std::int64_t i = 0; i < x.size(); ++i)
        y.data()[i] = transform(x.data()[i]);
    CallResult result;
    result.outputs.push_back(std::move(y));
    return result;
}

} // namespace attnlens
