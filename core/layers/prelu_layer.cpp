#include "core/layers/prelu_layer.h"

#include <algorithm>

#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

std::unique_ptr<Layer> PReluLayer::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {1});
    Shape shape = config.weights[0].shape();
    shape.insert(shape.begin(), 1);
    return std::make_unique<PReluLayer>(config.name, config.weights[0].reshaped(shape));
}

PReluLayer::PReluLayer(std::string name, Tensor alpha)
    : Layer(std::move(name))
    , m_alpha(std::move(alpha))
{
}

CallResult PReluLayer::call(const CallArgs &args, const CallContext &) const
{
    CallResult result;
    result.outputs.push_back(broadcastBinary(
        args.one("inputs"), m_alpha,
        [](float x, float a) { return std::max(x, 0.0f) + a * std::min(x, 0.0f); },
        ErrorWhere::ofLayer(name(), "PReLU")));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
