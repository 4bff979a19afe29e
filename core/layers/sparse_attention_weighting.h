#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// KerasFactory's SparseAttentionWeighting (kerasfactory.layers>SparseAttentionWeighting,
/// formerly kmr.layers): p = softmax(w / temperature) over M modules; y = sum_m p_m x_m for a
/// list of M same-shape inputs `module_outputs` (each (B, F)). Config: num_modules M,
/// temperature. Own weight: attention_weights (M,). p is the layer's static feature weights
/// over its modules (the same for every sample).
class SparseAttentionWeighting : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    SparseAttentionWeighting(std::string name, Tensor probabilities);

    std::vector<std::string> callSignature() const override { return {"module_outputs"}; }
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }
    std::int64_t parameterCount() const override { return m_probabilities.size(); }
    std::vector<FeatureWeightsPart> featureWeights() const override;

private:
    Tensor m_probabilities; ///< softmax(w / temperature), (M,)
};

} // namespace attnlens
