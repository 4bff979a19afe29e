#include "core/layers/attention_layer.h"

#include <cmath>

#include <Eigen/Core>
#include <omp.h>

#include "core/errors.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

namespace {

/// Largest distribution we allocate (floats): 8 GiB.
constexpr std::int64_t kMaxScores = std::int64_t(1) << 31;
/// Below this many multiply-adds a parallel region costs more than it saves.
constexpr std::int64_t kParallelWork = std::int64_t(1) << 20;
/// Keras subtracts this from masked scores (float32; 65504 for float16, which we do not run).
constexpr float kMaskedBias = 1.0e9f;

bool isTrue(const nlohmann::json &constants, const char *name)
{
    const auto it = constants.find(name);
    return it != constants.end() && it->is_boolean() && it->get<bool>();
}

/// A weight that must hold one value (Keras's shape () variables); a (1,) weight is accepted.
void requireScalar(const LayerConfig &config, std::size_t index, const char *what)
{
    const Tensor &w = config.weights[index];
    if (w.size() != 1 || w.rank() > 1)
        requireWeightShape(config, index, {}, what);
}

/// The batch's mask (B, T) as bytes (1 = keep), or empty when there is none. Throws ShapeError
/// when it is not (B, T).
std::vector<std::uint8_t> maskBytes(const Mask &mask, std::int64_t batch, std::int64_t steps,
    const ErrorWhere &where, const char *what)
{
    if (mask.empty())
        return {};
    if (mask.shape() != Shape {batch, steps})
        throw ShapeError(where + ": the " + what + " mask has shape " + shapeToString(mask.shape())
            + " but the " + what + " is (" + std::to_string(batch) + ", " + std::to_string(steps)
            + ", ...).");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(mask.size()));
    for (std::int64_t i = 0; i < mask.size(); ++i)
        bytes[static_cast<std::size_t>(i)] = mask.data()[i] != 0.0f ? 1 : 0;
    return bytes;
}

} // namespace

std::unique_ptr<Layer> AttentionLayer::fromKeras(const LayerConfig &config)
{
    const ErrorWhere where = layerWhere(config);
    const std::string mode = configString(config, "score_mode", "dot");
    if (mode != "dot" && mode != "concat")
        throw InputFileError(where + ": config 'score_mode' is '" + mode.substr(0, 40)
            + "', which Keras does not know (it takes \"dot\" or \"concat\"). The model file is "
              "damaged.");
    const Score score = mode == "dot" ? Score::Dot : Score::Concat;
    const bool useScale = configBool(config, "use_scale", false);
    const std::size_t count = (useScale ? 1u : 0u) + (score == Score::Concat ? 1u : 0u);
    requireWeightCount(config, {count});
    Tensor scale;
    Tensor concatWeight;
    std::size_t i = 0;
    if (useScale) {
        requireScalar(config, i, "scale");
        scale = config.weights[i++].reshaped({});
    }
    if (score == Score::Concat) {
        requireScalar(config, i, "concat_score_weight");
        concatWeight = config.weights[i].reshaped({});
    }
    return std::make_unique<AttentionLayer>(config.name, score, std::move(scale),
        std::move(concatWeight), configBool(config, "causal", false));
}

std::unique_ptr<Layer> AttentionLayer::fromKerasAdditive(const LayerConfig &config)
{
    const bool useScale = configBool(config, "use_scale", true);
    requireWeightCount(config, {useScale ? 1u : 0u});
    Tensor scale;
    if (useScale) {
        const Tensor &w = config.weights[0];
        requireWeightShape(config, 0, {w.rank() == 1 ? w.shape()[0] : -1}, "scale");
        scale = w;
    }
    return std::make_unique<AttentionLayer>(config.name, Score::Additive, std::move(scale),
        Tensor(), configBool(config, "causal", false));
}

AttentionLayer::AttentionLayer(
    std::string name, Score score, Tensor scale, Tensor concatWeight, bool causal)
    : Layer(std::move(name))
    , m_score(score)
    , m_scale(std::move(scale))
    , m_concatWeight(std::move(concatWeight))
    , m_causal(causal)
{
}

const char *AttentionLayer::className() const
{
    return m_score == Score::Additive ? "AdditiveAttention" : "Attention";
}

std::shared_ptr<const CallOptions> AttentionLayer::bindCallOptions(
    const nlohmann::json &constants) const
{
    auto flags = std::make_shared<CallFlags>();
    flags->useCausalMask = isTrue(constants, "use_causal_mask");
    flags->returnAttentionScores = isTrue(constants, "return_attention_scores");
    return flags;
}

std::vector<AttentionPart> AttentionLayer::attentionParts() const
{
    AttentionPart part;
    part.spec.heads = 1;
    if (m_score == Score::Additive && !m_scale.empty())
        part.spec.keyDim = static_cast<int>(m_scale.size());
    part.query = PositionSource::positions("inputs", 0);
    part.key = PositionSource::positions("inputs", 1); // the key has the value's positions
    return {part};
}

void AttentionLayer::scoreSample(const float *query, const float *key, std::int64_t tq,
    std::int64_t tv, std::int64_t d, float *scores) const
{
    using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using ConstMap = Eigen::Map<const Matrix>;
    Eigen::Map<Matrix> s(scores, tq, tv);
    if (m_score == Score::Dot) {
        s.noalias() = ConstMap(query, tq, d) * ConstMap(key, tv, d).transpose();
        if (!m_scale.empty())
            s *= m_scale.data()[0];
        return;
    }
    // Keras: concat c * sum(tanh(scale * (q + k))); additive sum(scale * tanh(q + k)).
    const float inner = m_score == Score::Concat && !m_scale.empty() ? m_scale.data()[0] : 1.0f;
    const float *outer = m_score == Score::Additive && !m_scale.empty() ? m_scale.data() : nullptr;
    const float concat = m_concatWeight.empty() ? 1.0f : m_concatWeight.data()[0];
    for (std::int64_t i = 0; i < tq; ++i) {
        const float *q = query + i * d;
        for (std::int64_t j = 0; j < tv; ++j) {
            const float *k = key + j * d;
            float sum = 0.0f;
            for (std::int64_t c = 0; c < d; ++c) {
                const float t = std::tanh(inner == 1.0f ? q[c] + k[c] : inner * (q[c] + k[c]));
                sum += outer ? outer[c] * t : t;
            }
            s(i, j) = m_score == Score::Concat ? concat * sum : sum;
        }
    }
}

CallResult AttentionLayer::call(const CallArgs &args, const CallContext &context) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), className());
    static const CallFlags none;
    const CallFlags *flags = args.optionsAs<CallFlags>();
    if (flags == nullptr)
        flags = &none;
    const std::vector<Tensor> &inputs = args.all("inputs");
    if (inputs.size() < 2 || inputs.size() > 3)
        throw ShapeError(where + " is called on " + std::to_string(inputs.size())
            + " tensors; it takes a list [query, value] or [query, value, key].");
    const Tensor &query = inputs[0];
    const Tensor &value = inputs[1];
    const Tensor &key = inputs.size() == 3 ? inputs[2] : value;
    if (query.rank() != 3 || value.rank() != 3 || key.rank() != 3)
        throw ShapeError(where + ": query, value and key must be (batch, steps, features); got "
            + shapeToString(query.shape()) + ", " + shapeToString(value.shape()) + " and "
            + shapeToString(key.shape()) + ".");
    const std::int64_t batch = query.shape()[0];
    const std::int64_t tq = query.shape()[1];
    const std::int64_t d = query.shape()[2];
    const std::int64_t tv = value.shape()[1];
    const std::int64_t dv = value.shape()[2];
    if (value.shape()[0] != batch || key.shape()[0] != batch || key.shape()[1] != tv
        || key.shape()[2] != d)
        throw ShapeError(where + ": query " + shapeToString(query.shape()) + ", value "
            + shapeToString(value.shape()) + " and key " + shapeToString(key.shape())
            + " must share the batch, value and key their steps, and query and key their "
              "features.");
    if (m_score == Score::Additive && !m_scale.empty() && m_scale.size() != d)
        throw ShapeError(where + ": the query has " + std::to_string(d)
            + " features but the layer's scale has " + std::to_string(m_scale.size()) + ".");
    if (tq > 0 && tv > 0 && batch > kMaxScores / tq / tv)
        throw ShapeError(where + ": inputs " + shapeToString(query.shape()) + " and "
            + shapeToString(value.shape())
            + " need an attention matrix too large to hold in memory.");

    // Keras's mask list is [query_mask, value_mask(, key_mask)]; given explicitly or the inputs'.
    Mask queryMask = args.maskOf("inputs", 0);
    Mask valueMask = args.maskOf("inputs", 1);
    if (args.has("mask") && args.all("mask").size() >= 2) {
        queryMask = args.all("mask")[0];
        valueMask = args.all("mask")[1];
    }
    const std::vector<std::uint8_t> keep = maskBytes(queryMask, batch, tq, where, "query");
    const std::vector<std::uint8_t> attend = maskBytes(valueMask, batch, tv, where, "value");
    const bool causal = m_causal || flags->useCausalMask;

    Tensor output = Tensor::uninitialized({batch, tq, dv});
    Tensor scores = Tensor::uninitialized({batch, 1, tq, tv});
    const std::int64_t work = batch * tq * tv * (d + dv);
    const bool parallel = batch > 1 && !omp_in_parallel() && work >= kParallelWork;
#pragma omp parallel for schedule(dynamic) if (parallel)
    for (std::int64_t b = 0; b < batch; ++b) {
        float *s = scores.data() + b * tq * tv;
        scoreSample(query.data() + b * tq * d, key.data() + b * tv * d, tq, tv, d, s);
        // Keras: scores -= 1e9 * (1 - mask), for the value mask AND the causal mask.
        for (std::int64_t i = 0; i < tq; ++i)
            for (std::int64_t j = 0; j < tv; ++j) {
                const bool masked
                    = (!attend.empty() && !attend[static_cast<std::size_t>(b * tv + j)])
                    || (causal && j > i);
                if (masked)
                    s[i * tv + j] -= kMaskedBias;
            }
        softmaxRows(s, tq, tv);
        using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        Eigen::Map<Matrix> o(output.data() + b * tq * dv, tq, dv);
        o.noalias() = Eigen::Map<const Matrix>(s, tq, tv)
            * Eigen::Map<const Matrix>(value.data() + b * tv * dv, tv, dv);
        if (!keep.empty())
            for (std::int64_t i = 0; i < tq; ++i)
                if (!keep[static_cast<std::size_t>(b * tq + i)])
                    o.row(i).setZero();
    }

    CallResult result;
    result.outputs.push_back(std::move(output));
    result.masks.push_back(queryMask);
    if (flags->returnAttentionScores) {
        result.outputs.push_back(scores.reshaped({batch, tq, tv}));
        result.masks.emplace_back();
    }
    if (context.captureAttention)
        result.partAttention.push_back(std::move(scores));
    return result;
}

} // namespace attnlens
