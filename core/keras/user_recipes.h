#pragma once

#include <filesystem>
#include <string>

namespace attnlens {

/// The user recipe folder (docs/recipes.md): $XDG_CONFIG_HOME/attnlens/recipes, else
/// ~/.config/attnlens/recipes (%APPDATA%\attnlens\recipes on Windows); empty when none can be
/// found. Model::open reads its *.json files (LoadOptions::userRecipes).
std::filesystem::path userRecipeFolder();

/// A recipe file copied into the user recipe folder.
struct AddedRecipe
{
    std::filesystem::path copy; ///< where it now is
    std::string title;          ///< the recipe's title
    std::string className;      ///< the custom layer class it runs
};

/// Checks that `file` is a valid recipe and copies it into `folder` (created if needed), under
/// its own file name, replacing a file of that name. Throws InputFileError naming the recipe
/// file and line when it is not a valid recipe, OutputError when the folder cannot be written.
AddedRecipe addUserRecipe(
    const std::filesystem::path &file, const std::filesystem::path &folder = userRecipeFolder());

} // namespace attnlens
