#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/layers/multi_head_attention.h"

namespace attnlens {

/// keras.layers.GroupQueryAttention (the Python class GroupedQueryAttention; Keras 3) at
/// inference: num_query_heads query heads sharing num_key_value_heads key/value heads. Keras
/// repeats each key/value head num_query_heads / num_key_value_heads times (ops.repeat on the
/// heads axis), so query head u uses key/value head u / repeats. Scores are scaled by
/// 1/sqrt(head_dim) and softmaxed over the keys as in MultiHeadAttention, whose masking rules
/// (query, value and key masks, attention_mask, use_causal_mask, the version's masked softmax)
/// are the same; the layer runs as a MultiHeadAttention whose key and value kernels are the
/// repeated ones.
///
/// Config: head_dim, num_query_heads, num_key_value_heads, use_bias (true); dropout and
/// flash_attention are ignored (inference). use_gate and sliding_window (newer Keras) are
/// refused. Weights in Keras order: query kernel (E_q, U, H), bias (U, H); key kernel (E_k, V, H),
/// bias (V, H); value kernel (E_v, V, H), bias (V, H); output kernel (U, H, E_q), bias (E_q).
/// Call (query, value, key, query_mask, value_mask, key_mask, attention_mask,
/// return_attention_scores, training, use_causal_mask) on (B, T, E) inputs. The output is
/// (B, T, E_q) with the query's mask; the scores are (B, U, Tq, Tk), one map per query head.
///
/// Fully masked rows (a padded query, every key of a query masked): the scores follow the
/// version's masked softmax (zeros from Keras 3.10 on), as Keras returns them. The output
/// follows what Keras computes when nobody asks for the scores: from Keras 3.7 on, with
/// dropout 0 and no return_attention_scores, Keras uses ops.dot_product_attention, which gives
/// such a row the weight 1/Tk on every key, masked ones included (docs/keras-format.md §2).
class GroupedQueryAttention : public Layer, public CallOptionsBinder
{
public:
    /// Throws InputFileError (layer name and both shapes) when the weights do not match the
    /// config, UnsupportedModelError for options AttnLens does not run.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    /// `fusedOutputs`: outputs of fully masked rows as Keras's fused path (see above).
    GroupedQueryAttention(std::string name, std::unique_ptr<MultiHeadAttention> mha,
        std::int64_t parameters, bool fusedOutputs);

    std::vector<std::string> callSignature() const override { return m_mha->callSignature(); }
    std::shared_ptr<const CallOptions> bindCallOptions(
        const nlohmann::json &constants) const override
    {
        return m_mha->bindCallOptions(constants);
    }
    /// Throws ShapeError naming the layer unless query, value and key are (B, T, E).
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::positionwise("query"); }
    /// The layer's own weights (the key/value heads once, not repeated).
    std::int64_t parameterCount() const override { return m_parameters; }
    const AttentionSpec *attention() const override { return m_mha->attention(); }

private:
    /// (B, Tq) flags, 1 for each query whose every key the call's masks mask; empty when there
    /// is none, or when a mask is not the usual (B, T) / (B, Tq, Tk) (the attention_mask has a
    /// heads axis): then the call runs as MultiHeadAttention does.
    std::vector<std::uint8_t> fullyMaskedRows(const MultiHeadAttention::Inputs &in) const;

    std::unique_ptr<MultiHeadAttention> m_mha;
    std::int64_t m_parameters = 0;
    bool m_fusedOutputs = false;
};

} // namespace attnlens
