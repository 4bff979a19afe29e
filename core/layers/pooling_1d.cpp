#include "core/layers/pooling_1d.h"

#include <limits>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

namespace {

/// Largest pool_size or strides accepted from a file.
constexpr std::int64_t kMaxWindow = std::int64_t(1) << 24;

} // namespace

Pooling1D::Pooling1D(std::string name, Kind kind)
    : Layer(std::move(name))
    , m_kind(kind)
{
}

std::unique_ptr<Layer> Pooling1D::fromKerasMax(const LayerConfig &config)
{
    return fromKeras(config, Kind::Max);
}

std::unique_ptr<Layer> Pooling1D::fromKerasAverage(const LayerConfig &config)
{
    return fromKeras(config, Kind::Average);
}

std::unique_ptr<Layer> Pooling1D::fromKeras(const LayerConfig &config, Kind kind)
{
    const ErrorWhere where = layerWhere(config);
    requireWeightCount(config, {0});
    std::unique_ptr<Pooling1D> layer(new Pooling1D(config.name, kind));
    layer->m_poolSize = configSingleInt(config, "pool_size", 2, kMaxWindow);
    layer->m_stride = configSingleInt(config, "strides", layer->m_poolSize, kMaxWindow);
    const std::string padding = configString(config, "padding", "valid");
    if (padding != "valid" && padding != "same")
        throw InputFileError(where + ": padding '" + padding.substr(0, 40)
            + "' is not 'valid' or 'same'. Save the model again with one of them.");
    layer->m_same = padding == "same";
    layer->m_channelsFirst = channelsFirst(config);
    return layer;
}

CallResult Pooling1D::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    const ErrorWhere where
        = ErrorWhere::ofLayer(name(), m_kind == Kind::Max ? "MaxPooling1D" : "AveragePooling1D");
    const auto [n, steps, channels] = sequenceDims(x, m_channelsFirst, where);
    std::int64_t outSteps = 0;
    std::int64_t padLeft = 0;
    if (m_same) {
        outSteps = (steps + m_stride - 1) / m_stride;
        const std::int64_t total
            = std::max<std::int64_t>((outSteps - 1) * m_stride + m_poolSize - steps, 0);
        padLeft = total / 2;
    } else if (steps >= m_poolSize) {
        outSteps = (steps - m_poolSize) / m_stride + 1;
    }
    if (outSteps <= 0)
        throw ShapeError(where + ": input of shape " + shapeToString(x.shape()) + " has "
            + std::to_string(steps) + " steps, fewer than the pool size ("
            + std::to_string(m_poolSize) + ")"
            + (m_same ? "." : "; padding 'valid' needs at least one full window."));
    const Shape outShape
        = m_channelsFirst ? Shape {n, channels, outSteps} : Shape {n, outSteps, channels};
    Tensor out = Tensor::uninitialized(outShape);
    // Element (b, t, c) of a sequence of `len` steps, in either layout.
    // A copy, not the structured binding: C++20 (and clang 14) do not let a lambda capture one.
    const std::int64_t width = channels;
    const auto at = [&](std::int64_t b, std::int64_t t, std::int64_t c, std::int64_t len) {
        return m_channelsFirst ? (b * width + c) * len + t : (b * len + t) * width + c;
    };
    const float *in = x.data();
    float *o = out.data();
    for (std::int64_t b = 0; b < n; ++b) {
        for (std::int64_t t = 0; t < outSteps; ++t) {
            const std::int64_t start = t * m_stride - padLeft;
            const std::int64_t begin = std::max<std::int64_t>(start, 0);
            const std::int64_t end = std::min(start + m_poolSize, steps);
            // With 'same' every window holds at least one real step (padLeft < pool size and
            // the last window starts before the end), so `end > begin`.
            for (std::int64_t c = 0; c < channels; ++c) {
                float value = 0.0f;
                if (m_kind == Kind::Max) {
                    value = -std::numeric_limits<float>::infinity();
                    for (std::int64_t s = begin; s < end; ++s) {
                        const float v = in[at(b, s, c, steps)];
                        value = (v > value || v != v) ? v : value; // NaN propagates, as lax.max
                    }
                } else {
                    for (std::int64_t s = begin; s < end; ++s)
                        value += in[at(b, s, c, steps)];
                    value /= static_cast<float>(end - begin); // real elements only
                }
                o[at(b, t, c, outSteps)] = value;
            }
        }
    }
    CallResult result;
    result.outputs.push_back(std::move(out));
    return result;
}

} // namespace attnlens
