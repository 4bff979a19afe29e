#pragma once

#include <memory>

#include "core/layers/layer_config.h"
#include "core/layers/multi_head_attention.h"

namespace attnlens {

/// KerasFactory's TransformerBlock (kerasfactory.layers>TransformerBlock, formerly kmr.layers),
/// a pre-LayerNorm block: x1 = x + MHA(LN1 x); y = x1 + W2 relu(W1 LN2 x1 + b1) + b2.
/// Config: dim_model, num_heads, ff_units, dropout_rate (ignored). key_dim = dim_model //
/// num_heads (floor). Sublayers, in build order: `multihead_attention`, `layer_norm1`
/// (epsilon 1e-6), `ff1` Dense(ff_units, relu), `ff2` Dense(dim_model), `layer_norm2`
/// (epsilon 1e-6). A rank-2 input (B, E) is one token (the map is then 1 x 1).
/// Attention: one part, `multihead_attention`, (B, heads, T, T) over the input's positions.
class TransformerBlock : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    TransformerBlock(std::string name, std::unique_ptr<MultiHeadAttention> mha,
        std::unique_ptr<Layer> norm1, std::unique_ptr<Layer> ff1, std::unique_ptr<Layer> ff2,
        std::unique_ptr<Layer> norm2);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::positionwise(); }
    std::int64_t parameterCount() const override;
    std::vector<AttentionPart> attentionParts() const override;

private:
    std::unique_ptr<MultiHeadAttention> m_mha;
    std::unique_ptr<Layer> m_norm1, m_ff1, m_ff2, m_norm2;
};

} // namespace attnlens
