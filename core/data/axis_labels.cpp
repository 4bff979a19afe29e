#include "core/data/axis_labels.h"

#include <algorithm>

#include "core/data/text_util.h"
#include "core/errors.h"
#include "core/io/mapped_file.h"

namespace attnlens {

namespace {

std::vector<std::string> numbered(std::int64_t n)
{
    std::vector<std::string> out;
    for (std::int64_t i = 0; i < n; ++i)
        out.push_back(std::to_string(i));
    return out;
}

/// Length of the input axis an origin points at, or -1.
std::int64_t datasetLength(const AxisOrigin &origin, const Dataset &dataset)
{
    if (origin.inputIndex < 0 || origin.inputIndex >= static_cast<int>(dataset.inputs.size()))
        return -1;
    const Tensor &t = dataset.inputs[static_cast<std::size_t>(origin.inputIndex)];
    if (t.rank() < 2)
        return -1;
    switch (origin.kind) {
    case AxisOrigin::Kind::Features:
        return t.dim(-1);
    case AxisOrigin::Kind::TimeSteps:
    case AxisOrigin::Kind::Tokens:
        return t.dim(1);
    case AxisOrigin::Kind::Unknown:
    case AxisOrigin::Kind::LatentChannels:
        break;
    }
    return -1;
}

std::vector<std::string> labelsFor(const AxisOrigin &origin, std::int64_t length,
    const Dataset &dataset, const LabelOptions &options, const std::vector<std::string> &vocabulary)
{
    if (length < 0)
        length = datasetLength(origin, dataset);
    if (length < 0)
        return {};
    const auto index = static_cast<std::size_t>(origin.inputIndex);
    const bool haveInput
        = origin.inputIndex >= 0 && index < dataset.inputs.size() && !dataset.inputs[index].empty();
    switch (origin.kind) {
    case AxisOrigin::Kind::Features:
        if (index < dataset.featureNames.size()
            && std::int64_t(dataset.featureNames[index].size()) == length)
            return dataset.featureNames[index];
        return numbered(length);
    case AxisOrigin::Kind::TimeSteps: {
        if (!dataset.timeValues.empty() && options.sample >= 0
            && options.sample < std::int64_t(dataset.windowStart.size())) {
            const std::int64_t first
                = dataset.windowStart[static_cast<std::size_t>(options.sample)];
            if (first + length <= std::int64_t(dataset.timeValues.size()))
                return {dataset.timeValues.begin() + first,
                    dataset.timeValues.begin() + first + length};
        }
        if (index < dataset.timeLabels.size()
            && std::int64_t(dataset.timeLabels[index].size()) == length)
            return dataset.timeLabels[index];
        std::vector<std::string> out;
        for (std::int64_t i = 0; i < length; ++i)
            out.push_back(i + 1 == length ? "t0" : "t-" + std::to_string(length - 1 - i));
        return out;
    }
    case AxisOrigin::Kind::Tokens: {
        if (!haveInput || options.sample < 0 || options.sample >= dataset.sampleCount())
            return numbered(length);
        const Tensor &t = dataset.inputs[index];
        const std::int64_t per = t.size() / t.dim(0);
        if (per != length)
            return numbered(length);
        // A --vocabulary file wins over the model's own (a text input's TextVectorization).
        const std::vector<std::string> &words
            = vocabulary.empty() && index < dataset.vocabularies.size()
            ? dataset.vocabularies[index]
            : vocabulary;
        std::vector<std::string> out;
        const float *ids = t.data() + options.sample * per;
        for (std::int64_t i = 0; i < length; ++i) {
            const float v = ids[i];
            const auto id = static_cast<std::int64_t>(v);
            if (v >= 0 && id < std::int64_t(words.size()))
                out.push_back(words[static_cast<std::size_t>(id)].empty()
                        ? std::string("(pad)")
                        : words[static_cast<std::size_t>(id)]);
            else
                out.push_back(formatNumber(v));
        }
        return out;
    }
    case AxisOrigin::Kind::Unknown:
    case AxisOrigin::Kind::LatentChannels:
        break;
    }
    return numbered(length);
}

std::vector<std::string> overridden(const std::filesystem::path &file, std::int64_t length,
    const AttentionLayerInfo &layer, const char *axis)
{
    std::vector<std::string> labels = readLabelFile(file);
    if (length >= 0 && std::int64_t(labels.size()) != length)
        throw InputFileError(file.string() + " has " + std::to_string(labels.size())
            + " labels, but the " + axis + " axis of attention layer '" + layer.key + "' has "
            + std::to_string(length) + " positions; give one label per line, "
            + std::to_string(length) + " lines");
    return labels;
}

} // namespace

std::vector<std::string> readLabelFile(const std::filesystem::path &file)
{
    MappedFile map(file);
    std::string_view text(map.data(), map.size());
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    std::vector<std::string> labels;
    std::size_t pos = 0;
    std::int64_t line = 1;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = text.size();
        std::string_view label = text.substr(pos, nl - pos);
        if (!label.empty() && label.back() == '\r')
            label.remove_suffix(1);
        const std::size_t bad = findInvalidUtf8(label);
        if (bad != std::string_view::npos)
            throw InputFileError(file.string() + ":" + std::to_string(line) + ":"
                + std::to_string(bad + 1)
                + ": the label is not UTF-8 text; save the file as UTF-8");
        labels.emplace_back(label);
        pos = nl + 1;
        ++line;
    }
    return labels;
}

AxisLabels axisLabels(
    const AttentionLayerInfo &layer, const Dataset &dataset, const LabelOptions &options)
{
    std::vector<std::string> vocabulary;
    if (options.vocabularyFile
        && (layer.queryOrigin.kind == AxisOrigin::Kind::Tokens
            || layer.keyOrigin.kind == AxisOrigin::Kind::Tokens))
        vocabulary = readLabelFile(*options.vocabularyFile);
    AxisLabels out;
    const auto queryFile = options.queryLabelFile ? options.queryLabelFile : options.labelFile;
    const auto keyFile = options.keyLabelFile ? options.keyLabelFile : options.labelFile;
    std::int64_t queryLength = layer.queryLength;
    if (queryLength < 0)
        queryLength = datasetLength(layer.queryOrigin, dataset);
    std::int64_t keyLength = layer.keyLength;
    if (keyLength < 0)
        keyLength = datasetLength(layer.keyOrigin, dataset);
    out.query = queryFile ? overridden(*queryFile, queryLength, layer, "query")
                          : labelsFor(layer.queryOrigin, queryLength, dataset, options, vocabulary);
    out.key = keyFile ? overridden(*keyFile, keyLength, layer, "key")
                      : labelsFor(layer.keyOrigin, keyLength, dataset, options, vocabulary);
    return out;
}

std::string axisOriginNoun(const AxisOrigin &origin, bool plural)
{
    const char *noun = "";
    switch (origin.kind) {
    case AxisOrigin::Kind::Features:
        noun = "feature";
        break;
    case AxisOrigin::Kind::TimeSteps:
        noun = "time step";
        break;
    case AxisOrigin::Kind::Tokens:
        noun = "token";
        break;
    case AxisOrigin::Kind::LatentChannels:
        noun = "latent channel";
        break;
    case AxisOrigin::Kind::Unknown:
        return std::string();
    }
    return plural ? std::string(noun) + "s" : std::string(noun);
}

std::vector<std::string> featureWeightLabels(
    const FeatureWeightsInfo &weights, const Dataset &dataset)
{
    const std::int64_t count = std::max<std::int64_t>(weights.count, 0);
    const char *noun = nullptr;
    switch (weights.over) {
    case WeightsOver::Features:
        return labelsFor(weights.origin, count, dataset, LabelOptions(), {});
    case WeightsOver::Experts:
        noun = "expert ";
        break;
    case WeightsOver::Modules:
        noun = "module ";
        break;
    }
    std::vector<std::string> out;
    for (std::int64_t i = 0; i < count; ++i)
        out.push_back(noun + std::to_string(i));
    return out;
}

} // namespace attnlens
