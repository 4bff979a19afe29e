#include "core/layers/identity_layer.h"

#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> IdentityLayer::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    return std::make_unique<IdentityLayer>(config.name);
}

CallResult IdentityLayer::call(const CallArgs &args, const CallContext &) const
{
    CallResult result;
    result.outputs.push_back(args.one("inputs"));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
