#pragma once

#include <memory>
#include <vector>

#include "core/layers/call_options_binder.h"
#include "core/layers/layer_config.h"
#include "core/layers/layer_util.h"

namespace attnlens {

/// keras.layers.MultiHeadAttention at inference (Keras 2.4+ and Keras 3), with its attention
/// probabilities.
///
/// Config: num_heads N, key_dim H, value_dim Hv (default H), use_bias (8 or 4 weights),
/// output_shape (int or list; default the query's last dim), attention_axes (null = every axis
/// but batch and features), use_gate (Keras 3.14+); dropout is ignored (inference).
/// Weights, in Keras order: query kernel (E_q, N, H), bias (N, H); key kernel (E_k, N, H),
/// bias (N, H); [use_gate: gate kernel (E_q, N, Hv), bias (N, Hv) — Keras 3.14 builds the gate
/// right after the key projection]; value kernel (E_v, N, Hv), bias (N, Hv); output kernel
/// (N, Hv, *output_shape), bias (*output_shape).
///
/// Call (query, value, key, query_mask, value_mask, key_mask, attention_mask,
/// return_attention_scores, training, use_causal_mask). Inputs (B, d..., E): query (B, T..., E_q),
/// value/key (B, S..., E_v/E_k); key defaults to value. The output is (B, T..., *output_shape)
/// with the query's mask; with return_attention_scores a second output holds the scores in
/// Keras's shape (B, other axes..., N, query attention axes..., key attention axes...).
/// CallResult::attention is the same values seen as (B, prod(other axes) * N, prod(query
/// attention axes), prod(key attention axes)) — (B, N, T, S) for the usual 3-D inputs; a joint
/// softmax over several key axes is one row of length prod(key attention axes).
/// Masks: attention_mask (broadcast as Keras does), use_causal_mask, and the Keras masks of
/// query (B, T, 1) / value (B, 1, S) / key, AND-ed; masked logits and fully masked rows follow
/// the file's Keras version (docs/keras-format.md §2).
class MultiHeadAttention : public Layer, public CallOptionsBinder
{
public:
    struct Options
    {
        int heads = 0;
        int keyDim = 0;
        int valueDim = 0;
        bool useBias = true;
        bool useGate = false;
        std::vector<std::int64_t> outputShape;   ///< empty = query's last dim
        std::vector<std::int64_t> attentionAxes; ///< as in the config; empty = default
        MaskedSoftmaxMode maskMode = MaskedSoftmaxMode::WhereZero;
        /// Keras >= 3.7 with dropout 0: a call that does not return its scores, on 3-D inputs,
        /// runs the fused ops.dot_product_attention, which gives a query whose keys are all
        /// masked the weight 1/Tk on every key. The output follows that; the captured scores
        /// stay what return_attention_scores gives (docs/keras-format.md §2).
        bool fusedMaskedRows = false;
    };

    /// What one attention computation takes, resolved from call arguments.
    struct Inputs
    {
        const Tensor *query = nullptr;
        const Tensor *value = nullptr;
        const Tensor *key = nullptr; ///< null = value
        Mask queryMask;
        Mask valueMask;
        Mask keyMask;
        const Tensor *attentionMask = nullptr; ///< 1 = attend; null = none
        bool causal = false;

        /// The tensors and masks of one call, as Keras 3 resolves them: the query mask from the
        /// query tensor only; value/key masks from the value_mask/key_mask arguments, else the
        /// masks of value and key. `causal` is left false.
        static Inputs of(const CallArgs &args);
    };

    /// Throws InputFileError (layer name and both shapes) when the weights do not match the
    /// config, UnsupportedModelError for unsupported options.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    /// Builds from resolved options (used by InterpretableMultiHeadAttention); same checks.
    static std::unique_ptr<MultiHeadAttention> create(
        const LayerConfig &config, const Options &options);

    MultiHeadAttention(std::string name, Options options, std::vector<Tensor> weights);

    /// A call's constant flags (false when the call does not give them).
    struct CallFlags : CallOptions
    {
        bool useCausalMask = false;
        bool returnAttentionScores = false;
    };

    std::vector<std::string> callSignature() const override;
    /// Reads use_causal_mask and return_attention_scores (true only when given as `true`).
    std::shared_ptr<const CallOptions> bindCallOptions(
        const nlohmann::json &constants) const override;
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::positionwise("query"); }
    std::int64_t parameterCount() const override;
    const AttentionSpec *attention() const override { return &m_spec; }

    /// Runs the attention. outputs[0] = output; outputs[1] = Keras-shaped scores when
    /// `returnScores`. Captured scores go to context.scoresDestination when given, else to
    /// CallResult::attention. Throws ShapeError naming the layer when inputs do not fit.
    CallResult compute(const Inputs &inputs, const CallContext &context, bool returnScores) const;

private:
    Options m_options;
    AttentionSpec m_spec;
    Tensor m_queryKernel, m_queryBias, m_keyKernel, m_keyBias, m_valueKernel, m_valueBias;
    Tensor m_gateKernel, m_gateBias, m_outputKernel, m_outputBias;
    /// [query | key | value] kernels as (E, 3 N H) and biases as (3 N H), for self-attention;
    /// empty when the three kernels differ in shape.
    Tensor m_qkvKernel, m_qkvBias;
};

} // namespace attnlens
