#include "core/layers/transformer_block.h"

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/layers/sublayer_weights.h"

namespace attnlens {

std::unique_ptr<Layer> TransformerBlock::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    const std::int64_t dim = configInt(config, "dim_model", 32, 1, 1 << 20);
    const std::int64_t heads = configInt(config, "num_heads", 3, 1, 1 << 20);
    if (dim / heads < 1)
        throw InputFileError(layerWhere(config) + ": dim_model " + std::to_string(dim)
            + " // num_heads " + std::to_string(heads) + " gives a key size of 0");
    auto parts = splitSublayerWeights(config, {{8, 0}, {2, 0}, {2, 0}, {2, 0}, {2, 0}});
    auto mha = kf::multiHeadAttention(config, "multihead_attention", std::move(parts[0]),
        static_cast<int>(heads), static_cast<int>(dim / heads));
    return std::make_unique<TransformerBlock>(config.name, std::move(mha),
        kf::layerNorm(config, "layer_norm1", std::move(parts[1]), 1e-6),
        kf::dense(config, "ff1", std::move(parts[2]), "relu"),
        kf::dense(config, "ff2", std::move(parts[3])),
        kf::layerNorm(config, "layer_norm2", std::move(parts[4]), 1e-6));
}

TransformerBlock::TransformerBlock(std::string name, std::unique_ptr<MultiHeadAttention> mha,
    std::unique_ptr<Layer> norm1, std::unique_ptr<Layer> ff1, std::unique_ptr<Layer> ff2,
    std::unique_ptr<Layer> norm2)
    : Layer(std::move(name))
    , m_mha(std::move(mha))
    , m_norm1(std::move(norm1))
    , m_ff1(std::move(ff1))
    , m_ff2(std::move(ff2))
    , m_norm2(std::move(norm2))
{
}

CallResult TransformerBlock::call(const CallArgs &args, const CallContext &context) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), {});
    const Tensor &input = args.one("inputs");
    const bool flat = input.rank() == 2;
    const Tensor x = flat ? input.reshaped({input.dim(0), 1, input.dim(1)}) : input;
    CallResult result;
    result.partAttention.resize(1);
    const Tensor normed = kf::apply(*m_norm1, x);
    const Tensor attended
        = kf::attend(*m_mha, normed, normed, context.captureAttention, result.partAttention[0]);
    const Tensor x1 = kf::add(x, attended, where);
    const Tensor ff = kf::apply(*m_ff2, kf::apply(*m_ff1, kf::apply(*m_norm2, x1)));
    Tensor y = kf::add(x1, ff, where);
    result.outputs.push_back(flat ? y.reshaped(input.shape()) : std::move(y));
    if (!context.captureAttention)
        result.partAttention.clear();
    return result;
}

std::int64_t TransformerBlock::parameterCount() const
{
    return m_mha->parameterCount() + m_norm1->parameterCount() + m_ff1->parameterCount()
        + m_ff2->parameterCount() + m_norm2->parameterCount();
}

std::vector<AttentionPart> TransformerBlock::attentionParts() const
{
    return {{"multihead_attention", *m_mha->attention(), PositionSource::positions("inputs"),
        PositionSource::positions("inputs")}};
}

} // namespace attnlens
