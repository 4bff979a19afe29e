#include "core/layers/global_pooling_1d.h"

#include <limits>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

GlobalPooling1D::GlobalPooling1D(std::string name, Kind kind, bool channelsFirst, bool keepdims)
    : Layer(std::move(name))
    , m_kind(kind)
    , m_channelsFirst(channelsFirst)
    , m_keepdims(keepdims)
{
}

std::unique_ptr<Layer> GlobalPooling1D::fromKerasAverage(const LayerConfig &config)
{
    return fromKeras(config, Kind::Average);
}

std::unique_ptr<Layer> GlobalPooling1D::fromKerasMax(const LayerConfig &config)
{
    return fromKeras(config, Kind::Max);
}

std::unique_ptr<Layer> GlobalPooling1D::fromKeras(const LayerConfig &config, Kind kind)
{
    requireWeightCount(config, {0});
    return std::unique_ptr<Layer>(new GlobalPooling1D(
        config.name, kind, channelsFirst(config), configBool(config, "keepdims", false)));
}

CallResult GlobalPooling1D::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    const ErrorWhere where = ErrorWhere::ofLayer(
        name(), m_kind == Kind::Average ? "GlobalAveragePooling1D" : "GlobalMaxPooling1D");
    const auto [n, steps, channels] = sequenceDims(x, m_channelsFirst, where);
    // GlobalAveragePooling1D.call(inputs, mask=None) takes an explicit mask; the max pooling's
    // call has none (Keras ignores masks there).
    const Mask &mask = m_kind == Kind::Average ? args.callMask("inputs") : Mask();
    const bool masked = !mask.empty();
    if (masked && mask.size() != n * steps)
        throw ShapeError(where + ": mask of shape " + shapeToString(mask.shape())
            + " does not fit an input of shape " + shapeToString(x.shape()) + ".");
    Tensor out({n, channels});
    const float init = m_kind == Kind::Max ? -std::numeric_limits<float>::infinity() : 0.0f;
    std::fill(out.values().begin(), out.values().end(), init);
    for (std::int64_t b = 0; b < n; ++b) {
        float *o = out.data() + b * channels;
        float count = 0.0f;
        for (std::int64_t t = 0; t < steps; ++t) {
            const bool keep = !masked || mask.data()[b * steps + t] != 0.0f;
            if (keep)
                count += 1.0f;
            for (std::int64_t c = 0; c < channels; ++c) {
                const float v = m_channelsFirst ? x.data()[(b * channels + c) * steps + t]
                                                : x.data()[(b * steps + t) * channels + c];
                if (m_kind == Kind::Max)
                    o[c] = (v > o[c] || v != v) ? v : o[c];
                else if (keep)
                    o[c] += v;
            }
        }
        if (m_kind == Kind::Average)
            for (std::int64_t c = 0; c < channels; ++c)
                o[c] /= count; // Keras divides by the unmasked count, 0/0 included
    }
    if (m_keepdims)
        out = out.reshaped(m_channelsFirst ? Shape {n, channels, 1} : Shape {n, 1, channels});
    CallResult result;
    result.outputs.push_back(std::move(out));
    return result;
}

} // namespace attnlens
