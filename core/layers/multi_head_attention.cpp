#include "core/layers/multi_head_attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <Eigen/Core>
#include <omp.h>

#include "core/errors.h"
#include "core/tensor/ops.h"

namespace attnlens {

namespace {

constexpr std::int64_t kMaxDim = std::int64_t(1) << 20;
/// Largest attention tensor we allocate (floats): 8 GiB.
constexpr std::int64_t kMaxScores = std::int64_t(1) << 31;
/// Scores computed per block of query rows: about 512 KiB, which stays in L2 (1 MiB on the
/// machines measured) for the softmax and the product with the values. Larger blocks pack the
/// keys and values for fewer GEMMs: 4 % more throughput at T=512 than 128 KiB blocks.
constexpr std::int64_t kBlockFloats = std::int64_t(1) << 17;
/// Below this many multiply-adds a parallel region costs more than it saves.
constexpr std::int64_t kParallelWork = std::int64_t(1) << 20;

using Stride = Eigen::OuterStride<>;
using ConstStridedMap = Eigen::Map<const RowMatrix, 0, Stride>;
using StridedMap = Eigen::Map<RowMatrix, 0, Stride>;

/// x (B, d..., E) times kernel (E, N, D) plus bias (N, D) -> (B, d..., N, D), one GEMM.
Tensor project(const Tensor &x, const Tensor &kernel, const Tensor &bias)
{
    const std::int64_t e = kernel.shape()[0];
    const std::int64_t width = kernel.shape()[1] * kernel.shape()[2];
    Shape shape = x.shape();
    shape.back() = kernel.shape()[1];
    shape.push_back(kernel.shape()[2]);
    Tensor y = Tensor::uninitialized(shape);
    const std::int64_t rows = e == 0 ? 0 : x.size() / e;
    Eigen::Map<RowMatrix> out(y.data(), rows, width);
    out.noalias() = ConstMatrixMap(x.data(), rows, e) * ConstMatrixMap(kernel.data(), e, width);
    if (!bias.empty())
        out.rowwise() += ConstMatrixMap(bias.data(), 1, width).row(0);
    return y;
}

bool isTrue(const nlohmann::json &constants, const char *name)
{
    const auto it = constants.find(name);
    return it != constants.end() && it->is_boolean() && it->get<bool>();
}

/// 0/1 float copy of a mask (any nonzero = keep).
Tensor asBinary(const Tensor &mask)
{
    Tensor out(mask.shape());
    for (std::int64_t i = 0; i < mask.size(); ++i)
        out.data()[i] = mask.data()[i] != 0.0f ? 1.0f : 0.0f;
    return out;
}

/// Same shape and bit-identical values (self-attention passes one tensor as query and value).
bool sameValues(const Tensor &a, const Tensor &b)
{
    return a.shape() == b.shape()
        && (a.data() == b.data()
            || std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(float))
                == 0);
}

Tensor andMasks(const Tensor &a, const Tensor &b, const ErrorWhere &where)
{
    if (a.empty())
        return b;
    return broadcastBinary(
        a, b, [](float x, float y) { return x * y; }, where);
}

} // namespace

std::unique_ptr<Layer> MultiHeadAttention::fromKeras(const LayerConfig &config)
{
    const ErrorWhere where = layerWhere(config);
    Options o;
    const std::int64_t heads = configInt(config, "num_heads", -1, 1, kMaxDim);
    const std::int64_t keyDim = configInt(config, "key_dim", -1, 1, kMaxDim);
    if (heads < 0 || keyDim < 0)
        throw InputFileError(where + ": config 'num_heads' or 'key_dim' is missing.");
    o.heads = static_cast<int>(heads);
    o.keyDim = static_cast<int>(keyDim);
    o.valueDim = static_cast<int>(configInt(config, "value_dim", keyDim, 1, kMaxDim));
    o.useBias = configBool(config, "use_bias", true);
    o.useGate = configBool(config, "use_gate", false);
    o.outputShape = configIntList(config, "output_shape");
    o.attentionAxes = configIntList(config, "attention_axes");
    if (config.config.contains("sliding_window") && !config.config["sliding_window"].is_null())
        throw UnsupportedModelError(where
            + " uses sliding_window attention (Keras 3.15), which "
              "AttnLens does not support yet.");
    o.maskMode = maskedSoftmaxMode(config.kerasVersion);
    const auto dropout = config.config.find("dropout");
    o.fusedMaskedRows = usesFusedAttention(config.kerasVersion)
        && (dropout == config.config.end() || !dropout->is_number()
            || dropout->get<double>() == 0.0);
    return create(config, o);
}

std::unique_ptr<MultiHeadAttention> MultiHeadAttention::create(
    const LayerConfig &config, const Options &options)
{
    const ErrorWhere where = layerWhere(config);
    for (const std::int64_t d : options.outputShape)
        if (d < 1 || d > kMaxDim)
            throw InputFileError(where + ": config 'output_shape' has the dimension "
                + std::to_string(d) + "; the model file is damaged.");
    const std::int64_t n = options.heads;
    const std::int64_t h = options.keyDim;
    const std::int64_t hv = options.valueDim;
    const std::size_t per = options.useBias ? 2 : 1;
    requireWeightCount(config, {per * (options.useGate ? 5 : 4)});
    const auto &w = config.weights;
    auto leading = [&](std::size_t i) { return w[i].rank() == 3 ? w[i].shape()[0] : -1; };
    std::size_t i = 0;
    requireWeightShape(config, i, {leading(i), n, h}, "query kernel");
    const std::int64_t eq = w[i].shape()[0];
    if (options.useBias)
        requireWeightShape(config, i + 1, {n, h}, "query bias");
    i += per;
    requireWeightShape(config, i, {leading(i), n, h}, "key kernel");
    if (options.useBias)
        requireWeightShape(config, i + 1, {n, h}, "key bias");
    i += per;
    std::size_t gate = 0;
    if (options.useGate) {
        gate = i;
        requireWeightShape(config, i, {eq, n, hv}, "gate kernel");
        if (options.useBias)
            requireWeightShape(config, i + 1, {n, hv}, "gate bias");
        i += per;
    }
    const std::size_t value = i;
    requireWeightShape(config, i, {leading(i), n, hv}, "value kernel");
    if (options.useBias)
        requireWeightShape(config, i + 1, {n, hv}, "value bias");
    i += per;
    Shape out = options.outputShape.empty() ? Shape {eq} : Shape(options.outputShape);
    Shape outKernel = {n, hv};
    outKernel.insert(outKernel.end(), out.begin(), out.end());
    requireWeightShape(config, i, outKernel, "output kernel");
    if (options.useBias)
        requireWeightShape(config, i + 1, out, "output bias");

    // Weights in a fixed internal order: q, k, v, o, then the gate.
    std::vector<Tensor> weights;
    auto take = [&](std::size_t k) {
        weights.push_back(w[k]);
        weights.push_back(options.useBias ? w[k + 1] : Tensor());
    };
    take(0);
    take(per);
    take(value);
    take(i);
    if (options.useGate)
        take(gate);
    return std::make_unique<MultiHeadAttention>(config.name, options, std::move(weights));
}

MultiHeadAttention::MultiHeadAttention(
    std::string name, Options options, std::vector<Tensor> weights)
    : Layer(std::move(name))
    , m_options(std::move(options))
{
    m_spec.heads = m_options.heads;
    m_spec.keyDim = m_options.keyDim;
    m_spec.valueDim = m_options.valueDim;
    weights.resize(10);
    m_queryKernel = std::move(weights[0]);
    m_queryBias = std::move(weights[1]);
    m_keyKernel = std::move(weights[2]);
    m_keyBias = std::move(weights[3]);
    m_valueKernel = std::move(weights[4]);
    m_valueBias = std::move(weights[5]);
    m_outputKernel = std::move(weights[6]);
    m_outputBias = std::move(weights[7]);
    m_gateKernel = std::move(weights[8]);
    m_gateBias = std::move(weights[9]);
    // [Wq | Wk | Wv] as one (E, 3 N H) matrix for self-attention, when the shapes allow.
    const Shape &qk = m_queryKernel.shape();
    if (qk.size() == 3 && m_keyKernel.shape() == qk && m_valueKernel.shape() == qk) {
        const std::int64_t e = qk[0];
        const std::int64_t w = qk[1] * qk[2];
        m_qkvKernel = Tensor({e, 3 * w});
        auto fused = m_qkvKernel.matrix();
        fused.leftCols(w) = ConstMatrixMap(m_queryKernel.data(), e, w);
        fused.middleCols(w, w) = ConstMatrixMap(m_keyKernel.data(), e, w);
        fused.rightCols(w) = ConstMatrixMap(m_valueKernel.data(), e, w);
        if (!m_queryBias.empty()) {
            m_qkvBias = Tensor({3 * w});
            std::copy_n(m_queryBias.data(), w, m_qkvBias.data());
            std::copy_n(m_keyBias.data(), w, m_qkvBias.data() + w);
            std::copy_n(m_valueBias.data(), w, m_qkvBias.data() + 2 * w);
        }
    }
}

std::vector<std::string> MultiHeadAttention::callSignature() const
{
    return {"query", "value", "key", "query_mask", "value_mask", "key_mask", "attention_mask",
        "return_attention_scores", "training", "use_causal_mask"};
}

std::int64_t MultiHeadAttention::parameterCount() const
{
    return m_queryKernel.size() + m_queryBias.size() + m_keyKernel.size() + m_keyBias.size()
        + m_valueKernel.size() + m_valueBias.size() + m_outputKernel.size() + m_outputBias.size()
        + m_gateKernel.size() + m_gateBias.size();
}

std::shared_ptr<const CallOptions> MultiHeadAttention::bindCallOptions(
    const nlohmann::json &constants) const
{
    auto flags = std::make_shared<CallFlags>();
    flags->useCausalMask = isTrue(constants, "use_causal_mask");
    flags->returnAttentionScores = isTrue(constants, "return_attention_scores");
    return flags;
}

MultiHeadAttention::Inputs MultiHeadAttention::Inputs::of(const CallArgs &args)
{
    Inputs in;
    in.query = &args.one("query");
    in.value = &args.one("value");
    in.key = args.has("key") ? &args.one("key") : nullptr;
    in.queryMask = args.maskOf("query");
    in.valueMask = args.has("value_mask") ? args.one("value_mask") : args.maskOf("value");
    if (args.has("key_mask"))
        in.keyMask = args.one("key_mask");
    else if (in.key)
        in.keyMask = args.maskOf("key");
    in.attentionMask = args.has("attention_mask") ? &args.one("attention_mask") : nullptr;
    return in;
}

CallResult MultiHeadAttention::call(const CallArgs &args, const CallContext &context) const
{
    static const CallFlags none;
    const CallFlags *flags = args.optionsAs<CallFlags>();
    if (flags == nullptr)
        flags = &none;
    Inputs in = Inputs::of(args);
    in.causal = flags->useCausalMask;
    return compute(in, context, flags->returnAttentionScores);
}

CallResult MultiHeadAttention::compute(
    const Inputs &inputs, const CallContext &callContext, bool returnScores) const
{
    const bool captureAttention = callContext.captureAttention;
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "MultiHeadAttention");
    const Tensor &query = *inputs.query;
    const Tensor &value = *inputs.value;
    const Tensor &key = inputs.key ? *inputs.key : value;
    const int rank = query.rank();
    if (rank < 3 || value.rank() != rank || key.rank() != rank)
        throw ShapeError(where
            + ": query, value and key must have the same rank, at least 3 "
              "(batch, positions..., features); got "
            + shapeToString(query.shape()) + ", " + shapeToString(value.shape()) + " and "
            + shapeToString(key.shape()) + ".");
    auto checkWidth = [&](const Tensor &t, const Tensor &kernel, const char *what) {
        if (t.shape().back() != kernel.shape()[0])
            throw ShapeError(where + ": the " + what + " has shape " + shapeToString(t.shape())
                + " but the layer's weights need " + std::to_string(kernel.shape()[0])
                + " features on its last axis.");
    };
    checkWidth(query, m_queryKernel, "query");
    checkWidth(value, m_valueKernel, "value");
    checkWidth(key, m_keyKernel, "key");
    const Shape &qs = query.shape();
    const Shape &vs = value.shape();
    if (!std::equal(vs.begin(), vs.end() - 1, key.shape().begin()) || qs[0] != vs[0])
        throw ShapeError(where + ": query " + shapeToString(qs) + ", value " + shapeToString(vs)
            + " and key " + shapeToString(key.shape())
            + " must share the batch, and value and key all axes but the last.");

    // Attention axes of the inputs (1 .. rank-2), Keras's resolution of negative axes.
    std::vector<int> axes;
    if (m_options.attentionAxes.empty()) {
        for (int a = 1; a <= rank - 2; ++a)
            axes.push_back(a);
    } else {
        for (const std::int64_t a : m_options.attentionAxes) {
            const std::int64_t r = a < 0 ? a + rank : a;
            if (r < 1 || r > rank - 2 || std::find(axes.begin(), axes.end(), r) != axes.end())
                throw ShapeError(where + ": attention axis " + std::to_string(a)
                    + " does not fit inputs of shape " + shapeToString(qs) + ".");
            axes.push_back(static_cast<int>(r));
        }
    }
    std::vector<int> others;
    for (int a = 1; a <= rank - 2; ++a)
        if (std::find(axes.begin(), axes.end(), a) == axes.end()) {
            others.push_back(a);
            if (qs[static_cast<std::size_t>(a)] != vs[static_cast<std::size_t>(a)])
                throw ShapeError(where + ": query " + shapeToString(qs) + " and value "
                    + shapeToString(vs) + " differ on axis " + std::to_string(a)
                    + ", which is not an attention axis.");
        }
    const std::int64_t batch = qs[0];
    std::int64_t groups = 1; // product of the non-attention axes
    std::int64_t tq = 1;
    std::int64_t tk = 1;
    for (const int a : others)
        groups *= qs[static_cast<std::size_t>(a)];
    for (const int a : axes) {
        tq *= qs[static_cast<std::size_t>(a)];
        tk *= vs[static_cast<std::size_t>(a)];
    }
    const std::int64_t heads = m_options.heads;
    const std::int64_t h = m_options.keyDim;
    const std::int64_t hv = m_options.valueDim;
    const std::int64_t pairs = batch * groups * heads;
    if (tq > 0 && tk > 0 && pairs > kMaxScores / tq / tk)
        throw ShapeError(where + ": inputs " + shapeToString(qs) + " and " + shapeToString(vs)
            + " need an attention matrix too large to hold in memory.");

    // Keras's score shape (B, others..., N, query axes..., key axes...).
    Shape scoreShape = {batch};
    for (const int a : others)
        scoreShape.push_back(qs[static_cast<std::size_t>(a)]);
    scoreShape.push_back(heads);
    for (const int a : axes)
        scoreShape.push_back(qs[static_cast<std::size_t>(a)]);
    for (const int a : axes)
        scoreShape.push_back(vs[static_cast<std::size_t>(a)]);

    // Combined mask, broadcast to the score shape (heads axis kept at 1 unless given).
    Tensor mask;
    if (!inputs.queryMask.empty())
        mask = expandDims(asBinary(inputs.queryMask), -1);
    if (!inputs.valueMask.empty())
        mask = andMasks(mask, expandDims(asBinary(inputs.valueMask), -2), where);
    if (!inputs.keyMask.empty())
        mask = andMasks(mask, expandDims(asBinary(inputs.keyMask), -2), where);
    if (inputs.attentionMask)
        mask = andMasks(mask, asBinary(*inputs.attentionMask), where);
    if (inputs.causal) {
        const std::int64_t t = qs[1];
        const std::int64_t s = vs[1];
        Tensor causal({1, t, s});
        for (std::int64_t i = 0; i < t; ++i)
            for (std::int64_t j = 0; j <= std::min(i, s - 1); ++j)
                causal.data()[i * s + j] = 1.0f;
        mask = andMasks(mask, causal, where);
    }
    std::vector<std::uint8_t> maskBytes;
    std::int64_t maskHeads = 1;
    if (!mask.empty()) {
        const int scoreRank = static_cast<int>(scoreShape.size());
        if (mask.rank() > scoreRank)
            throw ShapeError(where + ": the attention mask " + shapeToString(mask.shape())
                + " does not fit scores of shape " + shapeToString(scoreShape) + ".");
        const int expansionAxis = -2 * static_cast<int>(axes.size()) - 1;
        while (mask.rank() < scoreRank)
            mask = expandDims(mask, expansionAxis);
        const std::size_t headAxis = 1 + others.size();
        maskHeads = mask.shape()[headAxis] == heads ? heads : 1;
        Shape target = scoreShape;
        target[headAxis] = maskHeads;
        mask = broadcastTo(mask, target, where + " (attention mask)");
        maskBytes.resize(static_cast<std::size_t>(mask.size()));
        for (std::int64_t i = 0; i < mask.size(); ++i)
            maskBytes[static_cast<std::size_t>(i)] = mask.data()[i] != 0.0f ? 1 : 0;
    }

    // Projections, then (B, others..., attention axes..., N, D) so each (sample, group, head)
    // is a strided Tq x D block.
    const int pr = rank + 1;
    std::vector<int> perm = {0};
    perm.insert(perm.end(), others.begin(), others.end());
    perm.insert(perm.end(), axes.begin(), axes.end());
    perm.push_back(pr - 2);
    perm.push_back(pr - 1);
    bool identity = true;
    for (std::size_t i = 0; i < perm.size(); ++i)
        identity = identity && perm[i] == static_cast<int>(i);
    auto arrange = [&](Tensor t) {
        if (identity)
            return t;
        return permuteAxes(t, perm);
    };
    // Keras scales the projected query (not the logits) by 1/sqrt(key_dim), in float32.
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(h)));
    // Q, K and V, each row of a (sample, group, position) at the given row stride (floats).
    Tensor q, k, v, qkv;
    const float *qBase = nullptr;
    const float *kBase = nullptr;
    const float *vBase = nullptr;
    std::int64_t qStride = heads * h;
    std::int64_t kStride = heads * h;
    std::int64_t vStride = heads * hv;
    const bool selfAttention = identity && !m_qkvKernel.empty() && sameValues(query, value)
        && (!inputs.key || sameValues(key, value));
    if (selfAttention) {
        // One GEMM for the three projections: x (rows, E) times [Wq | Wk | Wv].
        const std::int64_t e = m_qkvKernel.shape()[0];
        const std::int64_t width = m_qkvKernel.shape()[1];
        const std::int64_t rows = e == 0 ? 0 : query.size() / e;
        qkv = Tensor::uninitialized({rows, width});
        Eigen::Map<RowMatrix> out(qkv.data(), rows, width);
        out.noalias() = ConstMatrixMap(query.data(), rows, e) * m_qkvKernel.matrix();
        if (!m_qkvBias.empty())
            out.rowwise() += m_qkvBias.matrix().row(0);
        out.leftCols(heads * h).array() *= scale;
        qBase = qkv.data();
        kBase = qkv.data() + heads * h;
        vBase = qkv.data() + 2 * heads * h;
        qStride = kStride = vStride = width;
    } else {
        q = arrange(project(query, m_queryKernel, m_queryBias));
        k = arrange(project(key, m_keyKernel, m_keyBias));
        v = arrange(project(value, m_valueKernel, m_valueBias));
        Eigen::Map<Eigen::ArrayXf>(q.data(), q.size()) *= scale;
        qBase = q.data();
        kBase = k.data();
        vBase = v.data();
    }

    // (B, others..., attention axes..., N, Hv)
    Shape contextShape = {batch};
    for (const int a : others)
        contextShape.push_back(qs[static_cast<std::size_t>(a)]);
    for (const int a : axes)
        contextShape.push_back(qs[static_cast<std::size_t>(a)]);
    contextShape.push_back(heads);
    contextShape.push_back(hv);
    Tensor context = Tensor::uninitialized(contextShape); // every (row, head) block is written
    const bool capture = captureAttention || returnScores;
    const Shape capturedShape = {batch, groups * heads, tq, tk};
    Tensor scores;
    float *scoresData = nullptr; // capture: (B, groups * N, Tq, Tk), here or at the destination
    if (captureAttention && callContext.scoresDestination)
        scoresData = callContext.scoresDestination(capturedShape);
    if (capture && scoresData == nullptr) {
        scores = Tensor::uninitialized(capturedShape);
        scoresData = scores.data();
    }
    const MaskedSoftmaxMode mode = m_options.maskMode;
    // Keras's fused path: fully masked query rows attend uniformly in the output.
    const bool fused = m_options.fusedMaskedRows && !returnScores && rank == 3 && tk > 0;
    const std::uint8_t *maskData = maskBytes.empty() ? nullptr : maskBytes.data();

    // Per (sample, group, head) and block of query rows: the block's logits, softmax and
    // context while its rows of scores are still in cache. Blocks run on the OpenMP threads
    // (one thread when this call is itself on a thread of a sliced batch, see Model::run).
    const std::int64_t blockRows
        = std::clamp<std::int64_t>(kBlockFloats / std::max<std::int64_t>(tk, 1), 1, tq);
    const std::int64_t blocks = (tq + blockRows - 1) / blockRows;
    const std::int64_t tasks = pairs * blocks;
    const bool parallel
        = tasks > 1 && !omp_in_parallel() && pairs * tq * tk * (h + hv) >= kParallelWork;
#pragma omp parallel if (parallel)
    {
        std::vector<float> scratch;
        if (!capture)
            scratch.resize(static_cast<std::size_t>(blockRows * tk));
#pragma omp for schedule(dynamic)
        for (std::int64_t task = 0; task < tasks; ++task) {
            const std::int64_t p = task / blocks;
            const std::int64_t r0 = (task % blocks) * blockRows;
            const std::int64_t rn = std::min(blockRows, tq - r0);
            const std::int64_t bg = p / heads; // sample * groups + group
            const std::int64_t n = p % heads;
            const ConstStridedMap qm(
                qBase + (bg * tq + r0) * qStride + n * h, rn, h, Stride(qStride));
            const ConstStridedMap km(kBase + bg * tk * kStride + n * h, tk, h, Stride(kStride));
            const ConstStridedMap vm(vBase + bg * tk * vStride + n * hv, tk, hv, Stride(vStride));
            float *s = capture ? scoresData + (p * tq + r0) * tk : scratch.data();
            Eigen::Map<RowMatrix> sm(s, rn, tk);
            sm.noalias() = qm * km.transpose();
            const std::uint8_t *maskRows = maskData
                ? maskData + ((bg * maskHeads + (maskHeads == 1 ? 0 : n)) * tq + r0) * tk
                : nullptr;
            softmaxRows(s, rn, tk, maskRows, mode);
            StridedMap cm(
                context.data() + (bg * tq + r0) * heads * hv + n * hv, rn, hv, Stride(heads * hv));
            cm.noalias() = sm * vm;
            if (fused && maskRows != nullptr)
                for (std::int64_t i = 0; i < rn; ++i)
                    if (std::all_of(maskRows + i * tk, maskRows + (i + 1) * tk,
                            [](std::uint8_t keep) { return keep == 0; }))
                        cm.row(i) = vm.colwise().sum() / static_cast<float>(tk);
        }
    }

    if (m_options.useGate) {
        Tensor gate = arrange(project(query, m_gateKernel, m_gateBias));
        auto g = Eigen::Map<Eigen::ArrayXf>(gate.data(), gate.size());
        Eigen::Map<Eigen::ArrayXf>(context.data(), context.size()) *= (1.0f + (-g).exp()).inverse();
    }
    std::vector<int> inverse(perm.size());
    for (std::size_t i = 0; i < perm.size(); ++i)
        inverse[static_cast<std::size_t>(perm[i])] = static_cast<int>(i);
    if (!identity)
        context = permuteAxes(context, inverse); // (B, d..., N, Hv)

    // Output projection: (rows, N*Hv) x (N*Hv, prod(output_shape)).
    const std::int64_t width = heads * hv;
    const std::int64_t outWidth = m_outputKernel.size() / width;
    Shape outShape(qs.begin(), qs.end() - 1);
    outShape.insert(
        outShape.end(), m_outputKernel.shape().begin() + 2, m_outputKernel.shape().end());
    Tensor output = Tensor::uninitialized(outShape);
    const std::int64_t rows = width == 0 ? 0 : context.size() / width;
    Eigen::Map<RowMatrix> om(output.data(), rows, outWidth);
    om.noalias() = ConstMatrixMap(context.data(), rows, width)
        * ConstMatrixMap(m_outputKernel.data(), width, outWidth);
    if (!m_outputBias.empty())
        om.rowwise() += ConstMatrixMap(m_outputBias.data(), 1, outWidth).row(0);

    CallResult result;
    result.outputs.push_back(std::move(output));
    result.masks.push_back(inputs.queryMask);
    if (returnScores) {
        const auto count = static_cast<std::ptrdiff_t>(shapeSize(scoreShape));
        result.outputs.emplace_back(scoreShape, TensorValues(scoresData, scoresData + count));
        result.masks.emplace_back();
    }
    if (captureAttention && !scores.empty())
        result.attention = std::move(scores);
    return result;
}

} // namespace attnlens
