#include "core/layers/activation_layer.h"

#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> ActivationLayer::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    return std::make_unique<ActivationLayer>(config.name,
        ActivationFunction::fromKeras(config.config.value("activation", nlohmann::json("linear")),
            config.kerasVersion, layerWhere(config)));
}

std::unique_ptr<Layer> ActivationLayer::fromKerasLeakyRelu(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    const double slope = configNumber(config, "negative_slope", configNumber(config, "alpha", 0.3));
    return std::make_unique<ActivationLayer>(config.name,
        ActivationFunction::of(ActivationFunction::Kind::LeakyRelu, static_cast<float>(slope)));
}

std::unique_ptr<Layer> ActivationLayer::fromKerasElu(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    return std::make_unique<ActivationLayer>(config.name,
        ActivationFunction::of(
            ActivationFunction::Kind::Elu, static_cast<float>(configNumber(config, "alpha", 1.0))));
}

ActivationLayer::ActivationLayer(std::string name, ActivationFunction function)
    : Layer(std::move(name))
    , m_function(function)
{
}

CallResult ActivationLayer::call(const CallArgs &args, const CallContext &) const
{
    CallResult result;
    Tensor y = args.one("inputs");
    m_function.apply(y);
    result.outputs.push_back(std::move(y));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
