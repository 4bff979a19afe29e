#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// KerasFactory's StochasticDepth (kerasfactory.layers>StochasticDepth, formerly kmr.layers)
/// at inference: input [shortcut, residual], y = shortcut + survival_prob * residual (the
/// random drop of the whole residual happens only in training). Config: survival_prob, seed.
/// No weights.
class StochasticDepth : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    StochasticDepth(std::string name, float survival);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }

private:
    float m_survival;
};

} // namespace attnlens
