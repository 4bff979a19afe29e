#include "core/layers/flatten_layer.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> FlattenLayer::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    const std::string format = config.config.value("data_format", std::string("channels_last"));
    if (format != "channels_last")
        throw UnsupportedModelError(layerWhere(config) + " uses data_format '" + format
            + "'; AttnLens supports channels_last only.");
    return std::make_unique<FlattenLayer>(config.name);
}

CallResult FlattenLayer::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    if (x.rank() < 1)
        throw ShapeError(ErrorWhere::ofLayer(name(), "Flatten") + " needs a batch axis.");
    const std::int64_t batch = x.shape()[0];
    CallResult result;
    result.outputs.push_back(x.reshaped({batch, batch == 0 ? 0 : x.size() / batch}));
    result.masks.emplace_back();
    return result;
}

} // namespace attnlens
