// Fuzz target: a .npz (zip of .npy members), read as a file and as a two-input dataset.
#include "core/data/dataset.h"
#include "core/data/npy_reader.h"
#include "core/errors.h"

#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace attnlens;
    const auto file = fuzz::asFile(data, size, "data.npz");
    try {
        readNpz(file, fuzz::kMemoryCap);
    } catch (const Error &) {
    }
    DatasetOptions options;
    options.memoryCapBytes = fuzz::kMemoryCap;
    try {
        loadDataset({file},
            {InputInfo {"a", {-1, 4}, false, {}, {}}, InputInfo {"b", {-1, 3, 2}, false, {}, {}}},
            options);
    } catch (const Error &) {
    }
    return 0;
}
