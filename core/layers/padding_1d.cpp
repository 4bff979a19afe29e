#include "core/layers/padding_1d.h"

#include <algorithm>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

Padding1D::Padding1D(std::string name, Kind kind)
    : Layer(std::move(name))
    , m_kind(kind)
{
}

std::unique_ptr<Layer> Padding1D::fromKerasZeroPadding(const LayerConfig &config)
{
    return fromKeras(config, Kind::ZeroPad);
}

std::unique_ptr<Layer> Padding1D::fromKerasCropping(const LayerConfig &config)
{
    return fromKeras(config, Kind::Crop);
}

std::unique_ptr<Layer> Padding1D::fromKeras(const LayerConfig &config, Kind kind)
{
    const ErrorWhere where = layerWhere(config);
    const std::string key = kind == Kind::ZeroPad ? "padding" : "cropping";
    requireWeightCount(config, {0});
    std::unique_ptr<Padding1D> layer(new Padding1D(config.name, kind));
    const std::vector<std::int64_t> values = configIntList(config, key);
    const std::int64_t big = std::int64_t(1) << 24;
    const bool fits = values.size() <= 2
        && !(values.empty() && configValue(config, key, nullptr).is_array())
        && std::all_of(
            values.begin(), values.end(), [&](std::int64_t v) { return v >= 0 && v <= big; });
    if (!fits)
        throw InputFileError(where + ": config '" + key + "' is "
            + config.config[key].dump().substr(0, 40)
            + ", expected an integer or a pair (left, right) of integers from 0 to "
            + std::to_string(big) + ". Save the model again with a valid " + key + ".");
    if (values.size() == 1) {
        layer->m_left = values[0];
        layer->m_right = values[0];
    } else if (values.size() == 2) {
        layer->m_left = values[0];
        layer->m_right = values[1];
    }
    layer->m_channelsFirst = channelsFirst(config);
    return layer;
}

CallResult Padding1D::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    const ErrorWhere where
        = ErrorWhere::ofLayer(name(), m_kind == Kind::ZeroPad ? "ZeroPadding1D" : "Cropping1D");
    const auto [n, steps, channels] = sequenceDims(x, m_channelsFirst, where);
    std::int64_t outSteps = 0;
    std::int64_t shift = 0; // output step t holds input step t + shift
    if (m_kind == Kind::ZeroPad) {
        outSteps = steps + m_left + m_right;
        shift = -m_left;
    } else {
        outSteps = steps - m_left - m_right;
        shift = m_left;
        if (outSteps <= 0) // Keras: "`cropping` parameter ... must be smaller than" the length
            throw ShapeError(where + ": cropping (" + std::to_string(m_left) + ", "
                + std::to_string(m_right) + ") leaves no step of an input of shape "
                + shapeToString(x.shape()) + "; the input needs more than "
                + std::to_string(m_left + m_right) + " steps.");
    }
    const Shape outShape
        = m_channelsFirst ? Shape {n, channels, outSteps} : Shape {n, outSteps, channels};
    Tensor out(outShape); // zeros
    const float *in = x.data();
    float *o = out.data();
    const std::int64_t first = std::max<std::int64_t>(0, -shift);
    const std::int64_t last = std::min(outSteps, steps - shift); // exclusive
    for (std::int64_t b = 0; b < n; ++b) {
        if (m_channelsFirst) {
            for (std::int64_t c = 0; c < channels; ++c)
                for (std::int64_t t = first; t < last; ++t)
                    o[(b * channels + c) * outSteps + t]
                        = in[(b * channels + c) * steps + t + shift];
        } else {
            for (std::int64_t t = first; t < last; ++t)
                std::copy_n(in + (b * steps + t + shift) * channels, channels,
                    o + (b * outSteps + t) * channels);
        }
    }
    CallResult result;
    result.outputs.push_back(std::move(out));
    return result;
}

} // namespace attnlens
