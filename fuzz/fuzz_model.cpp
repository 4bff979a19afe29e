// Fuzz target: a model file, detected by content as Model::open does. A zip is opened as a
// .keras archive; anything else as a legacy .h5, then as a weights file with a fixed Keras 3
// architecture (.weights.h5) and with a fixed Keras 2 one (save_weights), so the seed corpus
// can be the test data's model files as they are.
#include <cstring>

#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace attnlens::fuzz;
    if (size >= 2 && std::memcmp(data, "PK", 2) == 0) {
        openAndRunOneRow(asFile(data, size, "model.keras"), {});
        return 0;
    }
    const auto file = asFile(data, size, "model.h5");
    openAndRunOneRow(file, {});
    openAndRunOneRow(file, ATTNLENS_FUZZ_DATA "/keras/causal/model.json");
    openAndRunOneRow(file, ATTNLENS_FUZZ_DATA "/nested/keras2/settyl_arch.json");
    return 0;
}
