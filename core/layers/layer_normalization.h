#pragma once

#include <memory>
#include <vector>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.LayerNormalization: per sample, over `axis` (int or list, default -1):
/// y = (x - mean) / sqrt(var + epsilon) * gamma + beta. Weights, in order: gamma (when scale
/// or rms_scaling), beta (when center and not rms_scaling), shaped like the normalized axes.
/// rms_scaling (Keras 3, deprecated): y = x / sqrt(var + epsilon) * gamma, as Keras computes
/// it (by the variance, not the mean square). The mask passes through.
class LayerNormalization : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    LayerNormalization(std::string name, std::vector<std::int64_t> axes, float epsilon,
        bool rmsScaling, Tensor gamma, Tensor beta);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::positionwise(); }
    std::int64_t parameterCount() const override { return m_gamma.size() + m_beta.size(); }

private:
    /// Normalizes one row of `width` values from `v` into `out` (gamma, beta may be null).
    void normalizeRow(const float *v, float *out, std::int64_t width, const float *gamma,
        const float *beta) const;

    std::vector<std::int64_t> m_axes;
    float m_epsilon;
    bool m_rmsScaling;
    Tensor m_gamma; ///< flattened over the normalized axes, or empty
    Tensor m_beta;
};

} // namespace attnlens
