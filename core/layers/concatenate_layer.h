#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.Concatenate(axis=-1) of a list `inputs` that agree on every other axis.
/// Output mask as Keras: each input's mask (or all-ones) broadcast over the input, concatenated,
/// then AND over the last axis; none when no input has a mask.
class ConcatenateLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    ConcatenateLayer(std::string name, std::int64_t axis);
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override;

private:
    std::int64_t m_axis;
};

} // namespace attnlens
