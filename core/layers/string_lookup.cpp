#include "core/layers/string_lookup.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

namespace {

using Encoding = StringEncoding;

/// Python's str.splitlines (which Keras's load_assets reads vocabulary.txt with): \n, \r\n, \r,
/// \v, \f, \x1c-\x1e, U+0085, U+2028 and U+2029 end a line; trailing empty lines are dropped.
std::vector<std::string> splitLines(const std::string &text)
{
    std::vector<std::string> lines;
    std::string line;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        bool end = c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1E);
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85) {
            end = true;
            extra = 1;
        } else if (c == 0xE2 && i + 2 < text.size()
            && static_cast<unsigned char>(text[i + 1]) == 0x80
            && (static_cast<unsigned char>(text[i + 2]) == 0xA8
                || static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
            end = true;
            extra = 2;
        }
        if (!end) {
            line += text[i];
            continue;
        }
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
            extra = 1;
        i += extra;
        lines.push_back(std::move(line));
        line.clear();
    }
    if (!line.empty())
        lines.push_back(std::move(line));
    while (!lines.empty() && lines.back().empty())
        lines.pop_back();
    return lines;
}

/// The terms the layer was given: the config's `vocabulary` list, else its vocabulary.txt asset.
std::vector<std::string> vocabularyTerms(const LayerConfig &config)
{
    const nlohmann::json vocabulary = configValue(config, "vocabulary", nullptr);
    if (vocabulary.is_array()) {
        std::vector<std::string> terms;
        for (const auto &term : vocabulary) {
            if (!term.is_string())
                throw InputFileError(layerWhere(config)
                    + ": the vocabulary holds a term that is not text (" + term.dump()
                    + "). The model file is damaged.");
            terms.push_back(term.get<std::string>());
        }
        return terms;
    }
    if (vocabulary.is_string())
        throw UnsupportedModelError(layerWhere(config) + ": the vocabulary is a file outside the "
            + "model ('" + vocabulary.get<std::string>()
            + "'); AttnLens reads only a vocabulary saved in the model file");
    if (!vocabulary.is_null())
        throw InputFileError(layerWhere(config) + ": 'vocabulary' is neither a list nor null. "
            + "The model file is damaged.");
    for (const char *asset : {"vocabulary.txt", "_lookup_layer/vocabulary.txt"})
        if (const auto it = config.assets.find(asset); it != config.assets.end())
            return splitLines(it->second);
    throw InputFileError(layerWhere(config)
        + ": the layer has no vocabulary: its config has none and the file has no "
          "vocabulary.txt asset for it. Keras keeps an adapted vocabulary only in a .keras "
          "archive (assets/); open that file instead of a legacy .h5 or weights file");
}

Encoding::Standardize standardizeOf(const LayerConfig &config)
{
    const nlohmann::json value = configValue(config, "standardize", "lower_and_strip_punctuation");
    if (value.is_null())
        return Encoding::Standardize::None;
    if (!value.is_string())
        throw UnsupportedModelError(layerWhere(config) + ": 'standardize' is a Python function ("
            + value.dump().substr(0, 120)
            + "); AttnLens never runs Python code from a file. Standardize the text before "
              "saving, or use one of Keras's modes");
    const std::string mode = value.get<std::string>();
    if (mode == "lower")
        return Encoding::Standardize::Lower;
    if (mode == "strip_punctuation")
        return Encoding::Standardize::StripPunctuation;
    if (mode == "lower_and_strip_punctuation")
        return Encoding::Standardize::LowerAndStripPunctuation;
    throw InputFileError(layerWhere(config) + ": unknown standardize mode '" + mode + "'");
}

Encoding::Split splitOf(const LayerConfig &config)
{
    const nlohmann::json value = configValue(config, "split", "whitespace");
    if (value.is_null())
        return Encoding::Split::None;
    if (!value.is_string())
        throw UnsupportedModelError(layerWhere(config) + ": 'split' is a Python function ("
            + value.dump().substr(0, 120) + "); AttnLens never runs Python code from a file");
    const std::string mode = value.get<std::string>();
    if (mode == "whitespace")
        return Encoding::Split::Whitespace;
    if (mode == "character")
        return Encoding::Split::Character;
    throw InputFileError(layerWhere(config) + ": unknown split mode '" + mode + "'");
}

Encoding::Output outputOf(const LayerConfig &config, bool textVectorization)
{
    std::string mode = configString(config, "output_mode", "int");
    if (mode == "binary")
        mode = "multi_hot";
    if (mode == "int")
        return Encoding::Output::Int;
    if (!textVectorization) {
        if (mode == "one_hot")
            return Encoding::Output::OneHot;
        if (mode == "multi_hot")
            return Encoding::Output::MultiHot;
        if (mode == "count")
            return Encoding::Output::Count;
    }
    if (mode == "tf_idf" || mode == "tf-idf" || textVectorization)
        throw UnsupportedModelError(layerWhere(config) + ": output_mode '" + mode
            + "' is not run by AttnLens (it runs "
            + (textVectorization ? "TextVectorization with output_mode 'int'"
                                 : "StringLookup with 'int', 'one_hot', 'multi_hot' or 'count'")
            + ")");
    throw InputFileError(layerWhere(config) + ": unknown output_mode '" + mode + "'");
}

/// The terms with Keras's special tokens in front (IndexLookup.set_vocabulary: a vocabulary
/// that already starts with them keeps them once), checked against max_tokens and the saved
/// vocabulary_size.
std::vector<std::string> fullVocabulary(const LayerConfig &config, const Encoding &e,
    const std::string &oovToken, std::vector<std::string> terms)
{
    const bool intMode = e.output == Encoding::Output::Int;
    std::vector<std::string> special;
    if (e.maskToken && intMode)
        special.push_back(*e.maskToken);
    for (int i = 0; i < e.oovIndices; ++i)
        special.push_back(oovToken);
    const bool hasSpecial = terms.size() >= special.size()
        && std::equal(special.begin(), special.end(), terms.begin());
    std::vector<std::string> out = special;
    out.insert(
        out.end(), terms.begin() + (hasSpecial ? std::ptrdiff_t(special.size()) : 0), terms.end());
    const std::int64_t size = static_cast<std::int64_t>(out.size());
    const std::int64_t maxTokens = configInt(config, "max_tokens", -1, 2, std::int64_t(1) << 40);
    if (maxTokens >= 0 && size > maxTokens)
        throw InputFileError(layerWhere(config) + ": the vocabulary has " + std::to_string(size)
            + " terms, more than max_tokens (" + std::to_string(maxTokens)
            + "). The model file is damaged.");
    const std::int64_t saved = configInt(config, "vocabulary_size", -1, 0, std::int64_t(1) << 40);
    if (saved >= 0 && saved != size)
        throw InputFileError(layerWhere(config) + ": the vocabulary has " + std::to_string(size)
            + " terms, but the layer was saved with vocabulary_size " + std::to_string(saved)
            + ": its config and its vocabulary.txt asset do not belong together");
    return out;
}

} // namespace

StringLookup::StringLookup(std::string name, std::shared_ptr<const StringEncoder> encoder)
    : Layer(std::move(name))
    , m_encoder(std::move(encoder))
{
}

std::unique_ptr<Layer> StringLookup::fromKeras(const LayerConfig &config)
{
    const bool textVectorization = config.className == "TextVectorization";
    requireWeightCount(config, {0});
    Encoding e;
    e.layerName = config.name;
    e.className = config.className;
    e.output = outputOf(config, textVectorization);
    std::string oovToken = "[UNK]";
    if (textVectorization) {
        e.standardize = standardizeOf(config);
        e.split = splitOf(config);
        if (!configValue(config, "ngrams", nullptr).is_null())
            throw UnsupportedModelError(
                layerWhere(config) + ": ngrams are not run by AttnLens (it runs single terms)");
        if (configBool(config, "ragged", false))
            throw UnsupportedModelError(layerWhere(config)
                + ": ragged output is not run by AttnLens (it runs padded sequences)");
        e.maskToken = "";
        e.sequence = true; // output_mode is 'int' (outputOf refuses the rest)
        e.sequenceLength
            = configInt(config, "output_sequence_length", -1, 0, std::int64_t(1) << 31);
    } else {
        if (configBool(config, "invert", false))
            throw UnsupportedModelError(layerWhere(config)
                + ": invert=True maps ids back to text, which AttnLens does not run");
        if (configString(config, "vocabulary_dtype", "string") != "string")
            throw InputFileError(layerWhere(config) + ": vocabulary_dtype is not 'string'");
        const nlohmann::json mask = configValue(config, "mask_token", nullptr);
        if (mask.is_string())
            e.maskToken = mask.get<std::string>();
        oovToken = configString(config, "oov_token", "[UNK]");
        const std::int64_t oov = configInt(config, "num_oov_indices", 1, 0, 1 << 20);
        if (oov > 1)
            throw UnsupportedModelError(layerWhere(config)
                + ": num_oov_indices=" + std::to_string(oov)
                + " spreads unknown terms over buckets by TensorFlow's FarmHash64, which "
                  "AttnLens does not compute (it runs 0 or 1)");
        e.oovIndices = static_cast<int>(oov);
    }
    if (const std::string encoding = configString(config, "encoding", "utf-8");
        encoding != "utf-8" && encoding != "UTF-8")
        throw UnsupportedModelError(layerWhere(config) + ": text encoding '" + encoding
            + "' is not read by AttnLens (it reads UTF-8)");
    e.vocabulary = fullVocabulary(config, e, oovToken, vocabularyTerms(config));
    e.depth = static_cast<std::int64_t>(e.vocabulary.size());
    if (e.output != Encoding::Output::Int && configBool(config, "pad_to_max_tokens", false)) {
        const std::int64_t maxTokens
            = configInt(config, "max_tokens", -1, 2, std::int64_t(1) << 40);
        if (maxTokens < 0)
            throw InputFileError(layerWhere(config)
                + ": pad_to_max_tokens is set without max_tokens. The model file is damaged.");
        e.depth = maxTokens;
    }
    return std::make_unique<StringLookup>(
        config.name, std::make_shared<const StringEncoder>(std::move(e)));
}

CallResult StringLookup::call(const CallArgs &args, const CallContext &) const
{
    CallResult result;
    result.outputs.push_back(args.one("inputs"));
    return result;
}

PositionRule StringLookup::positions() const
{
    return m_encoder->encoding().output == Encoding::Output::Int ? PositionRule::elementwise()
                                                                 : PositionRule::none();
}

} // namespace attnlens
