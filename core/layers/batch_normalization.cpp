#include "core/layers/batch_normalization.h"

#include <cmath>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> BatchNormalization::fromKeras(const LayerConfig &config)
{
    const std::vector<std::int64_t> axes = configIntList(config, "axis");
    if (axes.size() > 1)
        throw UnsupportedModelError(
            layerWhere(config) + " normalizes several axes, which AttnLens does not support.");
    const bool scale = configBool(config, "scale", true);
    const bool center = configBool(config, "center", true);
    requireWeightCount(config, {2 + std::size_t(scale) + std::size_t(center)});
    const std::size_t meanIndex = std::size_t(scale) + std::size_t(center);
    const Tensor &mean = config.weights[meanIndex];
    if (mean.rank() != 1)
        requireWeightShape(config, meanIndex, {-1}, "moving_mean");
    const Shape shape = mean.shape();
    for (std::size_t i = 0; i < config.weights.size(); ++i)
        requireWeightShape(config, i, shape, i == meanIndex + 1 ? "moving_variance" : "weight");
    const float epsilon = static_cast<float>(configNumber(config, "epsilon", 1e-3));
    Tensor multiplier(shape, 1.0f);
    Tensor shift(shape, 0.0f);
    const float *gamma = scale ? config.weights[0].data() : nullptr;
    const float *beta = center ? config.weights[std::size_t(scale)].data() : nullptr;
    const float *var = config.weights[meanIndex + 1].data();
    for (std::int64_t c = 0; c < mean.size(); ++c) {
        const float inv = 1.0f / std::sqrt(var[c] + epsilon);
        multiplier.data()[c] = inv * (gamma ? gamma[c] : 1.0f);
        shift.data()[c] = (beta ? beta[c] : 0.0f) - mean.data()[c] * multiplier.data()[c];
    }
    auto layer = std::make_unique<BatchNormalization>(
        config.name, axes.empty() ? -1 : axes[0], std::move(multiplier), std::move(shift));
    layer->m_parameters = mean.size() * static_cast<std::int64_t>(config.weights.size());
    return layer;
}

BatchNormalization::BatchNormalization(
    std::string name, std::int64_t axis, Tensor multiplier, Tensor shift)
    : Layer(std::move(name))
    , m_axis(axis)
    , m_multiplier(std::move(multiplier))
    , m_shift(std::move(shift))
{
}

CallResult BatchNormalization::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "BatchNormalization");
    const int axis = normalizeAxis(m_axis, x.rank(), where);
    const std::int64_t channels = x.shape()[static_cast<std::size_t>(axis)];
    if (channels != m_multiplier.size())
        throw ShapeError(where + ": input of shape " + shapeToString(x.shape()) + " has "
            + std::to_string(channels) + " channels on axis " + std::to_string(axis)
            + " but the weights have " + std::to_string(m_multiplier.size()) + ".");
    std::int64_t inner = 1;
    for (int i = axis + 1; i < x.rank(); ++i)
        inner *= x.shape()[static_cast<std::size_t>(i)];
    Tensor y = x;
    float *v = y.data();
    const std::int64_t n = y.size();
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t c = (i / inner) % channels;
        v[i] = v[i] * m_multiplier.data()[c] + m_shift.data()[c];
    }
    CallResult result;
    result.outputs.push_back(std::move(y));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
