#include "core/layers/softmax_layer.h"

#include <algorithm>

#include "core/layers/masked_softmax.h"
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
    std::vector<int> perm;
    for (int a = 0; a < x.rank(); ++a)
        if (std::find(axes.begin(), axes.end(), a) == axes.end())
            perm.push_back(a);
    perm.insert(perm.end(), axes.begin(), axes.end());
    Tensor y = permuteAxes(x, perm);
    std::vector<std::uint8_t> keep;
    if (!mask.empty()) {
        const Tensor m = permuteAxes(broadcastTo(mask, x.shape(), where + " (mask)"), perm);
        keep.resize(static_cast<std::size_t>(m.size()));
        for (std::int64_t i = 0; i < m.size(); ++i)
            keep[static_cast<std::size_t>(i)] = m.data()[i] != 0.0f ? 1 : 0;
    }
    std::int64_t width = 1;
    for (const int a : axes)
        width *= x.shape()[static_cast<std::size_t>(a)];
    const std::int64_t rows = width == 0 ? 0 : y.size() / width;
    for (std::int64_t r = 0; r < rows; ++r)
        maskedSoftmaxRow(
            y.data() + r * width, width, keep.empty() ? nullptr : keep.data() + r * width, m_mode);
    std::vector<int> inverse(perm.size());
    for (std::size_t i = 0; i < perm.size(); ++i)
        inverse[static_cast<std::size_t>(perm[i])] = static_cast<int>(i);
    CallResult result;
    result.outputs.push_back(permuteAxes(y, inverse));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
