#pragma once

#include <memory>

#include "core/layers/layer_config.h"
#include "core/layers/multi_head_attention.h"

namespace attnlens {

/// KerasFactory's TabularAttention (kerasfactory.layers>TabularAttention, formerly kmr.layers).
/// Config: num_heads H, d_model d, dropout_rate (ignored). Input (B, N, F), output (B, N, d):
/// h = W_in x; a = LN1(h + MHA1(h)) along axis 1; f = LN2(a + FFN(a));
/// s = MHA2(f^T)^T, attention among the d channels; g = LN3(f + s); y = LN4(g + FFN(g)), the same
/// FFN (ffn_dense1 relu, ffn_dense2) both times. Sublayers, in build order: `input_projection`,
/// `feature_attention` MHA(H, d/H), `sample_attention` MHA(H, d/H) over N-wide channel tokens
/// (so the file fixes N), `ffn_dense1`, `ffn_dense2`, `feature_layernorm`,
/// `feature_layernorm2`, `sample_layernorm`, `sample_layernorm2`; `output_projection` is built
/// but never called, and has no weights.
/// Attention parts: `feature_attention` (B, H, N, N) over the input's axis-1 positions, and
/// `sample_attention` (B, H, d, d) over latent channels — not samples, whatever its name says.
class TabularAttention : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    struct Parts
    {
        std::unique_ptr<Layer> projection;
        std::unique_ptr<MultiHeadAttention> featureAttention, sampleAttention;
        std::unique_ptr<Layer> ffn1, ffn2, norm1, norm2, norm3, norm4;
    };
    TabularAttention(std::string name, Parts parts);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::positionwise(); }
    std::int64_t parameterCount() const override;
    std::vector<AttentionPart> attentionParts() const override;

private:
    Parts m_parts;
};

} // namespace attnlens
