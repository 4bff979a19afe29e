#include "core/keras/recipe_book.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "core/keras/builtin_recipes.h"

namespace attnlens {

namespace {

using nlohmann::json;

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

/// Whether `spec` is registered as a class of the user's own that `recipe` may stand for.
bool registrationFits(const Recipe &recipe, const LayerSpec &spec)
{
    if (startsWith(spec.module, "keras.") || spec.module == "keras")
        return false; // one of Keras's own classes
    const std::string &registered = spec.registeredName;
    if (registered.empty() || registered == spec.className
        || registered == "Custom>" + spec.className)
        return true;
    return std::find(recipe.registeredNames.begin(), recipe.registeredNames.end(), registered)
        != recipe.registeredNames.end();
}

bool typeFits(const json &v, const std::string &type)
{
    if (type == "int")
        return v.is_number_integer();
    if (type == "number")
        return v.is_number();
    if (type == "bool")
        return v.is_boolean();
    if (type == "string")
        return v.is_string();
    if (type == "list")
        return v.is_array();
    return true;
}

/// What differs between the layer's config keys and the recipe's; empty when they agree.
std::string configDifferences(const Recipe &recipe, const json &config)
{
    std::vector<std::string> problems;
    for (const auto &[key, type] : recipe.configKeys) {
        if (!config.is_object() || !config.contains(key))
            problems.push_back("config key '" + key + "' is missing");
        else if (!typeFits(config[key], type))
            problems.push_back("config key '" + key + "' is " + config[key].dump() + ", not "
                + (type == "int" ? "an " : "a ") + type);
    }
    if (config.is_object())
        for (const auto &item : config.items()) {
            const std::string &key = item.key(); // a structured binding: clang 14 cannot capture it
            if (key == "name" || key == "trainable" || key == "dtype")
                continue;
            const bool known = std::any_of(recipe.configKeys.begin(), recipe.configKeys.end(),
                [&](const auto &entry) { return entry.first == key; });
            if (!known)
                problems.push_back("config key '" + key + "' is not in the recipe");
        }
    std::string out;
    for (const std::string &p : problems)
        out += (out.empty() ? "" : "; ") + p;
    return out;
}

std::string readText(const std::filesystem::path &file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw InputFileError(ErrorWhere::ofFile(file.string()) + ": cannot read the recipe file");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

Recipe RecipeBook::readFile(const std::filesystem::path &file)
{
    return parseRecipe(readText(file), file.string());
}

std::filesystem::path RecipeBook::defaultUserFolder()
{
    if (const char *xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0')
        return std::filesystem::path(xdg) / "attnlens" / "recipes";
#ifdef _WIN32
    if (const char *appData = std::getenv("APPDATA"); appData != nullptr && *appData != '\0')
        return std::filesystem::path(appData) / "attnlens" / "recipes";
#endif
    if (const char *home = std::getenv("HOME"); home != nullptr && *home != '\0')
        return std::filesystem::path(home) / ".config" / "attnlens" / "recipes";
    return {};
}

RecipeBook RecipeBook::load(
    const std::vector<std::filesystem::path> &files, const std::filesystem::path &userFolder)
{
    RecipeBook book;
    for (const std::filesystem::path &file : files)
        book.m_recipes.push_back(readFile(file));
    std::error_code error;
    if (!userFolder.empty() && std::filesystem::is_directory(userFolder, error)) {
        std::vector<std::filesystem::path> found;
        for (const auto &entry : std::filesystem::directory_iterator(userFolder, error))
            if (entry.path().extension() == ".json" && entry.is_regular_file(error))
                found.push_back(entry.path());
        std::sort(found.begin(), found.end());
        for (const std::filesystem::path &file : found)
            book.m_recipes.push_back(readFile(file));
    }
    for (const auto &[name, text] : builtinRecipeTexts())
        book.m_recipes.push_back(parseRecipe(text, "built-in:" + std::string(name)));
    return book;
}

RecipeBook::Match RecipeBook::match(const LayerSpec &spec) const
{
    Match match;
    for (const Recipe &recipe : m_recipes) {
        if (recipe.className != spec.className || !registrationFits(recipe, spec))
            continue;
        const std::string differences = configDifferences(recipe, spec.config);
        if (differences.empty()) {
            match.recipe = &recipe;
            match.mismatch.clear();
            return match;
        }
        match.mismatch
            += (match.mismatch.empty() ? "" : "\n  ") + recipe.label() + ": " + differences;
    }
    return match;
}

} // namespace attnlens
