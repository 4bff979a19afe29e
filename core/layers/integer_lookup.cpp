#include "core/layers/integer_lookup.h"

#include <charconv>
#include <cmath>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

namespace {

std::optional<CategoryOutput> outputOf(const LayerConfig &config)
{
    std::string mode = configString(config, "output_mode", "int");
    if (mode == "int")
        return std::nullopt;
    if (mode == "one_hot")
        return CategoryOutput::OneHot;
    if (mode == "multi_hot" || mode == "binary")
        return CategoryOutput::MultiHot;
    if (mode == "count")
        return CategoryOutput::Count;
    if (mode == "tf_idf" || mode == "tf-idf")
        throw UnsupportedModelError(layerWhere(config)
            + ": output_mode 'tf_idf' is not run by AttnLens (it runs 'int', 'one_hot', "
              "'multi_hot' and 'count')");
    throw InputFileError(layerWhere(config) + ": unknown output_mode '" + mode + "'");
}

/// The config's vocabulary list, else the vocabulary.txt asset (one integer per line).
std::vector<std::int64_t> vocabularyValues(const LayerConfig &config)
{
    const nlohmann::json vocabulary = configValue(config, "vocabulary", nullptr);
    std::vector<std::int64_t> values;
    if (vocabulary.is_array()) {
        for (const auto &v : vocabulary) {
            if (!v.is_number_integer())
                throw InputFileError(layerWhere(config) + ": the vocabulary holds "
                    + v.dump().substr(0, 40) + ", not an integer. The model file is damaged.");
            values.push_back(v.get<std::int64_t>());
        }
        return values;
    }
    if (!vocabulary.is_null())
        throw UnsupportedModelError(layerWhere(config)
            + ": the vocabulary is not a list saved in the file; AttnLens reads only a "
              "vocabulary saved in the model file");
    const auto it = config.assets.find("vocabulary.txt");
    if (it == config.assets.end())
        throw InputFileError(layerWhere(config)
            + ": the layer has no vocabulary: its config has none and the file has no "
              "vocabulary.txt asset for it (Keras keeps an adapted vocabulary only in a .keras "
              "archive)");
    const std::string &text = it->second;
    std::size_t line = 1;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos)
            end = text.size();
        std::string_view cell(text.data() + at, end - at);
        if (!cell.empty() && cell.back() == '\r')
            cell.remove_suffix(1);
        if (!cell.empty()) {
            std::int64_t v = 0;
            const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
            if (ec != std::errc() || ptr != cell.data() + cell.size())
                throw InputFileError(layerWhere(config) + ": line " + std::to_string(line)
                    + " of its vocabulary.txt asset is not an integer");
            values.push_back(v);
        }
        at = end + 1;
        ++line;
    }
    return values;
}

} // namespace

std::unique_ptr<Layer> IntegerLookup::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    if (configBool(config, "invert", false))
        throw UnsupportedModelError(layerWhere(config)
            + ": invert=True maps indices back to values, which AttnLens does not run");
    std::unique_ptr<IntegerLookup> layer(new IntegerLookup(config.name));
    layer->m_output = outputOf(config);
    const nlohmann::json mask = configValue(config, "mask_token", nullptr);
    if (mask.is_number_integer())
        layer->m_maskToken = mask.get<std::int64_t>();
    const nlohmann::json oovToken = configValue(config, "oov_token", -1);
    layer->m_oovIndices = configInt(config, "num_oov_indices", 1, 0, 1 << 20);
    if (layer->m_oovIndices > 1 && configString(config, "oov_method", "floormod") != "floormod")
        throw UnsupportedModelError(layerWhere(config)
            + ": oov_method 'farmhash' spreads unknown values by TensorFlow's FarmHash64, which "
              "AttnLens does not compute (it runs 'floormod')");
    const bool intMode = !layer->m_output;
    layer->m_oovStart = layer->m_maskToken && intMode ? 1 : 0;
    const std::int64_t tokenStart = layer->m_oovStart + layer->m_oovIndices;

    std::vector<std::int64_t> values = vocabularyValues(config);
    // A vocabulary that starts with the special tokens keeps them once (set_vocabulary).
    std::vector<std::int64_t> special;
    if (layer->m_maskToken && intMode)
        special.push_back(*layer->m_maskToken);
    for (std::int64_t i = 0; i < layer->m_oovIndices; ++i)
        special.push_back(oovToken.is_number_integer() ? oovToken.get<std::int64_t>() : -1);
    const bool hasSpecial = values.size() >= special.size()
        && std::equal(special.begin(), special.end(), values.begin());
    const std::size_t first = hasSpecial ? special.size() : 0;
    for (std::size_t i = first; i < values.size(); ++i)
        if (!layer->m_index.emplace(values[i], tokenStart + std::int64_t(i - first)).second)
            throw InputFileError(layerWhere(config) + ": the vocabulary holds "
                + std::to_string(values[i]) + " twice (Keras refuses such a vocabulary too)");
    layer->m_depth = tokenStart + std::int64_t(values.size() - first);
    const std::int64_t maxTokens = configInt(config, "max_tokens", -1, 2, std::int64_t(1) << 40);
    if (maxTokens >= 0 && layer->m_depth > maxTokens)
        throw InputFileError(layerWhere(config) + ": the vocabulary has "
            + std::to_string(layer->m_depth) + " terms, more than max_tokens ("
            + std::to_string(maxTokens) + "). The model file is damaged.");
    if (!intMode && configBool(config, "pad_to_max_tokens", false)) {
        if (maxTokens < 0)
            throw InputFileError(layerWhere(config)
                + ": pad_to_max_tokens is set without max_tokens. The model file is damaged.");
        layer->m_depth = maxTokens;
    }
    return layer;
}

float IntegerLookup::indexOf(float value) const
{
    const auto v = static_cast<std::int64_t>(std::trunc(value));
    if (m_maskToken && v == *m_maskToken)
        return m_output ? -1.0f : 0.0f;
    if (const auto it = m_index.find(v); it != m_index.end())
        return static_cast<float>(it->second);
    if (m_oovIndices == 0)
        throw ShapeError(ErrorWhere::ofLayer(name(), "IntegerLookup") + ": the value "
            + std::to_string(v)
            + " is not in the vocabulary, and the layer has no index for unknown values "
              "(num_oov_indices=0)");
    if (m_oovIndices == 1)
        return static_cast<float>(m_oovStart);
    // tf.math.floormod: the remainder takes the divisor's sign.
    const std::int64_t r = ((v % m_oovIndices) + m_oovIndices) % m_oovIndices;
    return static_cast<float>(m_oovStart + r);
}

CallResult IntegerLookup::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &values = args.one("inputs");
    Tensor ids(values.shape());
    for (std::int64_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values.data()[i]))
            throw ShapeError(ErrorWhere::ofLayer(name(), "IntegerLookup") + ": value "
                + std::to_string(values.data()[i]) + " at position " + std::to_string(i)
                + " is not an integer");
        ids.data()[i] = indexOf(values.data()[i]);
    }
    CallResult result;
    result.outputs.push_back(m_output
            ? encodeCategorical(ids, *m_output, m_depth, "IntegerLookup '" + name() + "'")
            : std::move(ids));
    return result;
}

PositionRule IntegerLookup::positions() const
{
    return m_output ? PositionRule::none() : PositionRule::elementwise();
}

} // namespace attnlens
