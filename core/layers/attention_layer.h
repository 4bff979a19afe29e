#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/layers/call_options_binder.h"
#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.Attention (Luong, score_mode "dot" or "concat") and keras.layers.AdditiveAttention
/// (Bahdanau) at inference, Keras 2 and Keras 3, with their attention distribution.
///
/// Call (inputs = [query (B, Tq, D), value (B, Tv, Dv)] or [query, value, key (B, Tv, D)],
/// mask, training, return_attention_scores, use_causal_mask); the key defaults to the value.
/// Scores (B, Tq, Tv), with no 1/sqrt(D):
/// - dot: query . key, times the learned scalar `scale` with use_scale;
/// - concat: concat_score_weight * sum_d tanh(scale * (query + key)) (no scale without use_scale);
/// - additive: sum_d scale[d] * tanh(query + key) (no scale without use_scale).
/// Masks: the value mask (inputs[1]'s Keras mask, or mask[1]) and the causal mask (row >= col)
/// subtract 1e9 from the scores they mask, so a masked key gets weight 0 and a fully masked row
/// comes out near uniform; nothing in the distribution is zeroed. The output, distribution x
/// value (B, Tq, Dv), is set to 0 at masked queries (inputs[0]'s mask, or mask[0]), which is also
/// the output's mask. The key's own mask is ignored, as Keras ignores it.
/// The distribution is the layer's one attention part (empty attribute, so the call is keyed by
/// the layer alone), (B, 1, Tq, Tv): one head, queries from inputs[0], keys from inputs[1].
class AttentionLayer : public Layer, public CallOptionsBinder
{
public:
    enum class Score
    {
        Dot,      ///< Attention, score_mode "dot"
        Concat,   ///< Attention, score_mode "concat"
        Additive, ///< AdditiveAttention
    };

    /// keras.layers.Attention. Config: use_scale (false), score_mode ("dot"), causal (Keras 2.x
    /// before use_causal_mask; false), dropout (ignored). Weights in Keras order: scale () with
    /// use_scale, then concat_score_weight () with score_mode "concat".
    /// Throws InputFileError for another score_mode or weights that do not fit.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    /// keras.layers.AdditiveAttention. Config: use_scale (true), causal, dropout (ignored).
    /// Weights: scale (D,) with use_scale. Throws InputFileError for weights that do not fit.
    static std::unique_ptr<Layer> fromKerasAdditive(const LayerConfig &config);

    /// `scale`: empty, a scalar (Dot, Concat) or a (D,) vector (Additive); `concatWeight`: the
    /// concat_score_weight scalar (Concat only; empty otherwise).
    AttentionLayer(
        std::string name, Score score, Tensor scale, Tensor concatWeight, bool causal = false);

    /// A call's constant flags (false when the call does not give them).
    struct CallFlags : CallOptions
    {
        bool useCausalMask = false;
        bool returnAttentionScores = false;
    };

    std::vector<std::string> callSignature() const override
    {
        return {"inputs", "mask", "training", "return_attention_scores", "use_causal_mask"};
    }
    /// Reads use_causal_mask and return_attention_scores (true only when given as `true`).
    std::shared_ptr<const CallOptions> bindCallOptions(
        const nlohmann::json &constants) const override;
    /// outputs[0] = output (B, Tq, Dv) with the query mask; with return_attention_scores
    /// outputs[1] = the distribution (B, Tq, Tv). Captured: partAttention[0] (B, 1, Tq, Tv).
    /// Throws ShapeError naming the layer when the inputs do not fit each other or the weights.
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::positionwise("inputs", 0); }
    std::int64_t parameterCount() const override { return m_scale.size() + m_concatWeight.size(); }
    std::vector<AttentionPart> attentionParts() const override;

private:
    const char *className() const;
    /// Scores of one sample: query (Tq, D), key (Tv, D) -> scores (Tq, Tv), row-major.
    void scoreSample(const float *query, const float *key, std::int64_t tq, std::int64_t tv,
        std::int64_t d, float *scores) const;

    Score m_score = Score::Dot;
    Tensor m_scale;        ///< empty, () or (D,)
    Tensor m_concatWeight; ///< () for Concat, else empty
    bool m_causal = false; ///< Keras 2's `causal` config (use_causal_mask in every call)
};

} // namespace attnlens
