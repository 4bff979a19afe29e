#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.Rescaling(scale, offset): y = x * scale + offset; scale and offset are
/// numbers or lists broadcast over the last axes. The mask passes through.
class RescalingLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    RescalingLayer(std::string name, Tensor scale, Tensor offset);
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }

private:
    Tensor m_scale;
    Tensor m_offset;
};

} // namespace attnlens
