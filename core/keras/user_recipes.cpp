#include "core/keras/user_recipes.h"

#include "core/errors.h"
#include "core/keras/recipe_book.h"

namespace attnlens {

std::filesystem::path userRecipeFolder()
{
    return RecipeBook::defaultUserFolder();
}

AddedRecipe addUserRecipe(const std::filesystem::path &file, const std::filesystem::path &folder)
{
    const Recipe recipe = RecipeBook::readFile(file);
    if (folder.empty())
        throw OutputError(
            "there is no user recipe folder: neither XDG_CONFIG_HOME nor HOME is set");
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    AddedRecipe added;
    added.copy = folder / file.filename();
    if (added.copy.extension() != ".json")
        added.copy += ".json"; // the folder is read for *.json files only
    // Copied under a temporary name and renamed, so a killed copy never leaves a partial
    // recipe that the next Model::open would read.
    const std::filesystem::path temporary
        = folder / ("." + added.copy.filename().string() + ".part");
    if (!error)
        std::filesystem::copy_file(
            file, temporary, std::filesystem::copy_options::overwrite_existing, error);
    if (!error)
        std::filesystem::rename(temporary, added.copy, error);
    if (error) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
    }
    if (error)
        throw OutputError(ErrorWhere::ofFile(added.copy.string())
            + ": cannot copy the recipe into the user recipe folder: " + error.message());
    added.title = recipe.title;
    added.className = recipe.className;
    return added;
}

} // namespace attnlens
