#pragma once

#include <memory>

#include "core/layers/layer_config.h"
#include "core/layers/multi_head_attention.h"

namespace attnlens {

/// KerasFactory's MultiResolutionTabularAttention
/// (kerasfactory.layers>MultiResolutionTabularAttention, formerly kmr.layers). Config:
/// num_heads H, d_model d, dropout_rate (ignored). Input [numerical (B, S, Fn), categorical
/// (B, S, Fc)]; outputs (numerical (B, S, d), categorical (B, S, d)):
/// n = LN(Pn + SA_n(Pn)); c = LN(Pc + SA_c(Pc)); c' = LN(c + CA(q = c, kv = n));
/// n' = LN(n + CA(q = n, kv = c)); each output LN(x + FFN(x)) with one FFN for both streams.
/// Sublayers, in build order: `num_projection`, `cat_projection`, `num_attention`,
/// `cat_attention`, `num_cat_attention` (categorical queries), `cat_num_attention` (numerical
/// queries), `ffn_dense1` (relu), `ffn_dense2`, `num_layernorm1`, `num_layernorm2`,
/// `cross_num_layernorm`, `cat_layernorm1`, `cat_layernorm2`, `cross_cat_layernorm`.
/// Attention parts: the four MHAs, (B, H, S, S) along axis 1 of the inputs.
class MultiResolutionTabularAttention : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    struct Parts
    {
        std::unique_ptr<Layer> numProjection, catProjection;
        std::unique_ptr<MultiHeadAttention> numAttention, catAttention, numCatAttention,
            catNumAttention;
        std::unique_ptr<Layer> ffn1, ffn2, numNorm1, numNorm2, crossNumNorm, catNorm1, catNorm2,
            crossCatNorm;
    };
    MultiResolutionTabularAttention(std::string name, Parts parts);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    std::int64_t parameterCount() const override;
    std::vector<AttentionPart> attentionParts() const override;

private:
    Parts m_parts;
};

} // namespace attnlens
