#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.PReLU: y = max(x, 0) + alpha * min(x, 0). Weight alpha has the input's shape
/// without the batch, with 1 on `shared_axes`. The mask passes through.
class PReluLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    PReluLayer(std::string name, Tensor alpha);
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }
    std::int64_t parameterCount() const override { return m_alpha.size(); }

private:
    Tensor m_alpha; ///< (1, ...) so it broadcasts over the batch
};

} // namespace attnlens
