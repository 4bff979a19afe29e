#include "core/keras/keras_config.h"

#include <algorithm>
#include <map>

#include "core/errors.h"
#include "core/keras/subclassed_models.h"

namespace attnlens {

namespace {

using nlohmann::json;

std::string jsonString(const json &j, const std::string &key)
{
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string())
        return {};
    return it->get<std::string>();
}

bool isKerasTensor(const json &j)
{
    return j.is_object() && jsonString(j, "class_name") == "__keras_tensor__";
}

/// Keras 2 serialises a tensor inside kwargs as [layer_name, node_index, tensor_index].
bool isKeras2Triple(const json &j)
{
    return j.is_array() && (j.size() == 3 || j.size() == 4) && j[0].is_string()
        && j[1].is_number_integer() && j[2].is_number_integer();
}

TensorRef tripleToRef(const json &j, const std::string &source)
{
    if (!j.is_array() || j.size() < 3 || !j[0].is_string() || !j[1].is_number_integer()
        || !j[2].is_number_integer())
        throw InputFileError(
            source + ": a tensor reference is not [layer, node, tensor]: " + j.dump());
    return TensorRef {j[0].get<std::string>(), j[1].get<int>(), j[2].get<int>()};
}

TensorRef kerasTensorRef(const json &j, const std::string &source)
{
    const auto config = j.find("config");
    if (config == j.end() || !config->contains("keras_history"))
        throw InputFileError(source + ": a __keras_tensor__ has no keras_history: " + j.dump());
    return tripleToRef((*config)["keras_history"], source);
}

/// A Keras 3 call argument.
CallArgument parseKeras3Value(const json &j, const std::string &source)
{
    CallArgument arg;
    if (isKerasTensor(j)) {
        arg.tensors.push_back(kerasTensorRef(j, source));
    } else if (j.is_array() && !j.empty()
        && std::all_of(j.begin(), j.end(), [](const json &e) { return isKerasTensor(e); })) {
        arg.isList = true;
        for (const json &e : j)
            arg.tensors.push_back(kerasTensorRef(e, source));
    } else {
        arg.constant = j;
    }
    return arg;
}

/// A Keras 2 keyword argument: a triple is a tensor, a list of triples a list of tensors.
CallArgument parseKeras2Value(const json &j, const std::string &source)
{
    CallArgument arg;
    if (isKeras2Triple(j)) {
        arg.tensors.push_back(tripleToRef(j, source));
    } else if (j.is_array() && !j.empty()
        && std::all_of(j.begin(), j.end(), [](const json &e) { return isKeras2Triple(e); })) {
        arg.isList = true;
        for (const json &e : j)
            arg.tensors.push_back(tripleToRef(e, source));
    } else {
        arg.constant = j;
    }
    return arg;
}

NodeSpec parseNode(const json &node, const std::string &source)
{
    NodeSpec spec;
    if (node.is_object()) { // Keras 3: {"args": [...], "kwargs": {...}}
        if (const auto args = node.find("args"); args != node.end() && args->is_array())
            for (const json &a : *args)
                spec.positional.push_back(parseKeras3Value(a, source));
        if (const auto kwargs = node.find("kwargs"); kwargs != node.end() && kwargs->is_object())
            for (const auto &[key, value] : kwargs->items())
                spec.keyword.emplace_back(key, parseKeras3Value(value, source));
        return spec;
    }
    if (!node.is_array() || node.empty())
        throw InputFileError(source
            + ": an inbound node is neither a list nor an object: " + node.dump().substr(0, 200));
    // Keras 2: a list of [layer, node, tensor, kwargs] over the first argument's tensors;
    // TFOpLambda keeps one flat [layer, node, tensor, kwargs].
    std::vector<json> entries;
    if (node[0].is_string())
        entries.push_back(node);
    else
        entries.assign(node.begin(), node.end());
    CallArgument first;
    first.isList = entries.size() > 1;
    json kwargs = json::object();
    for (const json &entry : entries) {
        first.tensors.push_back(tripleToRef(entry, source));
        if (entry.size() >= 4 && entry[3].is_object() && kwargs.empty())
            kwargs = entry[3];
    }
    spec.positional.push_back(first);
    for (const auto &[key, value] : kwargs.items())
        spec.keyword.emplace_back(key, parseKeras2Value(value, source));
    return spec;
}

std::vector<TensorRef> parseEndpoints(
    const json &j, const std::string &what, const std::string &source)
{
    std::vector<TensorRef> refs;
    if (!j.is_array() || j.empty())
        throw InputFileError(source + ": the model config has no " + what);
    if (j[0].is_string()) { // Keras 3 flat form for a single tensor
        refs.push_back(tripleToRef(j, source));
        return refs;
    }
    for (const json &e : j)
        refs.push_back(tripleToRef(e, source));
    return refs;
}

Shape parseShape(const json &j)
{
    Shape shape;
    for (const json &d : j)
        shape.push_back(d.is_number_integer() ? d.get<std::int64_t>() : -1);
    return shape;
}

std::string dtypeName(const json &config)
{
    const auto it = config.find("dtype");
    if (it == config.end())
        return "float32";
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_object() && it->contains("config") && (*it)["config"].is_object())
        return jsonString((*it)["config"], "name");
    return "float32";
}

/// batch_shape (Keras 3) or batch_input_shape (Keras 2), or nullopt.
std::optional<Shape> batchShapeOf(const json &config)
{
    for (const char *key : {"batch_shape", "batch_input_shape"})
        if (const auto it = config.find(key); it != config.end() && it->is_array())
            return parseShape(*it);
    if (const auto it = config.find("input_shape"); it != config.end() && it->is_array()) {
        Shape shape {-1};
        const Shape rest = parseShape(*it);
        shape.insert(shape.end(), rest.begin(), rest.end());
        return shape;
    }
    return std::nullopt;
}

bool isModelClass(const std::string &className)
{
    return className == "Functional" || className == "Sequential" || className == "Model";
}

constexpr int kMaxNesting = 16;

ModelSpec parseModel(const json &root, const std::string &source, int depth);

/// The node index under which the outer config refers to the first call of a nested model:
/// Keras keeps a Functional model's own first node (inputs -> outputs) out of the outer config
/// and counts it (Keras 3 functional.py get_config `kept_nodes = 1` for Functional
/// operations, functional_from_config `node_index -= 1`; tf-keras functional.py
/// `_should_skip_first_node`: Functional, or a Sequential whose first layer is an InputLayer).
int defaultNestedOffset(const LayerSpec &layer, const json &entry)
{
    if (layer.className != "Sequential")
        return 1;
    bool keras3 = entry.contains("module");
    if (const auto nodes = entry.find("inbound_nodes");
        nodes != entry.end() && nodes->is_array() && !nodes->empty())
        keras3 = keras3 || (*nodes)[0].is_object();
    if (keras3)
        return 0; // Keras 3 Sequential is not a Functional subclass
    const json &layers = layer.config.contains("layers") ? layer.config["layers"] : json();
    if (!layers.is_array() || layers.empty() || !layers[0].is_object())
        return 0;
    const json &first = layers[0];
    if (stripPackage(jsonString(first, "class_name")) == "InputLayer")
        return 1;
    return first.contains("config") && first["config"].is_object()
            && first["config"].contains("batch_input_shape")
        ? 1
        : 0;
}

LayerSpec parseLayer(const json &entry, const std::string &source, int depth)
{
    if (!entry.is_object())
        throw InputFileError(source + ": a layer entry is not an object");
    LayerSpec layer;
    const std::string rawClass = jsonString(entry, "class_name");
    if (rawClass.empty())
        throw InputFileError(source + ": a layer entry has no class_name");
    layer.className = stripPackage(rawClass);
    layer.registeredName = jsonString(entry, "registered_name");
    if (layer.registeredName.empty() && rawClass.find('>') != std::string::npos)
        layer.registeredName = rawClass;
    layer.module = jsonString(entry, "module");
    layer.config = entry.contains("config") ? entry["config"] : json::object();
    if (!layer.config.is_object())
        throw InputFileError(source + ": layer of class " + rawClass + " has no config object");
    layer.name = jsonString(entry, "name");
    if (layer.name.empty())
        layer.name = jsonString(layer.config, "name");
    if (layer.name.empty())
        throw InputFileError(source + ": a layer of class " + rawClass + " has no name");
    if (isModelClass(layer.className)) {
        if (depth >= kMaxNesting)
            throw InputFileError(source + ": layer '" + layer.name + "': models nest more than "
                + std::to_string(kMaxNesting) + " levels deep");
        const json root = {{"class_name", rawClass}, {"config", layer.config}};
        layer.nested = std::make_shared<const ModelSpec>(
            parseModel(root, source + ": nested model '" + layer.name + "'", depth + 1));
        layer.className = layer.nested->className;
        layer.nestedNodeOffset = defaultNestedOffset(layer, entry);
    }
    layer.isInput = layer.className == "InputLayer";
    if (layer.isInput) {
        const auto shape = batchShapeOf(layer.config);
        if (!shape)
            throw InputFileError(source + ": input layer '" + layer.name + "' has no batch_shape");
        layer.inputShape = *shape;
        layer.dtype = dtypeName(layer.config);
    }
    if (const auto nodes = entry.find("inbound_nodes"); nodes != entry.end() && nodes->is_array())
        for (const json &node : *nodes)
            layer.nodes.push_back(parseNode(node, source + ": layer '" + layer.name + "'"));
    return layer;
}

/// Picks the node offset of each nested model so that every reference to it names one of its
/// calls; keeps the default when both fit.
void checkNestedOffsets(ModelSpec &model)
{
    std::map<std::string, std::pair<int, int>> range; // nested layer -> min, max node read
    auto note = [&](const TensorRef &ref) {
        auto [it, added] = range.emplace(ref.layer, std::make_pair(ref.node, ref.node));
        if (!added) {
            it->second.first = std::min(it->second.first, ref.node);
            it->second.second = std::max(it->second.second, ref.node);
        }
    };
    for (const LayerSpec &layer : model.layers)
        for (const NodeSpec &node : layer.nodes) {
            for (const CallArgument &arg : node.positional)
                for (const TensorRef &ref : arg.tensors)
                    note(ref);
            for (const auto &[name, arg] : node.keyword)
                for (const TensorRef &ref : arg.tensors)
                    note(ref);
        }
    for (const TensorRef &ref : model.outputs)
        note(ref);
    for (LayerSpec &layer : model.layers) {
        if (!layer.nested)
            continue;
        const auto it = range.find(layer.name);
        if (it == range.end())
            continue;
        const int calls = static_cast<int>(layer.nodes.size());
        auto fits = [&](int offset) {
            return it->second.first >= offset && it->second.second < offset + calls;
        };
        if (!fits(layer.nestedNodeOffset) && fits(1 - layer.nestedNodeOffset))
            layer.nestedNodeOffset = 1 - layer.nestedNodeOffset;
    }
}

ModelSpec parseSequential(const json &config, const std::string &source, int depth)
{
    ModelSpec model;
    model.className = "Sequential";
    model.inputLayersInModelLayers = false;
    const json *layers = &config;
    if (config.is_object()) {
        model.name = jsonString(config, "name");
        layers = config.contains("layers") ? &config["layers"] : nullptr;
    }
    if (layers == nullptr || !layers->is_array() || layers->empty())
        throw InputFileError(source + ": the Sequential model has no layers");
    std::vector<LayerSpec> parsed;
    for (const json &entry : *layers)
        parsed.push_back(parseLayer(entry, source, depth));
    if (!parsed.front().isInput) {
        std::optional<Shape> shape = batchShapeOf(parsed.front().config);
        if (!shape && parsed.front().nested) {
            // A model as the first layer: its own first input says the shape.
            for (const LayerSpec &inner : parsed.front().nested->layers)
                if (inner.isInput) {
                    shape = inner.inputShape;
                    break;
                }
        }
        if (!shape && config.is_object() && config.contains("build_input_shape")
            && config["build_input_shape"].is_array())
            shape = parseShape(config["build_input_shape"]);
        if (!shape)
            throw InputFileError(source
                + ": the Sequential model does not say its input shape "
                  "(no InputLayer, batch_shape or build_input_shape)");
        LayerSpec input;
        input.name = parsed.front().name + "_input";
        input.className = "InputLayer";
        input.isInput = true;
        input.inputShape = *shape;
        input.dtype = dtypeName(parsed.front().config);
        input.config = {{"name", input.name}};
        parsed.insert(parsed.begin(), input);
    }
    for (std::size_t i = 0; i < parsed.size(); ++i) {
        LayerSpec &layer = parsed[i];
        layer.nodes.clear();
        if (i > 0) {
            CallArgument arg;
            arg.tensors.push_back(TensorRef {parsed[i - 1].name, 0, 0});
            NodeSpec node;
            node.positional.push_back(arg);
            layer.nodes.push_back(node);
        } else if (!layer.isInput) {
            throw InputFileError(source + ": the Sequential model must start with an input");
        }
        if (i > 0 && layer.isInput)
            throw InputFileError(
                source + ": the Sequential model has a second InputLayer '" + layer.name + "'");
        layer.nestedNodeOffset = 0; // the chain above names call 0 as node 0
    }
    model.inputs.push_back(TensorRef {parsed.front().name, 0, 0});
    model.outputs.push_back(TensorRef {parsed.back().name, 0, 0});
    model.layers = std::move(parsed);
    return model;
}

} // namespace

std::string stripPackage(const std::string &name)
{
    const auto pos = name.rfind('>');
    return pos == std::string::npos ? name : name.substr(pos + 1);
}

nlohmann::json parseJsonText(const std::string &text, const std::string &source)
{
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error &e) {
        std::size_t line = 1;
        std::size_t column = 1;
        const std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
        for (std::size_t i = 0; i < end; ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        throw InputFileError(source + ":" + std::to_string(line) + ":" + std::to_string(column)
            + ": not valid JSON (" + e.what()
            + "); pass the architecture written by model.to_json()");
    } catch (const nlohmann::json::exception &e) {
        // Valid JSON syntax that nlohmann refuses, a number beyond a double's range ("1e309",
        // out_of_range 406), escaped the parse_error handler and terminated the process
        // (found by fuzz_arch_json).
        throw InputFileError(source + ": not readable JSON (" + e.what()
            + "); pass the architecture written by model.to_json()");
    }
}

ModelSpec parseModelConfig(const nlohmann::json &root, const std::string &source)
{
    return parseModel(root, source, 0);
}

namespace {

ModelSpec parseSubclassed(
    const FunctionalTranslation &translated, const std::string &source, int depth)
{
    ModelSpec model = parseModel(translated.functional, source, depth);
    model.subclassedFrom = translated.origin;
    for (LayerSpec &layer : model.layers)
        if (const auto it = translated.weightGroups.find(layer.name);
            it != translated.weightGroups.end())
            layer.weightGroup = it->second;
    return model;
}

ModelSpec parseModel(const json &root, const std::string &source, int depth)
{
    if (!root.is_object() || !root.contains("class_name") || !root.contains("config"))
        throw InputFileError(source
            + ": not a Keras model config (expected an object with class_name and config, as "
              "written by model.to_json())");
    const std::string className = stripPackage(jsonString(root, "class_name"));
    const json &config = root["config"];
    if (auto translated = translateSubclassedModel(root, source))
        return parseSubclassed(*translated, source, depth);
    try {
        if (className == "Sequential")
            return parseSequential(config, source, depth);
        if (className != "Functional" && className != "Model")
            throw UnsupportedModelError(source + ": the model is a subclassed model of class '"
                + className
                + "'; only Functional and Sequential models can be rebuilt without Python");
        ModelSpec model;
        model.className = "Functional";
        model.name = jsonString(config, "name");
        if (!config.contains("layers") || !config["layers"].is_array())
            throw InputFileError(source + ": the model config has no layers list");
        for (const json &entry : config["layers"])
            model.layers.push_back(parseLayer(entry, source, depth));
        model.inputs
            = parseEndpoints(config.contains("input_layers") ? config["input_layers"] : json(),
                "input_layers", source);
        model.outputs
            = parseEndpoints(config.contains("output_layers") ? config["output_layers"] : json(),
                "output_layers", source);
        checkNestedOffsets(model);
        return model;
    } catch (const nlohmann::json::exception &e) {
        throw InputFileError(source + ": malformed model config (" + e.what() + ")");
    }
}

} // namespace

} // namespace attnlens
