#pragma once

#include <memory>
#include <vector>

#include "core/layers/layer_config.h"
#include "core/layers/layer_util.h"

namespace attnlens {

/// keras.layers.Softmax(axis): softmax over `axis` (int or list: one joint softmax). Call
/// (inputs, mask): the `mask` argument, or else the input's Keras mask, broadcast to the input
/// (1 = keep); masked logits per Keras version (docs/keras-format.md §2). Mask passes through.
class SoftmaxLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    SoftmaxLayer(std::string name, std::vector<std::int64_t> axes, MaskedSoftmaxMode mode);
    std::vector<std::string> callSignature() const override { return {"inputs", "mask"}; }
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::positionwise(); }

private:
    std::vector<std::int64_t> m_axes;
    MaskedSoftmaxMode m_mode;
};

} // namespace attnlens
