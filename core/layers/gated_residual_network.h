#pragma once

#include <memory>

#include "core/layers/gated_linear_unit.h"

namespace attnlens {

/// KerasFactory's GatedResidualNetwork (kerasfactory.layers>GatedResidualNetwork, formerly
/// kmr.layers): y = LayerNorm(project(x) + GLU(W_l ELU(W_e x + b_e) + b_l)) over the last axis;
/// `project` is Dense(units) when the input width differs from units, else the identity.
/// Unlike TFT's GRN it takes no context. Config: units, dropout_rate (inference: ignored).
/// Sublayers, in build order: `elu_dense`, `linear_dense`, `gated_linear_unit`
/// (GatedLinearUnit), `project` (only when in != units), `layer_norm` (epsilon 1e-3).
class GatedResidualNetwork : public Layer
{
public:
    /// Throws InputFileError when the weights do not fit the config.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    /// A GRN held by another layer, from the start of `weights` (which it consumes): 10 weights,
    /// 12 with `project`, told apart by the width of the first kernel.
    static std::unique_ptr<GatedResidualNetwork> create(const LayerConfig &outer,
        const std::string &attribute, std::vector<Tensor> &weights, std::int64_t units);

    GatedResidualNetwork(std::string name, std::unique_ptr<Layer> elu,
        std::unique_ptr<Layer> linear, std::unique_ptr<GatedLinearUnit> glu,
        std::unique_ptr<Layer> project, std::unique_ptr<Layer> norm);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::positionwise(); }
    std::int64_t parameterCount() const override;

    Tensor apply(const Tensor &x) const;

private:
    std::unique_ptr<Layer> m_elu, m_linear;
    std::unique_ptr<GatedLinearUnit> m_glu;
    std::unique_ptr<Layer> m_project; ///< null: the input is added as it is
    std::unique_ptr<Layer> m_norm;
};

} // namespace attnlens
