#include "core/layers/relu_layer.h"

#include <algorithm>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> ReluLayer::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    std::optional<float> maxValue;
    if (config.config.contains("max_value") && !config.config["max_value"].is_null())
        maxValue = static_cast<float>(configNumber(config, "max_value", 0.0));
    const float slope = static_cast<float>(configNumber(config, "negative_slope", 0.0));
    const float threshold = static_cast<float>(configNumber(config, "threshold", 0.0));
    if (maxValue && *maxValue < 0.0f)
        throw InputFileError(layerWhere(config) + ": max_value must not be negative.");
    return std::make_unique<ReluLayer>(config.name, maxValue, slope, threshold);
}

ReluLayer::ReluLayer(
    std::string name, std::optional<float> maxValue, float negativeSlope, float threshold)
    : Layer(std::move(name))
    , m_maxValue(maxValue)
    , m_negativeSlope(negativeSlope)
    , m_threshold(threshold)
{
}

std::optional<ActivationFunction> ReluLayer::asFunction() const
{
    if (m_maxValue || m_negativeSlope != 0.0f || m_threshold != 0.0f)
        return std::nullopt;
    return ActivationFunction::of(ActivationFunction::Kind::Relu);
}

CallResult ReluLayer::call(const CallArgs &args, const CallContext &) const
{
    Tensor y = args.one("inputs");
    for (float &x : y.values()) {
        float v = m_threshold != 0.0f ? (x > m_threshold ? x : 0.0f) : std::max(x, 0.0f);
        if (m_maxValue)
            v = std::clamp(v, 0.0f, *m_maxValue);
        if (m_negativeSlope != 0.0f)
            v -= m_negativeSlope * std::max(m_threshold - x, 0.0f);
        x = v;
    }
    CallResult result;
    result.outputs.push_back(std::move(y));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
