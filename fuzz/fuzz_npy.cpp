// Fuzz target: a .npy image, parsed in memory.
#include "core/data/npy_reader.h"
#include "core/errors.h"

#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace attnlens;
    try {
        parseNpy(std::string_view(reinterpret_cast<const char *>(data), size), "fuzz.npy",
            fuzz::kMemoryCap);
    } catch (const Error &) {
    }
    return 0;
}
