#include "core/keras/recipe.h"

#include <algorithm>
#include <set>

namespace attnlens {

namespace {

using nlohmann::json;

/// Reads one recipe document, checking each field where it is read.
class RecipeParser
{
public:
    RecipeParser(Recipe &recipe)
        : m_recipe(recipe)
    {
    }

    void parse()
    {
        const json &top = m_recipe.json.value;
        requireObject(top, "");
        allowOnly(top, "",
            {"attnlens_recipe", "title", "source", "description", "class_name", "registered_names",
                "config", "positions", "sublayers", "call"});
        if (!top.contains("attnlens_recipe") || top["attnlens_recipe"] != 1)
            fail("", "a recipe starts with \"attnlens_recipe\": 1 (the format version)");
        m_recipe.className = text(top, "", "class_name");
        m_recipe.title = top.contains("title") ? text(top, "", "title") : m_recipe.className;
        if (top.contains("source"))
            m_recipe.source = text(top, "", "source");
        if (top.contains("registered_names"))
            for (const auto &[at, name] : items(top, "", "registered_names"))
                m_recipe.registeredNames.push_back(asText(*name, at));
        parseConfigKeys(top);
        if (top.contains("positions")) {
            m_recipe.positions = text(top, "", "positions");
            const std::set<std::string> known = {"none", "positionwise", "elementwise", "tokens"};
            if (known.count(m_recipe.positions) == 0)
                fail("/positions",
                    "positions is one of \"none\", \"positionwise\", \"elementwise\", \"tokens\"");
        }
        if (top.contains("sublayers"))
            for (const auto &[pointer, sub] : items(top, "", "sublayers"))
                parseSublayer(sub, pointer);
        if (!top.contains("call"))
            fail("", "the recipe has no \"call\" (inputs, steps, outputs)");
        parseCall(top["call"], "/call");
    }

private:
    [[noreturn]] void fail(const std::string &pointer, const std::string &detail) const
    {
        throw InputFileError(detail, m_recipe.where(pointer));
    }

    void requireObject(const json &v, const std::string &pointer) const
    {
        if (!v.is_object())
            fail(pointer,
                (pointer.empty() ? std::string("the recipe") : "'" + pointer + "'")
                    + " must be a JSON object");
    }

    void allowOnly(const json &v, const std::string &pointer, std::set<std::string> keys) const
    {
        for (const auto &[key, value] : v.items())
            if (keys.count(key) == 0) {
                std::string list;
                for (const std::string &k : keys)
                    list += (list.empty() ? "" : ", ") + k;
                fail(jsonPointerChild(pointer, key),
                    "unknown field \"" + key + "\" (expected: " + list + ")");
            }
    }

    std::string asText(const json &v, const std::string &pointer) const
    {
        if (!v.is_string() || v.get<std::string>().empty())
            fail(pointer, "expected a non-empty string here");
        return v.get<std::string>();
    }

    std::string text(const json &object, const std::string &pointer, const char *key) const
    {
        if (!object.contains(key))
            fail(pointer, std::string("missing field \"") + key + "\"");
        return asText(object[key], jsonPointerChild(pointer, key));
    }

    /// The elements of the array `object[key]` with their pointers.
    std::vector<std::pair<std::string, const json *>> items(
        const json &object, const std::string &pointer, const char *key) const
    {
        const std::string at = jsonPointerChild(pointer, key);
        const json &array = object[key];
        if (!array.is_array())
            fail(at, std::string("\"") + key + "\" must be a JSON array");
        std::vector<std::pair<std::string, const json *>> out;
        for (std::size_t i = 0; i < array.size(); ++i)
            out.emplace_back(jsonPointerChild(at, std::to_string(i)), &array[i]);
        return out;
    }

    void parseConfigKeys(const json &top)
    {
        if (!top.contains("config"))
            fail("", "missing field \"config\": the custom layer's config keys and their types");
        const json &config = top["config"];
        requireObject(config, "/config");
        const std::set<std::string> types = {"int", "number", "bool", "string", "list", "any"};
        for (const auto &[key, type] : config.items()) {
            const std::string at = jsonPointerChild("/config", key);
            if (key == "name" || key == "trainable" || key == "dtype")
                fail(at, "\"" + key + "\" is Keras's own config key; list only the class's own");
            if (!type.is_string() || types.count(type.get<std::string>()) == 0)
                fail(at,
                    "the type of config key \"" + key
                        + "\" is one of \"int\", \"number\", \"bool\", \"string\", \"list\", "
                          "\"any\"");
            m_recipe.configKeys.emplace_back(key, type.get<std::string>());
        }
    }

    bool isConfigKey(const std::string &key) const
    {
        return std::any_of(m_recipe.configKeys.begin(), m_recipe.configKeys.end(),
            [&](const auto &entry) { return entry.first == key; });
    }

    /// Every "${key}" inside `v` must name a config key.
    void checkReferences(const json &v, const std::string &pointer) const
    {
        if (v.is_string()) {
            const std::string &s = v.get_ref<const std::string &>();
            if (s.size() > 3 && s.rfind("${", 0) == 0 && s.back() == '}') {
                const std::string key = s.substr(2, s.size() - 3);
                if (!isConfigKey(key))
                    fail(pointer, "\"" + s + "\" names no key of the recipe's \"config\"");
            }
        } else if (v.is_object()) {
            for (const auto &[key, value] : v.items())
                checkReferences(value, jsonPointerChild(pointer, key));
        } else if (v.is_array()) {
            for (std::size_t i = 0; i < v.size(); ++i)
                checkReferences(v[i], jsonPointerChild(pointer, std::to_string(i)));
        }
    }

    void parseSublayer(const json *entry, const std::string &pointer)
    {
        requireObject(*entry, pointer);
        allowOnly(*entry, pointer, {"name", "class_name", "config", "weights"});
        Recipe::Sublayer sub;
        sub.pointer = pointer;
        sub.name = text(*entry, pointer, "name");
        sub.className = text(*entry, pointer, "class_name");
        for (const Recipe::Sublayer &other : m_recipe.sublayers)
            if (other.name == sub.name)
                fail(pointer + "/name", "two sublayers are named \"" + sub.name + "\"");
        sub.config = entry->value("config", json::object());
        requireObject(sub.config, pointer + "/config");
        checkReferences(sub.config, pointer + "/config");
        if (entry->contains("weights"))
            for (const auto &[at, w] : items(*entry, pointer, "weights"))
                sub.weights.push_back(parseWeight(*w, at));
        m_recipe.sublayers.push_back(std::move(sub));
    }

    Recipe::Weight parseWeight(const json &w, const std::string &pointer) const
    {
        if (!w.is_array() || w.size() < 2 || w.size() > 3 || !w[0].is_string() || !w[1].is_array())
            fail(pointer,
                "a weight is [\"path/below/the/layer's/group\", [dimensions]], optionally "
                "followed by \"non_trainable\"");
        Recipe::Weight weight;
        weight.pointer = pointer;
        weight.path = w[0].get<std::string>();
        weight.shape = w[1];
        for (std::size_t d = 0; d < weight.shape.size(); ++d) {
            const json &dim = weight.shape[d];
            const std::string at = pointer + "/1/" + std::to_string(d);
            if (!(dim.is_number_integer() && dim.get<std::int64_t>() >= 0) && !dim.is_string())
                fail(at, "a dimension is a number or \"${key}\"");
            checkReferences(dim, at);
        }
        if (w.size() == 3) {
            if (w[2] != "non_trainable")
                fail(pointer + "/2", "the third element of a weight can only be \"non_trainable\"");
            weight.trainable = false;
        }
        return weight;
    }

    static bool isValueName(const std::string &s)
    {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_';
        });
    }

    void define(const std::string &name, const std::string &pointer)
    {
        if (!isValueName(name))
            fail(pointer, "\"" + name + "\" is not a value name (letters, digits, _)");
        if (!m_values.insert(name).second)
            fail(pointer, "the value \"" + name + "\" is defined twice");
    }

    /// A reference "x" or "x.mask" to a value defined before.
    void checkValue(const std::string &ref, const std::string &pointer) const
    {
        std::string name = ref;
        if (name.size() > 5 && name.compare(name.size() - 5, 5, ".mask") == 0)
            name.erase(name.size() - 5);
        if (m_values.count(name) == 0)
            fail(pointer, "\"" + ref + "\" names no input or earlier output of the call");
    }

    /// Strings are references, arrays of strings lists of references, the rest constants.
    void checkArgument(const json &v, const std::string &pointer) const
    {
        if (v.is_string())
            checkValue(v.get<std::string>(), pointer);
        else if (v.is_array() && !v.empty() && v[0].is_string())
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (!v[i].is_string())
                    fail(pointer, "a list argument is a list of value names");
                checkValue(v[i].get<std::string>(), pointer + "/" + std::to_string(i));
            }
        else if (v.is_object())
            fail(pointer, "an argument is a value name, a list of value names, or a constant");
    }

    void parseCall(const json &call, const std::string &pointer)
    {
        requireObject(call, pointer);
        allowOnly(call, pointer, {"inputs", "steps", "outputs"});
        for (const auto &[at, input] : items(call, pointer, "inputs")) {
            Recipe::Input in;
            if (input->is_object()) {
                allowOnly(*input, at, {"name", "implicit_mask_of"});
                in.name = text(*input, at, "name");
                if (input->contains("implicit_mask_of")) {
                    in.implicitMaskOf = text(*input, at, "implicit_mask_of");
                    checkValue(in.implicitMaskOf, at + "/implicit_mask_of");
                }
            } else {
                in.name = asText(*input, at);
            }
            define(in.name, at);
            m_recipe.inputs.push_back(in);
        }
        if (m_recipe.inputs.empty())
            fail(pointer + "/inputs", "the call needs at least one input");
        for (const auto &[at, step] : items(call, pointer, "steps"))
            parseStep(*step, at);
        for (const auto &[at, output] : items(call, pointer, "outputs")) {
            Recipe::Output out;
            if (output->is_object()) {
                allowOnly(*output, at, {"value", "mask"});
                out.value = text(*output, at, "value");
                if (output->contains("mask"))
                    out.mask = text(*output, at, "mask");
            } else {
                out.value = asText(*output, at);
            }
            checkValue(out.value, at);
            if (!out.mask.empty())
                checkValue(out.mask, at + "/mask");
            m_recipe.outputs.push_back(out);
        }
        if (m_recipe.outputs.empty())
            fail(pointer + "/outputs", "the call needs at least one output");
    }

    void parseStep(const json &step, const std::string &pointer)
    {
        requireObject(step, pointer);
        allowOnly(step, pointer, {"out", "layer", "op", "positions", "config", "args", "kwargs"});
        Recipe::Step s;
        s.pointer = pointer;
        const int kinds = int(step.contains("layer")) + int(step.contains("op"))
            + int(step.contains("positions"));
        if (kinds != 1)
            fail(pointer, "a step has exactly one of \"layer\", \"op\", \"positions\"");
        if (step.contains("layer")) {
            s.kind = Recipe::Step::Kind::Sublayer;
            s.target = text(step, pointer, "layer");
            const bool known = std::any_of(m_recipe.sublayers.begin(), m_recipe.sublayers.end(),
                [&](const Recipe::Sublayer &sub) { return sub.name == s.target; });
            if (!known)
                fail(pointer + "/layer", "\"" + s.target + "\" is none of the recipe's sublayers");
        } else if (step.contains("op")) {
            s.kind = Recipe::Step::Kind::Operation;
            s.target = text(step, pointer, "op");
        } else {
            s.kind = Recipe::Step::Kind::Positions;
            s.target = text(step, pointer, "positions");
            checkValue(s.target, pointer + "/positions");
        }
        s.config = step.value("config", json::object());
        requireObject(s.config, pointer + "/config");
        checkReferences(s.config, pointer + "/config");
        if (s.kind == Recipe::Step::Kind::Sublayer && step.contains("config"))
            fail(pointer + "/config", "a sublayer's config belongs in \"sublayers\"");
        if (step.contains("args"))
            for (const auto &[at, arg] : items(step, pointer, "args")) {
                checkArgument(*arg, at);
                s.args.push_back({{}, *arg, at});
            }
        if (step.contains("kwargs")) {
            requireObject(step["kwargs"], pointer + "/kwargs");
            for (const auto &[key, arg] : step["kwargs"].items()) {
                const std::string at = jsonPointerChild(pointer + "/kwargs", key);
                checkArgument(arg, at);
                s.args.push_back({key, arg, at});
            }
        }
        if (s.kind == Recipe::Step::Kind::Positions && !s.args.empty())
            fail(pointer, "a positions step takes no arguments");
        if (!step.contains("out"))
            fail(pointer, "missing field \"out\": the name of the step's output");
        const json &out = step["out"];
        if (out.is_array()) {
            for (std::size_t i = 0; i < out.size(); ++i)
                s.out.push_back(asText(out[i], pointer + "/out/" + std::to_string(i)));
        } else {
            s.out.push_back(asText(out, pointer + "/out"));
        }
        for (const std::string &name : s.out)
            define(name, pointer + "/out");
        m_recipe.steps.push_back(std::move(s));
    }

    Recipe &m_recipe;
    std::set<std::string> m_values;
};

} // namespace

ErrorContext Recipe::where(const std::string &pointer) const
{
    ErrorContext context;
    context.file = file;
    context.line = json.lineOf(pointer);
    return context;
}

bool Recipe::builtIn() const
{
    return file.rfind("built-in:", 0) == 0;
}

std::string Recipe::label() const
{
    if (builtIn())
        return "built-in recipe '" + title + "'";
    return "recipe '" + title + "' (" + file + ")";
}

Recipe parseRecipe(std::string_view text, const std::string &file)
{
    Recipe recipe;
    recipe.file = file;
    recipe.json = parseLinedJson(text, file);
    RecipeParser(recipe).parse();
    return recipe;
}

} // namespace attnlens
