#pragma once

#include <memory>

#include "core/layers/multi_head_attention.h"

namespace attnlens {

/// KerasFactory's InterpretableMultiHeadAttention ("kerasfactory.layers>..." or the older
/// "kmr.layers>..."): a Keras MultiHeadAttention with num_heads = n_head and key_dim = d_model
/// (per head), dropout_rate ignored at inference, MHA kwargs (value_dim, use_bias,
/// output_shape, attention_axes, ...) forwarded. Same 8 (or 4) weights as MHA.
/// Call signature (query, key, value, training) — key before value, unlike MHA. Its scores,
/// which Keras keeps in a Python attribute, are CallResult::attention.
class InterpretableMultiHeadAttention : public Layer
{
public:
    /// Throws InputFileError when the config and the weights disagree.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    InterpretableMultiHeadAttention(std::string name, std::unique_ptr<MultiHeadAttention> mha);

    std::vector<std::string> callSignature() const override;
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::positionwise("query"); }
    std::int64_t parameterCount() const override { return m_mha->parameterCount(); }
    const AttentionSpec *attention() const override { return m_mha->attention(); }

private:
    std::unique_ptr<MultiHeadAttention> m_mha;
};

} // namespace attnlens
