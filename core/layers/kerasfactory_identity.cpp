#include "core/layers/kerasfactory_identity.h"

#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> KerasFactoryIdentity::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    requireWeightCount(config, {0u});
    return std::make_unique<KerasFactoryIdentity>(config.name);
}

CallResult KerasFactoryIdentity::call(const CallArgs &args, const CallContext &) const
{
    CallResult result;
    result.outputs.push_back(args.one("inputs"));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
