#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// Layers that do nothing at inference: Dropout, SpatialDropout1D/2D/3D, GaussianNoise,
/// GaussianDropout, AlphaDropout, ActivityRegularization. Input and mask pass through.
class IdentityLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    using Layer::Layer;
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }
};

} // namespace attnlens
