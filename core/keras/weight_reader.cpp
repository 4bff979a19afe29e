#include "core/keras/weight_reader.h"

#include <algorithm>
#include <regex>

#include "core/errors.h"
#include "core/layers/registry.h"

namespace attnlens {

namespace {

/// Keras's order of attribute names when it walks an object: sorted, private names last.
bool kerasAttributeLess(const std::string &a, const std::string &b)
{
    const bool pa = !a.empty() && a.front() == '_';
    const bool pb = !b.empty() && b.front() == '_';
    if (pa != pb)
        return !pa;
    return a < b;
}

bool isNumber(const std::string &s)
{
    return !s.empty()
        && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

std::string kerasSnakeCase(const std::string &className)
{
    static const std::regex nonWord("[^A-Za-z0-9_]+");
    static const std::regex upperWord("(.)([A-Z][a-z]+)");
    static const std::regex lowerUpper("([a-z])([A-Z])");
    std::string name = std::regex_replace(className, nonWord, "");
    name = std::regex_replace(name, upperWord, "$1_$2");
    name = std::regex_replace(name, lowerUpper, "$1_$2");
    std::transform(name.begin(), name.end(), name.begin(),
        [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name;
}

WeightReader::WeightReader(const Hdf5File &file, Layout layout, std::string legacyRoot)
    : m_file(file)
    , m_layout(layout)
    , m_legacyRoot(std::move(legacyRoot))
{
}

std::string WeightReader::childPath(const std::string &parent, const std::string &child) const
{
    const std::string slash = parent.empty() ? child : parent + "/" + child;
    if (m_file.exists(slash))
        return slash;
    // tf-keras on Windows joined paths with backslashes: "layers\\mha\\_query_dense" is one
    // link name at the root.
    if (parent.find('/') == std::string::npos && parent.find('\\') != std::string::npos) {
        const std::string back = parent + "\\" + child;
        if (m_file.exists(back))
            return back;
    }
    return {};
}

void WeightReader::bind(const ModelSpec &model)
{
    if (m_layout != Layout::Keras3) {
        for (const LayerSpec &layer : model.layers)
            if (layer.nested)
                bindLegacyNested(layer);
        return;
    }
    // Top-level layer groups and their keys.
    std::vector<std::pair<std::string, std::string>> groups; // key, path
    for (const char *root : {"layers", "_layer_checkpoint_dependencies"})
        for (const std::string &child : m_file.children(root))
            groups.emplace_back(child, std::string(root) + "/" + child);
    for (const std::string &child : m_file.children("")) {
        const std::string prefix = "layers\\";
        if (child.rfind(prefix, 0) == 0 && child.find('\\', prefix.size()) == std::string::npos)
            groups.emplace_back(child.substr(prefix.size()), child);
    }
    bindKeras3(model, {}, groups, 0);
}

void WeightReader::bindKeras3(const ModelSpec &model, const std::string &prefix,
    const std::vector<std::pair<std::string, std::string>> &groups, int depth)
{
    if (depth > 16)
        throw InputFileError(
            ErrorWhere::ofFile(m_file.displayName()) + ": nested models nest too deeply");
    std::map<std::string, std::string> byKey;
    std::map<std::string, std::string> byName; // vars@name (Keras >= 3.6) -> group
    for (const auto &[key, path] : groups) {
        byKey.emplace(key, path);
        const std::string vars = childPath(path, "vars");
        if (!vars.empty())
            if (const auto name = m_file.string(vars, "name"); name && !name->empty())
                byName.emplace(*name, path);
    }
    // Files older than Keras 3.6 have no vars@name: recompute Keras's keys.
    std::map<std::string, int> seen;
    std::map<std::string, std::string> groupOf;
    for (const LayerSpec &layer : model.layers) {
        if (layer.isInput && !model.inputLayersInModelLayers)
            continue;
        if (!layer.weightGroup.empty()) {
            if (m_file.isGroup(layer.weightGroup))
                groupOf.emplace(layer.name, layer.weightGroup);
            continue;
        }
        // Keras 2 configs call a Functional model "Model"; its class is Functional.
        const std::string base = kerasSnakeCase(
            layer.className == "Model" ? "Functional" : savedClassName(layer.className));
        const int count = seen[base]++;
        const std::string key = count == 0 ? base : base + "_" + std::to_string(count);
        if (const auto it = byName.find(layer.name); it != byName.end())
            groupOf.emplace(layer.name, it->second);
        else if (const auto k = byKey.find(key); k != byKey.end())
            groupOf.emplace(layer.name, k->second);
    }
    for (const LayerSpec &layer : model.layers) {
        const auto it = groupOf.find(layer.name);
        if (it == groupOf.end())
            continue;
        m_groupOfLayer.emplace(prefix + layer.name, it->second);
        if (!layer.nested)
            continue;
        std::vector<std::pair<std::string, std::string>> inner;
        const std::string layers = childPath(it->second, "layers");
        if (!layers.empty())
            for (const std::string &child : m_file.children(layers))
                inner.emplace_back(child, layers + "/" + child);
        bindKeras3(*layer.nested, prefix + layer.name + "/", inner, depth + 1);
    }
}

namespace {

/// Every non-input layer inside `model`, depth first: (name relative to the outermost nested
/// model, own name).
void collectLeaves(const ModelSpec &model, const std::string &prefix,
    std::vector<std::pair<std::string, std::string>> &leaves, int depth)
{
    if (depth > 16)
        return;
    for (const LayerSpec &layer : model.layers) {
        if (layer.isInput)
            continue;
        if (layer.nested)
            collectLeaves(*layer.nested, prefix + layer.name + "/", leaves, depth + 1);
        else
            leaves.emplace_back(prefix + layer.name, layer.name);
    }
}

std::vector<std::string> splitPath(const std::string &name)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= name.size()) {
        const std::size_t end = name.find('/', start);
        parts.push_back(name.substr(start, end == std::string::npos ? end : end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return parts;
}

} // namespace

void WeightReader::bindLegacyNested(const LayerSpec &layer)
{
    const std::string group = m_legacyRoot.empty() ? layer.name : m_legacyRoot + "/" + layer.name;
    std::vector<std::pair<std::string, std::string>> leaves;
    collectLeaves(*layer.nested, {}, leaves, 0);
    for (const auto &[qualified, own] : leaves)
        m_legacyNested[layer.name + "/" + qualified] = {group, {}};
    if (!m_file.isGroup(group))
        return;
    const auto weightNames = m_file.stringList(group, "weight_names");
    if (!weightNames)
        return;
    for (const std::string &name : *weightNames) {
        // The first path component that names an inner layer; when several inner layers
        // share that name, the one whose enclosing model names also appear before it.
        const std::vector<std::string> parts = splitPath(name);
        const std::pair<std::string, std::string> *owner = nullptr;
        for (std::size_t p = 0; p < parts.size() && owner == nullptr; ++p) {
            for (const auto &leaf : leaves) {
                if (leaf.second != parts[p])
                    continue;
                const std::vector<std::string> path = splitPath(leaf.first);
                bool enclosing = true;
                for (std::size_t k = 0; k + 1 < path.size(); ++k)
                    enclosing = enclosing
                        && std::find(parts.begin(), parts.begin() + static_cast<long>(p), path[k])
                            != parts.begin() + static_cast<long>(p);
                if (owner == nullptr || enclosing)
                    owner = &leaf;
                if (enclosing)
                    break;
            }
        }
        if (owner == nullptr)
            throw InputFileError(ErrorWhere::ofFile(m_file.displayName()) + ": " + group
                + ": weight '" + name + "' of nested model '" + layer.name
                + "' names none of its layers; the weights and the architecture do not belong "
                  "to the same model");
        m_legacyNested[layer.name + "/" + owner->first].second.push_back(name);
    }
}

void WeightReader::collectKeras3(const std::string &path, const std::string &className,
    const nlohmann::json &config, std::vector<Tensor> &weights, std::vector<std::string> &names,
    int depth) const
{
    if (depth > 16)
        throw InputFileError(
            ErrorWhere::ofFile(m_file.displayName()) + ": " + path + ": sublayers nest too deeply");
    const std::string vars = childPath(path, "vars");
    if (!vars.empty()) {
        std::vector<std::string> indices;
        for (const std::string &child : m_file.children(vars))
            if (isNumber(child))
                indices.push_back(child);
        std::sort(indices.begin(), indices.end(), [](const std::string &a, const std::string &b) {
            return std::stoll(a) < std::stoll(b);
        });
        for (const std::string &index : indices) {
            weights.push_back(m_file.readTensor(vars + "/" + index));
            names.push_back(path + "/vars/" + index);
        }
    }
    // Composite classes nest their sublayers in the order the registry gives.
    if (const std::vector<Sublayer> *sublayers = sublayersOf(className)) {
        for (const Sublayer &child : *sublayers) {
            if (child.list) {
                collectList(path, child, weights, names, depth);
                continue;
            }
            for (const std::string &name : child.attributes) {
                const std::string sub = childPath(path, name);
                if (sub.empty())
                    continue;
                std::string subClass = child.className;
                nlohmann::json subConfig = nlohmann::json::object();
                if (!child.configKey.empty()) {
                    const nlohmann::json *wrapped = nullptr;
                    if (config.contains(child.configKey) && config[child.configKey].is_object())
                        wrapped = &config[child.configKey];
                    else if (config.contains("layer") && config["layer"].is_object())
                        wrapped = &config["layer"];
                    if (wrapped != nullptr) {
                        subClass = stripPackage(wrapped->value("class_name", std::string()));
                        subConfig = wrapped->value("config", nlohmann::json::object());
                    }
                }
                collectKeras3(sub, subClass, subConfig, weights, names, depth + 1);
                break;
            }
        }
        return;
    }
    // Unknown composite: Keras's own walk order.
    std::vector<std::string> children;
    for (const std::string &child : m_file.children(path))
        if (child != "vars" && m_file.isGroup(path + "/" + child))
            children.push_back(child);
    std::sort(children.begin(), children.end(), kerasAttributeLess);
    for (const std::string &child : children)
        collectKeras3(path + "/" + child, {}, nlohmann::json::object(), weights, names, depth + 1);
}

void WeightReader::collectList(const std::string &path, const Sublayer &list,
    std::vector<Tensor> &weights, std::vector<std::string> &names, int depth) const
{
    for (const std::string &attribute : list.attributes) {
        const std::string group = childPath(path, attribute);
        if (group.empty())
            continue;
        // Keras 3 names list entries by class and a counter per list: dense, dense_1, ...
        const std::string base = kerasSnakeCase(list.className);
        for (int k = 0;; ++k) {
            const std::string entry
                = childPath(group, k == 0 ? base : base + "_" + std::to_string(k));
            if (entry.empty())
                break;
            collectKeras3(
                entry, list.className, nlohmann::json::object(), weights, names, depth + 1);
        }
        return;
    }
}

void WeightReader::collectAll(const std::string &path, const std::string &relative,
    std::map<std::string, Tensor> &variables, int depth) const
{
    if (depth > 16)
        throw InputFileError(
            ErrorWhere::ofFile(m_file.displayName()) + ": " + path + ": groups nest too deeply");
    for (const std::string &child : m_file.children(path)) {
        const std::string full = path + "/" + child;
        const std::string rel = relative.empty() ? child : relative + "/" + child;
        if (m_file.isGroup(full))
            collectAll(full, rel, variables, depth + 1);
        else if (m_file.isDataset(full))
            variables.emplace(rel, m_file.readTensor(full));
    }
}

bool WeightReader::readAll(const LayerSpec &layer, std::map<std::string, Tensor> &variables) const
{
    const auto it = m_groupOfLayer.find(layer.name);
    if (it == m_groupOfLayer.end())
        return false;
    collectAll(it->second, {}, variables, 0);
    return true;
}

bool WeightReader::read(
    const LayerSpec &layer, std::vector<Tensor> &weights, std::vector<std::string> &names) const
{
    if (m_layout == Layout::Legacy) {
        if (const auto nested = m_legacyNested.find(layer.name); nested != m_legacyNested.end()) {
            for (const std::string &name : nested->second.second) {
                weights.push_back(m_file.readTensor(nested->second.first + "/" + name));
                names.push_back(name);
            }
            return true;
        }
        const std::string group
            = m_legacyRoot.empty() ? layer.name : m_legacyRoot + "/" + layer.name;
        if (!m_file.isGroup(group))
            return false;
        const auto weightNames = m_file.stringList(group, "weight_names");
        if (!weightNames)
            return false;
        for (const std::string &name : *weightNames) {
            weights.push_back(m_file.readTensor(group + "/" + name));
            names.push_back(name);
        }
        return true;
    }
    const auto it = m_groupOfLayer.find(layer.name);
    if (it == m_groupOfLayer.end())
        return false;
    collectKeras3(it->second, layer.className, layer.config, weights, names, 0);
    return true;
}

std::string WeightReader::groupOf(const LayerSpec &layer) const
{
    const auto it = m_groupOfLayer.find(layer.name);
    return it == m_groupOfLayer.end() ? std::string() : it->second;
}

} // namespace attnlens
