#include "core/layers/repeat_vector_layer.h"

#include <algorithm>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> RepeatVectorLayer::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    const std::int64_t n = configInt(config, "n", -1, 1, std::int64_t(1) << 24);
    if (n < 0)
        throw InputFileError(layerWhere(config) + ": config 'n' is missing.");
    return std::make_unique<RepeatVectorLayer>(config.name, n);
}

RepeatVectorLayer::RepeatVectorLayer(std::string name, std::int64_t n)
    : Layer(std::move(name))
    , m_n(n)
{
}

CallResult RepeatVectorLayer::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    if (x.rank() != 2)
        throw ShapeError(ErrorWhere::ofLayer(name(), "RepeatVector")
            + " expects (batch, features) but got " + shapeToString(x.shape()) + ".");
    const std::int64_t b = x.shape()[0];
    const std::int64_t f = x.shape()[1];
    Tensor y({b, m_n, f});
    for (std::int64_t i = 0; i < b; ++i)
        for (std::int64_t r = 0; r < m_n; ++r)
            std::copy_n(x.data() + i * f, f, y.data() + (i * m_n + r) * f);
    CallResult result;
    result.outputs.push_back(std::move(y));
    result.masks.emplace_back();
    return result;
}

} // namespace attnlens
