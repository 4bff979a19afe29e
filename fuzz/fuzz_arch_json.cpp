// Fuzz target: an architecture JSON (model.to_json()) with a fixed, valid weights file: the
// config parser, the graph wiring and the weight binding against the JSON's claims.
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace attnlens::fuzz;
    const auto config = asFile(data, size, "model.json");
    openAndRunOneRow(ATTNLENS_FUZZ_DATA "/keras/causal/model.weights.h5", config);
    return 0;
}
