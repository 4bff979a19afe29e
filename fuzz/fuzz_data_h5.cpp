// Fuzz target: a data HDF5 file (inputs named after the model's inputs, feature names, row
// labels, targets, time labels), read as one input and as two.
#include "core/data/dataset.h"
#include "core/errors.h"

#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace attnlens;
    const auto file = fuzz::asFile(data, size, "data.h5");
    DatasetOptions options;
    options.memoryCapBytes = fuzz::kMemoryCap;
    const std::vector<std::vector<InputInfo>> models
        = {{InputInfo {"series", {-1, 48, 3}, false, {}, {}}},
            {InputInfo {"a", {-1, 4}, false, {}, {}}, InputInfo {"b", {-1, -1, 2}, false, {}, {}}}};
    for (const auto &inputs : models) {
        try {
            loadDataset({file}, inputs, options);
        } catch (const Error &) {
        }
    }
    return 0;
}
