// Fuzz target: a recipe file (docs/recipes.md) for the custom layers of a fixed, valid model
// (tests/data/keras/recipe_keras_io_text: TransformerBlock and TokenAndPositionEmbedding). The
// recipe parser on every input; where it parses, the model opened with it as the user's recipe
// (the recipe builder: weights, sublayers, names) and one row run.
#include <string_view>

#include "core/errors.h"
#include "core/keras/recipe.h"

#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace attnlens;
    try {
        parseRecipe(std::string_view(reinterpret_cast<const char *>(data), size), "recipe.json");
    } catch (const Error &) {
        return 0;
    }
    const auto recipe = fuzz::asFile(data, size, "recipe.json");
    fuzz::openAndRunOneRow(
        ATTNLENS_FUZZ_DATA "/keras/recipe_keras_io_text/model.keras", {}, {recipe});
    return 0;
}
