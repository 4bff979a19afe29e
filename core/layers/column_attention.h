#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// KerasFactory's ColumnAttention (kerasfactory.layers>ColumnAttention, formerly kmr.layers):
/// w = softmax over the F features of Dense(F)(BN(relu(Dense(h)(x)))), y = x * w, for a (B, F)
/// input. Config: input_dim F, hidden_dim h. Sublayer `attention_net`, a Sequential of
/// `dense` Dense(h, relu), `batch_normalization` (moving statistics) and `dense_1`
/// Dense(F, softmax). The weights w are the layer's feature weights over its input's features.
class ColumnAttention : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    ColumnAttention(std::string name, std::unique_ptr<Layer> hidden, std::unique_ptr<Layer> norm,
        std::unique_ptr<Layer> scores);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }
    std::int64_t parameterCount() const override;
    std::vector<FeatureWeightsPart> featureWeights() const override;

private:
    std::unique_ptr<Layer> m_hidden, m_norm, m_scores;
};

} // namespace attnlens
