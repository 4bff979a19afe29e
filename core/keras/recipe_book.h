#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/keras/keras_config.h"
#include "core/keras/recipe.h"

namespace attnlens {

/// The recipes a model is opened with: the user's recipe files (LoadOptions::recipeFiles), the
/// user recipe folder, then the built-in ones (core/keras/recipes). A layer takes the first
/// recipe, in that order, whose class name, registration and config keys match it, so a user's
/// recipe replaces a built-in one for the same class.
class RecipeBook
{
public:
    /// Reads the recipes. `userFolder` empty: no folder. Throws InputFileError naming the recipe
    /// file and line for a recipe that cannot be read or parsed.
    static RecipeBook load(
        const std::vector<std::filesystem::path> &files, const std::filesystem::path &userFolder);

    /// $XDG_CONFIG_HOME/attnlens/recipes, or ~/.config/attnlens/recipes when XDG_CONFIG_HOME is
    /// not set (on Windows %APPDATA%/attnlens/recipes); empty when neither can be found.
    static std::filesystem::path defaultUserFolder();

    /// Reads and parses one recipe file (InputFileError with file and line).
    static Recipe readFile(const std::filesystem::path &file);

    struct Match
    {
        const Recipe *recipe = nullptr;
        /// No recipe matched, but some have this class name: what differs, one recipe a line.
        std::string mismatch;
    };

    /// The recipe for `spec`, by class name, registration (a class of Keras itself or of
    /// another package, "pkg>Class", is not a custom class) and config keys (exactly the
    /// recipe's, besides name, trainable and dtype, with their types).
    Match match(const LayerSpec &spec) const;

    const std::vector<Recipe> &recipes() const { return m_recipes; }

private:
    std::vector<Recipe> m_recipes; ///< in the order they are tried
};

} // namespace attnlens
