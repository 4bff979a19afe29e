#pragma once

#include <memory>
#include <vector>

#include "core/layers/layer_config.h"

namespace attnlens {

/// KerasFactory's TabularMoELayer (kerasfactory.layers>TabularMoELayer, formerly kmr.layers):
/// y = sum_e g_e(x) Expert_e(x), Expert_e = Dense(F)(Dense(U, relu)(x)), g = softmax gate
/// Dense(E). Config: num_experts E, expert_units U. Sublayers: `experts` (E Dense(U, relu)),
/// `expert_outputs` (E Dense(F)), `gate` Dense(E, softmax). For a (B, F) input the gates
/// g (B, E) are the layer's feature weights over its experts.
class TabularMoELayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    TabularMoELayer(std::string name, std::vector<std::unique_ptr<Layer>> experts,
        std::vector<std::unique_ptr<Layer>> outputs, std::unique_ptr<Layer> gate);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    std::int64_t parameterCount() const override;
    std::vector<FeatureWeightsPart> featureWeights() const override;

private:
    std::vector<std::unique_ptr<Layer>> m_experts, m_outputs;
    std::unique_ptr<Layer> m_gate;
};

} // namespace attnlens
