#pragma once

#include <cstdint>

#include "core/layers/layer_util.h"

namespace attnlens {

/// Softmax of one row of `n` logits in place, as Keras's Softmax layer computes it:
/// exp(x - max) / sum. `mask` (n bytes, 1 = keep) may be null. Masked logits are treated as the
/// Keras version `mode` does (docs/keras-format.md §2), including a fully masked row.
void maskedSoftmaxRow(float *row, std::int64_t n, const std::uint8_t *mask, MaskedSoftmaxMode mode);

/// maskedSoftmaxRow on `count` consecutive rows of `n` logits; `mask` (count x n, or null).
void maskedSoftmaxRows(float *rows, std::int64_t count, std::int64_t n, const std::uint8_t *mask,
    MaskedSoftmaxMode mode);

} // namespace attnlens
