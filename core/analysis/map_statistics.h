#pragma once

#include <cstdint>
#include <vector>

namespace attnlens {

/// How one head's attention map spreads, averaged over its query rows: the statistics that rank
/// heads by sharpness.
///
/// Masked keys. Keras masks by adding a large negative number before the softmax
/// (keras/src/layers/activations/softmax.py, `_large_negative_number`, -1e9 in float32), so a
/// masked key's weight is exactly 0, in every head (a mask is shared by the heads). An unmasked
/// key of a sharp head can also underflow: float32 exp implementations differ below the smallest
/// normal float (NumPy gives 0 where another gives 1e-45). So a key counts as masked for a query
/// row when its weight is below FLT_MIN in every head of the sample (unmaskedKeys); a sharp head
/// alone cannot mask a key while another head still attends to it.
struct MapStatistics
{
    /// Mean normalised row entropy: the entropy of each query row divided by log of its
    /// number of unmasked keys (0 = all weight on one key, 1 = uniform). A row with one
    /// unmasked key, or none, counts as 0.
    double entropy = 0.0;
    double maxWeight = 0.0;   ///< mean row maximum
    double firstWeight = 0.0; ///< mean weight on the first key
    double lastWeight = 0.0;  ///< mean weight on the last key
};

/// Per query row of one sample, the number of unmasked keys, from `headMax`, the sample's
/// (tq, tk) maximum over heads.
std::vector<std::int64_t> unmaskedKeys(const float *headMax, std::int64_t tq, std::int64_t tk);

/// Statistics of one head's (tq, tk) row-major map; `unmasked[q]` is row q's unmasked key count.
MapStatistics mapStatistics(
    const float *map, std::int64_t tq, std::int64_t tk, const std::int64_t *unmasked);

/// Normalised entropy of one row of tk weights with `unmasked` unmasked keys: the entropy of the
/// row divided by its sum, over log(unmasked); 0 for a row of zeros or with at most one key. The
/// one rule for "entropy" everywhere (head statistics, the Heads list, the colour bar).
double normalisedRowEntropy(const float *row, std::int64_t tk, std::int64_t unmasked);

} // namespace attnlens
