#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.Masking: a step (every position but the last axis) whose features all equal
/// mask_value is masked. Output = input * mask (masked steps become 0), output mask (N, ...)
/// = any(x != mask_value) over the last axis.
class Masking : public Layer
{
public:
    /// Config: mask_value (default 0.0). No weights.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }

private:
    Masking(std::string name, float maskValue);

    float m_maskValue = 0.0f;
};

} // namespace attnlens
