#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// KerasFactory's MultiHeadGraphFeaturePreprocessor
/// (kerasfactory.layers>MultiHeadGraphFeaturePreprocessor, formerly kmr.layers): every scalar
/// feature of a (B, F) input is a token h_i = projection(x_i) (E wide); per head
/// A_h = softmax(Q_h K_h^T / sqrt(E / H)) over the F feature tokens; the heads' A_h V_h are
/// concatenated, out_proj gives one value per feature, y = final_dense(that) + x (final_dense
/// only when the input has the F features it was built for, as always in a saved model).
/// Config: embed_dim E, num_heads H, dropout_rate (inference: ignored). Sublayers, in build
/// order: `projection` Dense(E), `q_dense`, `k_dense`, `v_dense` Dense(E), `out_proj` Dense(1),
/// `final_dense` Dense(F). Attention: its own map (B, H, F, F) over the input's features,
/// keyed by the layer's name.
class MultiHeadGraphFeaturePreprocessor : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    struct Parts
    {
        int heads = 1;
        int depth = 1; ///< embed_dim / num_heads
        std::unique_ptr<Layer> projection, query, key, value, outProjection, finalDense;
    };
    MultiHeadGraphFeaturePreprocessor(std::string name, Parts parts);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    std::int64_t parameterCount() const override;
    std::vector<AttentionPart> attentionParts() const override;

private:
    Parts m_parts;
    AttentionSpec m_spec;
};

} // namespace attnlens
