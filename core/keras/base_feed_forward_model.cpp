#include "core/keras/base_feed_forward_model.h"

#include <set>

#include "core/errors.h"

namespace attnlens {

namespace {

using json = nlohmann::json;

json kerasTensor(const std::string &layer, int width)
{
    return {{"class_name", "__keras_tensor__"},
        {"config",
            {{"shape", json::array({nullptr, width})}, {"dtype", "float32"},
                {"keras_history", json::array({layer, 0, 0})}}}};
}

json layerEntry(const std::string &className, const std::string &name, json config, json args)
{
    config["name"] = name;
    json entry = {{"module", "keras.layers"}, {"class_name", className}, {"config", config},
        {"registered_name", nullptr}, {"name", name}, {"inbound_nodes", json::array()}};
    if (!args.is_null())
        entry["inbound_nodes"].push_back(
            {{"args", json::array({args})}, {"kwargs", json::object()}});
    return entry;
}

std::vector<std::string> featureNames(const json &config, const std::string &where)
{
    const auto it = config.find("feature_names");
    if (it == config.end() || !it->is_array() || it->empty())
        throw InputFileError(where + ": feature_names is missing or empty");
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const json &name : *it) {
        if (!name.is_string() || name.get<std::string>().empty())
            throw InputFileError(where + ": feature_names holds a value that is not a name");
        if (!seen.insert(name.get<std::string>()).second)
            throw InputFileError(
                where + ": feature_names names '" + name.get<std::string>() + "' twice");
        names.push_back(name.get<std::string>());
    }
    return names;
}

std::vector<int> hiddenUnits(const json &config, const std::string &where)
{
    const auto it = config.find("hidden_units");
    if (it == config.end() || !it->is_array())
        throw InputFileError(where + ": hidden_units is missing or not a list");
    std::vector<int> units;
    for (const json &u : *it) {
        if (!u.is_number_integer() || u.get<long long>() < 1 || u.get<long long>() > (1 << 24))
            throw InputFileError(
                where + ": hidden_units holds " + u.dump() + ", not a positive number of units");
        units.push_back(u.get<int>());
    }
    return units;
}

} // namespace

FunctionalTranslation baseFeedForwardAsFunctional(
    const json &config, const std::string &origin, const std::string &source)
{
    const std::string where = source + ": model " + origin;
    if (!config.is_object())
        throw InputFileError(where + ": the config is not an object");
    if (const auto p = config.find("preprocessing_model"); p != config.end() && !p->is_null())
        throw UnsupportedModelError(where
            + ": a preprocessing_model (KDP) is built by Python code the file does not hold; "
              "save the model without it, or save the preprocessing as a functional model");
    const std::vector<std::string> features = featureNames(config, where);
    const std::vector<int> hidden = hiddenUnits(config, where);
    const int outputUnits = config.value("output_units", 1);
    if (outputUnits < 1)
        throw InputFileError(where + ": output_units is " + std::to_string(outputUnits));
    const double dropout = config.value("dropout_rate", 0.0);
    const json activation = config.contains("activation") ? config["activation"] : json("relu");

    FunctionalTranslation out;
    out.origin = origin;
    json layers = json::array();
    json inputLayers = json::array();
    json concatArgs = json::array();
    for (const std::string &name : features) {
        layers.push_back(layerEntry("InputLayer", name,
            {{"batch_shape", json::array({nullptr, 1})}, {"dtype", "float32"}}, nullptr));
        inputLayers.push_back(json::array({name, 0, 0}));
        concatArgs.push_back(kerasTensor(name, 1));
    }
    const int width = static_cast<int>(features.size());
    layers.push_back(layerEntry("Concatenate", "concatenate", {{"axis", 1}}, concatArgs));
    std::string previous = "concatenate";
    int previousWidth = width;
    for (std::size_t i = 0; i < hidden.size(); ++i) {
        const std::string name = "hidden_" + std::to_string(i + 1);
        layers.push_back(layerEntry("Dense", name,
            {{"units", hidden[i]}, {"activation", activation}, {"use_bias", true}},
            kerasTensor(previous, previousWidth)));
        out.weightGroups[name]
            = "hidden_layers/dense" + (i == 0 ? std::string() : "_" + std::to_string(i));
        previous = name;
        previousWidth = hidden[i];
        if (dropout > 0) {
            const std::string drop = i == 0 ? "dropout" : "dropout_" + std::to_string(i);
            layers.push_back(layerEntry(
                "Dropout", drop, {{"rate", dropout}}, kerasTensor(previous, previousWidth)));
            previous = drop;
        }
    }
    layers.push_back(layerEntry("Dense", "output",
        {{"units", outputUnits}, {"activation", "linear"}, {"use_bias", true}},
        kerasTensor(previous, previousWidth)));
    // Keras 3 saves the output layer in the model's `layers` list, named by a per-class
    // counter that also counts the hidden Dense layers before it.
    out.weightGroups["output"] = hidden.empty() ? std::string("layers/dense")
                                                : "layers/dense_" + std::to_string(hidden.size());
    out.functional = {{"class_name", "Functional"},
        {"config",
            {{"name", config.value("name", std::string("base_feed_forward_model"))},
                {"layers", layers}, {"input_layers", inputLayers},
                {"output_layers", json::array({json::array({"output", 0, 0})})}}}};
    return out;
}

} // namespace attnlens
