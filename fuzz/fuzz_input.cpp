#include "fuzz/fuzz_input.h"

#include <fstream>

#include <unistd.h>

#include "core/errors.h"
#include "core/runtime/model.h"

namespace attnlens::fuzz {

std::filesystem::path asFile(const std::uint8_t *data, std::size_t size, const std::string &name)
{
    const std::filesystem::path path = std::filesystem::temp_directory_path()
        / ("attnlens-fuzz-" + std::to_string(getpid()) + "-" + name);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(size));
    return path;
}

void openAndRunOneRow(const std::filesystem::path &model, const std::filesystem::path &config,
    const std::vector<std::filesystem::path> &recipes)
{
    LoadOptions options;
    options.memoryCapBytes = kMemoryCap;
    options.recipeFiles = recipes;
    options.userRecipes = false; // the same input gives the same run on every machine
    try {
        const auto opened
            = Model::open(model, config.empty() ? std::nullopt : std::optional(config), options);
        std::vector<Tensor> inputs;
        for (const InputInfo &input : opened->inputs()) {
            Shape shape = input.shape;
            for (auto &d : shape)
                d = d < 0 ? 4 : d;
            shape[0] = 1;
            if (shapeSize(shape) > (std::int64_t(1) << 24))
                return; // an input this large is refused by the data readers before a run
            inputs.emplace_back(shape);
        }
        opened->run(inputs);
    } catch (const Error &) {
    }
}

} // namespace attnlens::fuzz
