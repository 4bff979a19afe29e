#pragma once

#include <memory>
#include <vector>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.Normalization (preprocessing), Keras 2 and 3:
/// y = (x - mean) / max(sqrt(variance), 1e-7), or with invert: y = mean + x * max(...).
/// mean/variance come from the config (`mean`, `variance`: scalar or list, aligned right to
/// left with the kept axes) or from the weights [mean, variance(, count)] shaped like the
/// kept axes. `axis`: int, list, or null (one mean for everything). The mask passes through.
class NormalizationLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    NormalizationLayer(std::string name, std::vector<std::int64_t> axes, Tensor mean,
        Tensor variance, bool invert);
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }

private:
    std::vector<std::int64_t> m_axes; ///< kept axes as configured
    Tensor m_mean;
    Tensor m_denominator; ///< max(sqrt(variance), 1e-7)
    bool m_invert;
};

} // namespace attnlens
