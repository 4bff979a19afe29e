#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/job.h"
#include "core/data/axis_labels.h"

namespace attnlens::cli {

namespace {

nlohmann::json shapeJson(const Shape &shape)
{
    nlohmann::json result = nlohmann::json::array();
    for (const std::int64_t d : shape) {
        if (d < 0)
            result.push_back(nullptr);
        else
            result.push_back(d);
    }
    return result;
}

std::string originName(const AxisOrigin &origin)
{
    const std::string noun = axisOriginNoun(origin, true);
    return noun.empty() ? std::string("unknown") : noun;
}

std::string lengthText(std::int64_t length)
{
    return length < 0 ? std::string("free") : std::to_string(length);
}

nlohmann::json lengthJson(std::int64_t length)
{
    return length < 0 ? nlohmann::json(nullptr) : nlohmann::json(length);
}

std::string overName(WeightsOver over)
{
    switch (over) {
    case WeightsOver::Features:
        return "features";
    case WeightsOver::Experts:
        return "experts";
    case WeightsOver::Modules:
        break;
    }
    return "modules";
}

/// What the positions of a feature weight set are: "features (input 0)", "experts", ...
std::string weightsPositions(const FeatureWeightsInfo &weights)
{
    if (weights.over != WeightsOver::Features)
        return overName(weights.over);
    const std::string noun = axisOriginNoun(weights.origin, true);
    return noun.empty() ? std::string("features (positions not traced to an input)")
                        : noun + " of input " + std::to_string(weights.origin.inputIndex);
}

nlohmann::json infoJson(const Model &model)
{
    const ModelSummary &summary = model.summary();
    nlohmann::json json;
    json["model"] = {{"name", summary.name}, {"class", summary.className},
        {"format", formatName(summary.format)}, {"keras_version", summary.kerasVersion},
        {"file", summary.file.string()}, {"parameters", summary.parameters}};
    json["inputs"] = nlohmann::json::array();
    for (const InputInfo &input : model.inputs()) {
        nlohmann::json entry = {{"name", input.name}, {"shape", shapeJson(input.shape)},
            {"integer_ids", input.integerIds}};
        if (input.encoder)
            entry["text"]
                = {{"shape", shapeJson(input.textShape)}, {"encoder", input.encoder->describe()},
                    {"vocabulary_size", input.encoder->vocabulary().size()}};
        json["inputs"].push_back(entry);
    }
    json["outputs"] = nlohmann::json::array();
    for (const Shape &shape : model.outputShapes())
        json["outputs"].push_back({{"shape", shapeJson(shape)}});
    json["layers"] = nlohmann::json::array();
    for (const LayerInfo &layer : model.layers())
        json["layers"].push_back({{"name", layer.name}, {"class", layer.className},
            {"output_shape", shapeJson(layer.outputShape)}, {"parameters", layer.parameters},
            {"attention", layer.isAttention},
            {"recipe",
                layer.recipe.empty() ? nlohmann::json(nullptr) : nlohmann::json(layer.recipe)}});
    json["attention_layers"] = nlohmann::json::array();
    for (const AttentionLayerInfo &layer : model.attentionLayers())
        json["attention_layers"].push_back({{"key", layer.key}, {"layer", layer.layerName},
            {"class", layer.className}, {"call", layer.callIndex}, {"heads", layer.heads},
            {"key_dim", layer.keyDim}, {"value_dim", layer.valueDim},
            {"query_length", lengthJson(layer.queryLength)},
            {"key_length", lengthJson(layer.keyLength)},
            {"query_origin",
                {{"kind", originName(layer.queryOrigin)}, {"input", layer.queryOrigin.inputIndex}}},
            {"key_origin",
                {{"kind", originName(layer.keyOrigin)}, {"input", layer.keyOrigin.inputIndex}}}});
    json["feature_weights"] = nlohmann::json::array();
    for (const FeatureWeightsInfo &weights : model.featureWeightLayers())
        json["feature_weights"].push_back(
            {{"key", weights.key}, {"layer", weights.layerName}, {"class", weights.className},
                {"call", weights.callIndex}, {"over", overName(weights.over)},
                {"static", weights.isStatic}, {"count", lengthJson(weights.count)},
                {"origin",
                    {{"kind", originName(weights.origin)}, {"input", weights.origin.inputIndex}}}});
    json["warnings"] = model.warnings();
    return json;
}

void printText(const Model &model, std::ostream &out)
{
    const ModelSummary &summary = model.summary();
    out << "Model: " << summary.name << " (" << summary.className << "), " << summary.parameters
        << " parameters\n";
    out << "File: " << summary.file.string() << " — " << formatName(summary.format);
    if (!summary.kerasVersion.empty())
        out << ", Keras " << summary.kerasVersion;
    out << "\n\nInputs:\n";
    for (std::size_t i = 0; i < model.inputs().size(); ++i) {
        const InputInfo &input = model.inputs()[i];
        out << "  " << i << "  " << input.name << "  " << shapeToString(input.shape)
            << (input.integerIds && !input.encoder ? "  (token ids)" : "") << '\n';
        if (input.encoder)
            out << "     text " << shapeToString(input.textShape)
                << ", encoded as the data is read by " << input.encoder->describe() << '\n';
    }
    out << "\nOutputs:\n";
    for (std::size_t i = 0; i < model.outputShapes().size(); ++i)
        out << "  " << i << "  " << shapeToString(model.outputShapes()[i]) << '\n';
    out << "\nLayers:\n";
    std::size_t nameWidth = 4, classWidth = 5, shapeWidth = 12;
    for (const LayerInfo &layer : model.layers()) {
        nameWidth = std::max(nameWidth, layer.name.size());
        classWidth = std::max(classWidth, layer.className.size());
        shapeWidth = std::max(shapeWidth, shapeToString(layer.outputShape).size());
    }
    auto pad = [](const std::string &text, std::size_t width) {
        return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
    };
    out << "  " << pad("name", nameWidth) << "  " << pad("class", classWidth) << "  "
        << pad("output shape", shapeWidth) << "  parameters\n";
    for (const LayerInfo &layer : model.layers())
        out << "  " << pad(layer.name, nameWidth) << "  " << pad(layer.className, classWidth)
            << "  " << pad(shapeToString(layer.outputShape), shapeWidth) << "  " << layer.parameters
            << (layer.isAttention ? "  *attention" : "") << '\n';
    bool anyRecipe = false;
    for (const LayerInfo &layer : model.layers())
        if (!layer.recipe.empty()) {
            if (!anyRecipe)
                out << "\nCustom layers run from recipes (their Python code is not in the file):\n";
            anyRecipe = true;
            out << "  " << layer.name << "  " << layer.className << "  " << layer.recipe << '\n';
        }
    out << "\nAttention layers:";
    if (model.attentionLayers().empty())
        out << " none (this model has no attention layer; there is nothing to export)";
    out << '\n';
    for (const AttentionLayerInfo &layer : model.attentionLayers())
        out << "  " << layer.key << "  " << layer.className << "  heads=" << layer.heads
            << " key_dim=" << layer.keyDim << " value_dim=" << layer.valueDim
            << " query_length=" << lengthText(layer.queryLength) << " ("
            << originName(layer.queryOrigin) << ") key_length=" << lengthText(layer.keyLength)
            << " (" << originName(layer.keyOrigin) << ")\n";
    if (!model.featureWeightLayers().empty()) {
        out << "\nFeature weights:\n";
        for (const FeatureWeightsInfo &weights : model.featureWeightLayers())
            out << "  " << weights.key << "  " << weights.className << "  "
                << lengthText(weights.count) << " " << weightsPositions(weights)
                << (weights.isStatic ? "  static" : "") << '\n';
    }
    for (const std::string &warning : model.warnings())
        out << "warning: " << warning << '\n';
}

} // namespace

int runInfo(const CliOptions &options)
{
    const auto model = openModel(options);
    if (options.json)
        std::cout << infoJson(*model).dump(2) << '\n';
    else
        printText(*model, std::cout);
    return 0;
}

} // namespace attnlens::cli
