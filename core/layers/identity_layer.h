#pragma once

#include <memory>

#include "core/runtime/layer.h"

namespace attnlens {

/// Layers that do nothing at inference: Dropout, SpatialDropout1D/2D/3D, GaussianNoise,
/// GaussianDropout, AlphaDropout, ActivityRegularization. Input and mask pass through.
class IdentityLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    using Layer::Layer;
    CallResult call(const CallArgs &args, const CallContext &context) const override;
};

} // namespace attnlens
