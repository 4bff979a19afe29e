#include "core/keras/recipe_builder.h"

#include <algorithm>
#include <set>

#include "core/errors.h"
#include "core/layers/call_options_binder.h"
#include "core/layers/layer_util.h"
#include "core/layers/recipe_layer.h"
#include "core/layers/registry.h"

namespace attnlens {

namespace {

using nlohmann::json;

/// The key of a whole-string reference "${key}", or "".
std::string referenceKey(const json &v)
{
    if (!v.is_string())
        return {};
    const std::string &s = v.get_ref<const std::string &>();
    if (s.size() > 3 && s.rfind("${", 0) == 0 && s.back() == '}')
        return s.substr(2, s.size() - 3);
    return {};
}

json substitute(const json &v, const json &config)
{
    if (const std::string key = referenceKey(v); !key.empty())
        return config.at(key); // the parser and the matcher checked the key exists
    if (v.is_object()) {
        json out = json::object();
        for (const auto &[key, value] : v.items())
            out[key] = substitute(value, config);
        return out;
    }
    if (v.is_array()) {
        json out = json::array();
        for (const json &value : v)
            out.push_back(substitute(value, config));
        return out;
    }
    return v;
}

std::string shapeText(const json &shape)
{
    std::string out = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        out += i == 0 ? "" : ", ";
        out += shape[i].is_string() ? referenceKey(shape[i]) : shape[i].dump();
    }
    return out + (shape.size() == 1 ? ",)" : ")");
}

/// Builds one RecipeLayer; one instance per layer.
class RecipeLayerBuilder
{
public:
    RecipeLayerBuilder(const Recipe &recipe, const LayerConfig &outer)
        : m_recipe(recipe)
        , m_outer(outer)
        , m_where(layerWhere(outer))
    {
    }

    std::unique_ptr<Layer> build(const FileWeights &file)
    {
        std::vector<std::vector<Tensor>> weights = pickWeights(file);
        RecipeLayer::Plan plan;
        plan.recipe = m_recipe.label();
        for (const Recipe::Input &input : m_recipe.inputs) {
            RecipeLayer::Input in;
            in.name = input.name;
            if (!input.implicitMaskOf.empty())
                in.implicitMaskOf = slotOf(input.implicitMaskOf);
            m_slots[input.name] = static_cast<int>(plan.inputs.size());
            plan.inputs.push_back(in);
        }
        for (std::size_t s = 0; s < m_recipe.sublayers.size(); ++s)
            m_layers.push_back(buildSublayer(m_recipe.sublayers[s], std::move(weights[s])));
        for (std::size_t i = 0; i < m_recipe.steps.size(); ++i)
            plan.steps.push_back(buildStep(m_recipe.steps[i], i, plan));
        for (const Recipe::Output &output : m_recipe.outputs) {
            RecipeLayer::Output out;
            out.value = slotOf(output.value);
            if (!output.mask.empty())
                out.mask = refOf(output.mask);
            plan.outputs.push_back(out);
        }
        plan.valueCount = static_cast<int>(m_slots.size());
        plan.positions = positionRule();
        return std::make_unique<RecipeLayer>(m_outer.name, std::move(m_layers), std::move(plan));
    }

private:
    [[noreturn]] void refuse(const std::string &detail) const
    {
        throw UnsupportedModelError(m_where + " does not match the " + m_recipe.label() + ": "
            + detail
            + ". The file's class is not the one the recipe describes; write a recipe for it "
              "(docs/recipes.md) and pass it with --recipe");
    }

    [[noreturn]] void recipeError(const std::string &pointer, const std::string &detail) const
    {
        throw InputFileError(detail, m_recipe.where(pointer));
    }

    /// The shape `weight` must have, from the layer's config.
    Shape expectedShape(const Recipe::Weight &weight) const
    {
        Shape shape;
        for (std::size_t d = 0; d < weight.shape.size(); ++d) {
            const json &dim = weight.shape[d];
            if (dim.is_number_integer()) {
                shape.push_back(dim.get<std::int64_t>());
                continue;
            }
            const json &value = m_outer.config.at(referenceKey(dim));
            if (!value.is_number_integer() || value.get<std::int64_t>() < 0)
                refuse("the weight '" + weight.path + "' has the dimension " + dim.dump()
                    + ", which is " + value.dump() + " in the config, not a size");
            shape.push_back(value.get<std::int64_t>());
        }
        return shape;
    }

    /// The file's weights for each sublayer, in the recipe's order, every shape checked.
    std::vector<std::vector<Tensor>> pickWeights(const FileWeights &file) const
    {
        std::vector<const Recipe::Weight *> listed;
        for (const Recipe::Sublayer &sub : m_recipe.sublayers)
            for (const Recipe::Weight &w : sub.weights)
                listed.push_back(&w);
        std::vector<Tensor> found(listed.size());
        std::vector<std::string> where(listed.size());
        if (file.byPath) {
            std::set<std::string> used;
            std::string missing;
            for (std::size_t i = 0; i < listed.size(); ++i) {
                const auto it = file.variables.find(listed[i]->path);
                if (it == file.variables.end()) {
                    missing += (missing.empty() ? "" : ", ") + listed[i]->path;
                    continue;
                }
                found[i] = it->second;
                where[i] = listed[i]->path;
                used.insert(it->first);
            }
            std::string extra;
            for (const auto &[path, tensor] : file.variables)
                if (used.count(path) == 0)
                    extra += (extra.empty() ? "" : ", ") + path;
            if (!missing.empty() || !extra.empty())
                refuse((missing.empty() ? "" : "the file has no weight " + missing)
                    + (missing.empty() || extra.empty() ? "" : "; ")
                    + (extra.empty() ? "" : "the recipe does not list the file's weight " + extra));
        } else {
            if (file.list.size() != listed.size())
                refuse("the file holds " + std::to_string(file.list.size())
                    + " weights for the layer, the recipe lists " + std::to_string(listed.size()));
            // Legacy order: every trainable weight in build order, then the non-trainable ones.
            std::size_t next = 0;
            for (const bool trainable : {true, false})
                for (std::size_t i = 0; i < listed.size(); ++i)
                    if (listed[i]->trainable == trainable) {
                        found[i] = file.list[next];
                        where[i] = next < file.names.size() ? file.names[next] : listed[i]->path;
                        ++next;
                    }
        }
        for (std::size_t i = 0; i < listed.size(); ++i) {
            const Shape expected = expectedShape(*listed[i]);
            if (found[i].shape() != expected)
                refuse("the weight '" + where[i] + "' has shape " + shapeToString(found[i].shape())
                    + ", the recipe's '" + listed[i]->path + "' is " + shapeText(listed[i]->shape)
                    + " = " + shapeToString(expected));
        }
        std::vector<std::vector<Tensor>> perSublayer;
        std::size_t k = 0;
        for (const Recipe::Sublayer &sub : m_recipe.sublayers) {
            perSublayer.emplace_back();
            for (std::size_t w = 0; w < sub.weights.size(); ++w)
                perSublayer.back().push_back(std::move(found[k++]));
        }
        return perSublayer;
    }

    LayerConfig innerConfig(const std::string &name, const std::string &className, json config,
        std::string module) const
    {
        LayerConfig c;
        c.name = m_outer.name + "/" + name;
        c.className = className;
        c.config = std::move(config);
        c.config["name"] = name;
        c.kerasVersion = m_outer.kerasVersion;
        c.file = m_outer.file;
        c.module = std::move(module);
        return c;
    }

    /// Builds a layer from the registry; its refusal is the recipe's fault, at `pointer`.
    std::unique_ptr<Layer> make(const LayerConfig &config, const std::string &pointer) const
    {
        try {
            return makeLayer(config);
        } catch (const Error &e) {
            recipeError(pointer,
                "the " + m_recipe.label() + " builds what the engine refuses for layer '"
                    + m_outer.name + "': " + e.what());
        }
    }

    std::unique_ptr<Layer> buildSublayer(const Recipe::Sublayer &sub, std::vector<Tensor> weights)
    {
        if (!isKnownLayerClass(sub.className))
            recipeError(sub.pointer + "/class_name",
                "the sublayer class '" + sub.className + "' is not one AttnLens runs");
        LayerConfig config = innerConfig(
            sub.name, sub.className, substitute(sub.config, m_outer.config), "keras.layers");
        config.weights = std::move(weights);
        m_sublayerIndex[sub.name] = static_cast<int>(m_layers.size());
        return make(config, sub.pointer);
    }

    int slotOf(const std::string &name) const { return m_slots.at(name); }

    RecipeLayer::Ref refOf(const std::string &ref) const
    {
        RecipeLayer::Ref r;
        std::string name = ref;
        if (name.size() > 5 && name.compare(name.size() - 5, 5, ".mask") == 0) {
            name.erase(name.size() - 5);
            r.mask = true;
        }
        r.value = slotOf(name);
        return r;
    }

    RecipeLayer::Step buildStep(
        const Recipe::Step &step, std::size_t index, RecipeLayer::Plan &plan)
    {
        RecipeLayer::Step out;
        if (step.kind == Recipe::Step::Kind::Positions) {
            out.positionsOf = slotOf(step.target);
            const json axis = substitute(step.config, m_outer.config).value("axis", json(-1));
            if (!axis.is_number_integer())
                recipeError(step.pointer + "/config", "a positions step's axis is an integer");
            out.positionsAxis = axis.get<int>();
        } else if (step.kind == Recipe::Step::Kind::Operation) {
            const LayerConfig config = innerConfig(step.target + "_" + std::to_string(index),
                step.target, substitute(step.config, m_outer.config), "keras.src.ops.numpy");
            out.layer = static_cast<int>(m_layers.size());
            m_layers.push_back(make(config, step.pointer + "/op"));
        } else {
            out.layer = m_sublayerIndex.at(step.target);
        }
        if (out.layer >= 0)
            bindArguments(step, out);
        for (const std::string &name : step.out) {
            const int slot = static_cast<int>(m_slots.size());
            m_slots[name] = slot;
            out.outputs.push_back(slot);
        }
        if (out.layer >= 0)
            addAttentionPart(step, out, plan);
        return out;
    }

    void bindArguments(const Recipe::Step &step, RecipeLayer::Step &out) const
    {
        const Layer &layer = *m_layers[static_cast<std::size_t>(out.layer)];
        const std::vector<std::string> signature = layer.callSignature();
        json constants = json::object();
        std::size_t position = 0;
        for (const Recipe::Argument &arg : step.args) {
            std::string parameter = arg.parameter;
            if (parameter.empty()) {
                if (position >= signature.size())
                    recipeError(arg.pointer,
                        "'" + step.target + "' takes " + std::to_string(signature.size())
                            + " positional arguments");
                parameter = signature[position++];
            }
            const bool isList
                = arg.value.is_array() && !arg.value.empty() && arg.value[0].is_string();
            if (!arg.value.is_string() && !isList) {
                constants[parameter] = substitute(arg.value, m_outer.config);
                continue;
            }
            if (std::find(signature.begin(), signature.end(), parameter) == signature.end())
                recipeError(arg.pointer,
                    "'" + step.target + "' has no parameter '" + parameter
                        + "' (it takes: " + joined(signature) + ")");
            RecipeLayer::Argument a;
            a.parameter = parameter;
            a.required = arg.parameter.empty();
            a.list = isList;
            if (isList)
                for (const json &ref : arg.value)
                    a.refs.push_back(refOf(ref.get<std::string>()));
            else
                a.refs.push_back(refOf(arg.value.get<std::string>()));
            out.args.push_back(std::move(a));
        }
        try {
            out.options = bindCallOptions(layer, constants);
        } catch (const Error &e) {
            recipeError(step.pointer, e.what());
        }
    }

    static std::string joined(const std::vector<std::string> &names)
    {
        std::string out;
        for (const std::string &n : names)
            out += (out.empty() ? "" : ", ") + n;
        return out;
    }

    /// An attention sublayer's step becomes an attention part named by its attribute ("att").
    void addAttentionPart(
        const Recipe::Step &step, RecipeLayer::Step &out, RecipeLayer::Plan &plan) const
    {
        const Layer &layer = *m_layers[static_cast<std::size_t>(out.layer)];
        if (layer.attention() == nullptr)
            return;
        std::string attribute = step.target;
        int earlier = 0;
        for (const AttentionPart &part : plan.parts)
            if (part.attribute == attribute || part.attribute.rfind(attribute + "@", 0) == 0)
                ++earlier;
        if (earlier > 0)
            attribute += "@" + std::to_string(earlier);
        const auto source = [&](std::initializer_list<const char *> parameters) {
            for (const char *parameter : parameters)
                for (const RecipeLayer::Argument &arg : out.args)
                    if (arg.parameter == parameter && !arg.refs.empty()
                        && arg.refs[0].value < static_cast<int>(plan.inputs.size()))
                        return PositionSource::positions(
                            plan.inputs[static_cast<std::size_t>(arg.refs[0].value)].name);
            return PositionSource::positions(plan.inputs.front().name);
        };
        out.part = static_cast<int>(plan.parts.size());
        plan.parts.push_back(
            {attribute, *layer.attention(), source({"query"}), source({"key", "value"})});
    }

    PositionRule positionRule() const
    {
        const std::string &first = m_recipe.inputs.front().name;
        if (m_recipe.positions == "positionwise")
            return PositionRule::positionwise(first);
        if (m_recipe.positions == "elementwise")
            return PositionRule::elementwise();
        if (m_recipe.positions == "tokens")
            return PositionRule::tokens();
        return PositionRule::none();
    }

    const Recipe &m_recipe;
    const LayerConfig &m_outer;
    ErrorWhere m_where;
    std::vector<std::unique_ptr<Layer>> m_layers;
    std::map<std::string, int> m_sublayerIndex;
    std::map<std::string, int> m_slots;
};

} // namespace

std::unique_ptr<Layer> buildRecipeLayer(
    const Recipe &recipe, const LayerConfig &outer, const FileWeights &weights)
{
    return RecipeLayerBuilder(recipe, outer).build(weights);
}

} // namespace attnlens
