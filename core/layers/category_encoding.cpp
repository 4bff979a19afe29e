#include "core/layers/category_encoding.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

CategoryEncoding::CategoryEncoding(std::string name, CategoryOutput output, std::int64_t tokens)
    : Layer(std::move(name))
    , m_output(output)
    , m_tokens(tokens)
{
}

std::unique_ptr<Layer> CategoryEncoding::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    const std::int64_t tokens = configInt(config, "num_tokens", -1, 1, std::int64_t(1) << 31);
    if (tokens < 0)
        throw InputFileError(
            layerWhere(config) + ": config needs num_tokens. The model file is damaged.");
    const std::string mode = configString(config, "output_mode", "multi_hot");
    CategoryOutput output = CategoryOutput::MultiHot;
    if (mode == "one_hot")
        output = CategoryOutput::OneHot;
    else if (mode == "count")
        output = CategoryOutput::Count;
    else if (mode != "multi_hot" && mode != "binary")
        throw InputFileError(layerWhere(config) + ": unknown output_mode '" + mode + "'");
    return std::make_unique<CategoryEncoding>(config.name, output, tokens);
}

CallResult CategoryEncoding::call(const CallArgs &args, const CallContext &) const
{
    if (args.has("count_weights"))
        throw UnsupportedModelError(ErrorWhere::ofLayer(name(), "CategoryEncoding")
            + ": count_weights are not run by AttnLens");
    CallResult result;
    result.outputs.push_back(encodeCategorical(
        args.one("inputs"), m_output, m_tokens, "CategoryEncoding '" + name() + "'"));
    return result;
}

} // namespace attnlens
