#include "core/layers/up_sampling_1d.h"

#include <algorithm>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

UpSampling1D::UpSampling1D(std::string name, std::int64_t size)
    : Layer(std::move(name))
    , m_size(size)
{
}

std::unique_ptr<Layer> UpSampling1D::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    // Keras 3 writes an int; tf.keras 2.15 an int as well. A 1-element list is accepted too.
    const std::vector<std::int64_t> values = configIntList(config, "size");
    const std::int64_t big = std::int64_t(1) << 16;
    if (values.size() > 1 || (values.size() == 1 && (values[0] < 1 || values[0] > big)))
        throw InputFileError(layerWhere(config) + ": config 'size' is "
            + config.config["size"].dump().substr(0, 40) + ", expected one integer from 1 to "
            + std::to_string(big) + ". Save the model again with a positive size.");
    return std::unique_ptr<Layer>(new UpSampling1D(config.name, values.empty() ? 2 : values[0]));
}

CallResult UpSampling1D::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "UpSampling1D");
    if (x.rank() != 3)
        throw ShapeError(where + ": input of shape " + shapeToString(x.shape())
            + " is not a sequence (batch, steps, features); the layer needs rank 3.");
    const std::int64_t n = x.dim(0);
    const std::int64_t steps = x.dim(1);
    const std::int64_t channels = x.dim(2);
    Tensor out = Tensor::uninitialized({n, steps * m_size, channels});
    const float *in = x.data();
    float *o = out.data();
    for (std::int64_t b = 0; b < n; ++b)
        for (std::int64_t t = 0; t < steps; ++t)
            for (std::int64_t r = 0; r < m_size; ++r)
                std::copy_n(in + (b * steps + t) * channels, channels,
                    o + ((b * steps + t) * m_size + r) * channels);
    CallResult result;
    result.outputs.push_back(std::move(out));
    return result;
}

} // namespace attnlens
