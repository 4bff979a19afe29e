#include "core/layers/interpretable_multi_head_attention.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> InterpretableMultiHeadAttention::fromKeras(const LayerConfig &config)
{
    constexpr std::int64_t maxDim = std::int64_t(1) << 20;
    const ErrorWhere where = layerWhere(config);
    const std::int64_t dModel = configInt(config, "d_model", -1, 1, maxDim);
    const std::int64_t nHead = configInt(config, "n_head", -1, 1, maxDim);
    if (dModel < 0 || nHead < 0)
        throw InputFileError(where + ": config 'd_model' or 'n_head' is missing.");
    MultiHeadAttention::Options o;
    o.heads = static_cast<int>(nHead);
    o.keyDim = static_cast<int>(dModel);
    o.valueDim = static_cast<int>(configInt(config, "value_dim", dModel, 1, maxDim));
    o.useBias = configBool(config, "use_bias", true);
    o.outputShape = configIntList(config, "output_shape");
    o.attentionAxes = configIntList(config, "attention_axes");
    o.maskMode = maskedSoftmaxMode(config.kerasVersion);
    return std::make_unique<InterpretableMultiHeadAttention>(
        config.name, MultiHeadAttention::create(config, o));
}

InterpretableMultiHeadAttention::InterpretableMultiHeadAttention(
    std::string name, std::unique_ptr<MultiHeadAttention> mha)
    : Layer(std::move(name))
    , m_mha(std::move(mha))
{
}

std::vector<std::string> InterpretableMultiHeadAttention::callSignature() const
{
    return {"query", "key", "value", "training"};
}

CallResult InterpretableMultiHeadAttention::call(
    const CallArgs &args, const CallContext &context) const
{
    // IMHA calls self.mha(query=query, key=key, value=value, return_attention_scores=True); the
    // tensors keep their Keras masks, which MHA reads.
    MultiHeadAttention::Inputs in;
    in.query = &args.one("query");
    in.key = &args.one("key");
    in.value = &args.one("value");
    in.queryMask = args.maskOf("query");
    in.valueMask = args.maskOf("value");
    in.keyMask = args.maskOf("key");
    return m_mha->compute(in, context, false);
}

} // namespace attnlens
