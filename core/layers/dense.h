#pragma once

#include <memory>

#include "core/layers/activation_function.h"
#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.Dense on any rank: (..., in) -> (..., units) over the last axis, then the
/// activation. Weights: kernel (in, units), bias (units,) when use_bias. The input mask
/// passes through.
class Dense : public Layer
{
public:
    /// Throws InputFileError when the config and the weights disagree, UnsupportedModelError
    /// for an unknown activation or a quantized layer.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    Dense(std::string name, Tensor kernel, Tensor bias, ActivationFunction activation);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::positionwise(); }
    std::int64_t parameterCount() const override { return m_kernel.size() + m_bias.size(); }

    /// y = activation(x W + b) over the last axis of `x`; throws ShapeError on a width mismatch.
    Tensor apply(const Tensor &x) const;

private:
    Tensor m_kernel; ///< (in, units)
    Tensor m_bias;   ///< (units,) or empty
    ActivationFunction m_activation;
};

} // namespace attnlens
