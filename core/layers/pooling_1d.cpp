#include "core/layers/pooling_1d.h"

#include <limits>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

namespace {

/// A Keras 1-tuple option (pool_size: [3] or 3) as one integer >= 1; `fallback` when absent or
/// null.
std::int64_t positiveSingleInt(
    const LayerConfig &config, const std::string &key, std::int64_t fallback)
{
    const std::int64_t big = std::int64_t(1) << 24;
    const std::vector<std::int64_t> values = configIntList(config, key);
    if (values.empty())
        return fallback;
    if (values.size() != 1 || values[0] < 1 || values[0] > big)
        throw InputFileError(layerWhere(config) + ": config '" + key + "' is "
            + config.config[key].dump().substr(0, 40) + ", expected one integer from 1 to "
            + std::to_string(big) + ". Save the model again with a positive " + key + ".");
    return values[0];
}

std::string configString(const LayerConfig &config, const char *key, const std::string &fallback)
{
    if (config.config.is_object() && config.config.contains(key)) {
        const nlohmann::json &v = config.config[key];
        if (v.is_string())
            return v.get<std::string>();
        if (!v.is_null())
            throw InputFileError(layerWhere(config) + ": config '" + key + "' is "
                + v.dump().substr(0, 40) + ", expected a string. The model file is damaged.");
    }
    return fallback;
}

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
    const std::string where = layerWhere(config);
    requireWeightCount(config, {0});
    std::unique_ptr<Pooling1D> layer(new Pooling1D(config.name, kind));
    layer->m_poolSize = positiveSingleInt(config, "pool_size", 2);
    layer->m_stride = positiveSingleInt(config, "strides", layer->m_poolSize);
    const std::string padding = configString(config, "padding", "valid");
    if (padding != "valid" && padding != "same")
        throw InputFileError(where + ": padding '" + padding.substr(0, 40)
            + "' is not 'valid' or 'same'. Save the model again with one of them.");
    layer->m_same = padding == "same";
    const std::string format = configString(config, "data_format", "channels_last");
    if (format != "channels_last" && format != "channels_first")
        throw InputFileError(where + ": data_format '" + format.substr(0, 40)
            + "' is not 'channels_last' or 'channels_first'. Save the model again with one of "
              "them.");
    layer->m_channelsFirst = format == "channels_first";
    return layer;
}

CallResult Pooling1D::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    const std::string where = "layer '" + name() + "' ("
        + (m_kind == Kind::Max ? "MaxPooling1D" : "AveragePooling1D") + ")";
    if (x.rank() != 3)
        throw ShapeError(where + ": input of shape " + shapeToString(x.shape())
            + " is not a sequence (batch, steps, channels); the layer needs rank 3.");
    const std::int64_t n = x.dim(0);
    const std::int64_t steps = m_channelsFirst ? x.dim(2) : x.dim(1);
    const std::int64_t channels = m_channelsFirst ? x.dim(1) : x.dim(2);
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
    const auto at = [&](std::int64_t b, std::int64_t t, std::int64_t c, std::int64_t len) {
        return m_channelsFirst ? (b * channels + c) * len + t : (b * len + t) * channels + c;
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
