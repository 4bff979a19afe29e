#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.BatchNormalization at inference: per channel of `axis` (default -1),
/// y = (x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta.
/// Weights: gamma (if scale), beta (if center), moving_mean, moving_variance, each (C,).
/// The mask passes through.
class BatchNormalization : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    BatchNormalization(std::string name, std::int64_t axis, Tensor multiplier, Tensor shift);
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }
    std::int64_t parameterCount() const override { return m_parameters; }

private:
    std::int64_t m_axis;
    Tensor m_multiplier; ///< gamma / sqrt(var + eps)
    Tensor m_shift;      ///< beta - mean * multiplier
    std::int64_t m_parameters = 0;
};

} // namespace attnlens
