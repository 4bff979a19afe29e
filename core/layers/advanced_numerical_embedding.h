#pragma once

#include <memory>
#include <vector>

#include "core/layers/layer_config.h"

namespace attnlens {

/// KerasFactory's AdvancedNumericalEmbedding (kerasfactory.layers>AdvancedNumericalEmbedding,
/// formerly kmr.layers): every scalar feature of a (B, F) input becomes an E-wide token,
/// (B, F, E) (squeezed to (B, E) when F = 1):
/// cont_i = BN(W_o relu(W_h x_i + b_h) + b_o) + W_r x_i + b_r (BN after the training-only
/// dropout, with its moving statistics); bin_i = clip(floor(nb (x_i - min_i) /
/// (max_i - min_i + 1e-6)), 0, nb - 1); disc_i = Emb_i[bin_i]; y_i = s_i * cont_i +
/// (1 - s_i) * disc_i with s = sigmoid(gate). Config: embedding_dim E, mlp_hidden_units,
/// num_bins nb, use_batch_norm (init_min/init_max only initialise the learned bounds).
/// Own weights: learned_min (F), learned_max (F), gate (F, E); sublayers `hidden_layer`,
/// `output_layer`, `batch_norm` (if use_batch_norm), `residual_proj`, `bin_embeddings` (F
/// Embedding(nb, E)).
class AdvancedNumericalEmbedding : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    struct Parts
    {
        Tensor learnedMin, learnedMax, gate;
        std::unique_ptr<Layer> hidden, output, batchNorm, residual; ///< batchNorm may be null
        std::vector<Tensor> bins;                                   ///< F tables (nb, E)
    };
    AdvancedNumericalEmbedding(std::string name, Parts parts);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    /// The F feature columns become F tokens.
    PositionRule positions() const override;
    std::int64_t parameterCount() const override;

private:
    Parts m_parts;
};

} // namespace attnlens
