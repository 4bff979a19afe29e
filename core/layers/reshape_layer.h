#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.Reshape(target_shape): (B, ...) -> (B, *target_shape), one -1 allowed.
/// Drops the mask.
class ReshapeLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    ReshapeLayer(std::string name, Shape targetShape);
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override;

private:
    Shape m_targetShape;
};

} // namespace attnlens
