#include "core/layers/softmax_layer.h"

#include <algorithm>

#include "core/tensor/ops.h"

namespace attnlens {

std::unique_ptr<Layer> SoftmaxLayer::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    std::vector<std::int64_t> axes = configIntList(config, "axis");
    if (axes.empty())
        axes = {-1};
    return std::make_unique<SoftmaxLayer>(
        config.name, std::move(axes), maskedSoftmaxMode(config.kerasVersion));
}

SoftmaxLayer::SoftmaxLayer(std::string name, std::vector<std::int64_t> axes, MaskedSoftmaxMode mode)
    : Layer(std::move(name))
    , m_axes(std::move(axes))
    , m_mode(mode)
{
}

CallResult SoftmaxLayer::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "Softmax");
    const Mask &mask = args.has("mask") ? args.one("mask") : args.maskOf("inputs");
    std::vector<int> axes;
    for (const std::int64_t a : m_axes) {
        const int axis = normalizeAxis(a, x.rank(), where);
        if (std::find(axes.begin(), axes.end(), axis) == axes.end())
            axes.push_back(axis);
    }
    CallResult result;
    result.outputs.push_back(softmax(x, axes, mask, m_mode, where));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
