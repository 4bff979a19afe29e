#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// KerasFactory's GatedFeatureFusion (kerasfactory.layers>GatedFeatureFusion, formerly
/// kmr.layers): input [x1, x2] of the same shape (..., D); g = act(W [x1; x2] + b);
/// y = g * x1 + (1 - g) * x2. Config: activation (default sigmoid). Sublayer `fusion_gate`
/// Dense(D, activation) on the concatenation (2D wide).
class GatedFeatureFusion : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    GatedFeatureFusion(std::string name, std::unique_ptr<Layer> gate);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::positionwise(); }
    std::int64_t parameterCount() const override { return m_gate->parameterCount(); }

private:
    std::unique_ptr<Layer> m_gate;
};

} // namespace attnlens
