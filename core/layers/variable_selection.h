#pragma once

#include <memory>
#include <vector>

#include "core/layers/gated_residual_network.h"

namespace attnlens {

/// KerasFactory's VariableSelection (kerasfactory.layers>VariableSelection, formerly
/// kmr.layers): TFT-style variable selection. Config: nr_features F, units U, use_context,
/// dropout_rate (ignored). Input (B, F) or (B, F, D) — with use_context the list
/// [features, context (B, C)]. t_i = GRN_i(x[:, i, :]); w = softmax(GRN_w(context, or the
/// mean of x over D)); outputs (selected = sum_i w_i t_i (B, U), weights w (B, F)).
/// Sublayers: `feature_grns`, a list of F GatedResidualNetwork(U) (each with `project`, since
/// D != U for a 2-D input); `grn_var`, GatedResidualNetwork(F). The weights w are also the
/// layer's feature weights over the input's features.
class VariableSelection : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    VariableSelection(std::string name, std::vector<std::unique_ptr<GatedResidualNetwork>> grns,
        std::unique_ptr<GatedResidualNetwork> weightNetwork, bool useContext);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    std::int64_t parameterCount() const override;
    std::vector<FeatureWeightsPart> featureWeights() const override;

private:
    std::vector<std::unique_ptr<GatedResidualNetwork>> m_grns;
    std::unique_ptr<GatedResidualNetwork> m_weightNetwork;
    bool m_useContext;
};

} // namespace attnlens
