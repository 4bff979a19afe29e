#pragma once

#include <memory>
#include <optional>

#include "core/layers/activation_function.h"
#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.ReLU(max_value, negative_slope, threshold), Keras's formula:
/// y = x for x > threshold (x >= 0 when threshold is 0) else 0; clipped to [0, max_value] when
/// set; minus negative_slope * max(threshold - x, 0). The mask passes through.
class ReluLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    ReluLayer(
        std::string name, std::optional<float> maxValue, float negativeSlope, float threshold);
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }
    /// Plain relu when the layer has no max_value, negative_slope or threshold; else nullopt.
    std::optional<ActivationFunction> asFunction() const;

private:
    std::optional<float> m_maxValue;
    float m_negativeSlope;
    float m_threshold;
};

} // namespace attnlens
