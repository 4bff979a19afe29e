#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.Flatten: (B, ...) -> (B, prod(...)); (B,) -> (B, 1). Drops the mask.
class FlattenLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    using Layer::Layer;
    CallResult call(const CallArgs &args, const CallContext &context) const override;
};

} // namespace attnlens
