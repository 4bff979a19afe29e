#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// KerasFactory layers that pass their input through at inference: CastToFloat32Layer (the
/// engine computes in float32 already; data read as float64 is converted when read) and
/// FeatureCutout (replaces random features by noise_value only in training; its seed
/// generator's state is not saved). Neither has weights.
class KerasFactoryIdentity : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    using Layer::Layer;
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }
};

} // namespace attnlens
