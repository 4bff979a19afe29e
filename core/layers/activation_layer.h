#pragma once

#include <memory>

#include "core/layers/activation_function.h"
#include "core/layers/layer_config.h"

namespace attnlens {

/// Element-wise activation layers: Activation (config `activation`), LeakyReLU (Keras 3
/// `negative_slope` / Keras 2 `alpha`, default 0.3), ELU (`alpha`, default 1). Softmax kinds
/// work on the last axis. The mask passes through.
class ActivationLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    static std::unique_ptr<Layer> fromKerasLeakyRelu(const LayerConfig &config);
    static std::unique_ptr<Layer> fromKerasElu(const LayerConfig &config);

    ActivationLayer(std::string name, ActivationFunction function);
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }
    const ActivationFunction &function() const { return m_function; }

private:
    ActivationFunction m_function;
};

} // namespace attnlens
