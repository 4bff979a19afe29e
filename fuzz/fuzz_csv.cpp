// Fuzz target: a CSV file, read as the demo's input (30 features) and as a (N, 8, 3) sequence.
#include "core/data/dataset.h"
#include "core/errors.h"

#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace attnlens;
    const auto file = fuzz::asFile(data, size, "data.csv");
    DatasetOptions options;
    options.memoryCapBytes = fuzz::kMemoryCap;
    for (const Shape &shape : {Shape {-1, 30}, Shape {-1, 8, 3}}) {
        try {
            const Dataset d
                = loadDataset({file}, {InputInfo {"inputs", shape, false, {}, {}}}, options);
            (void)d.usableInputs();
        } catch (const Error &) {
        }
    }
    return 0;
}
