#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// KerasFactory's DistributionTransformLayer (kerasfactory.layers>DistributionTransformLayer,
/// formerly kmr.layers) in its element-wise modes (config transform_type, lambda_param,
/// epsilon): none; log(x + eps); sqrt(max(x, 0) + eps); box-cox (x+ = max(x, eps): log x+ when
/// |lambda| < eps, else (x+^lambda - 1) / lambda); yeo-johnson; arcsinh
/// log(x + sqrt(x^2 + 1)); cube-root (sign-symmetric, eps inside); logit of x clipped to
/// [max(eps, 1e-5), 1 - that]. Refused with a message: 'auto' (chooses its transform in Python
/// from the first batch it sees after loading), 'quantile', 'robust-scale' and 'min-max'
/// (statistics of the current batch, so a sample's output depends on the others).
class DistributionTransformLayer : public Layer
{
public:
    enum class Mode
    {
        None,
        Log,
        Sqrt,
        BoxCox,
        YeoJohnson,
        Arcsinh,
        CubeRoot,
        Logit
    };

    /// Throws UnsupportedModelError for a batch-dependent or unknown mode.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    DistributionTransformLayer(std::string name, Mode mode, float lambda, float epsilon);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }

private:
    float transform(float x) const;

    Mode m_mode;
    float m_lambda;
    float m_epsilon;
};

} // namespace attnlens
