#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// KerasFactory's DifferentiableTabularPreprocessor
/// (kerasfactory.layers>DifferentiableTabularPreprocessor, formerly kmr.layers):
/// y = gamma * (x with NaN replaced by impute) + beta, per feature of a (B, F) input.
/// Config: num_features F. Own weights: impute, gamma, beta, each (F,). NaNs in the data
/// reach this layer as NaN (the readers keep them for it).
class DifferentiableTabularPreprocessor : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    DifferentiableTabularPreprocessor(std::string name, Tensor impute, Tensor gamma, Tensor beta);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }
    std::int64_t parameterCount() const override { return 3 * m_impute.size(); }

private:
    Tensor m_impute, m_gamma, m_beta;
};

} // namespace attnlens
