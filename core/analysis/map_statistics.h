#pragma once

#include <cstdint>

namespace attnlens {

/// How one head's attention map spreads, averaged over its query rows: the statistics that rank
/// heads by sharpness. A key whose weight is exactly 0 counts as masked: Keras masks by adding
/// a large negative number before the softmax (keras/src/layers/activations/softmax.py,
/// `_large_negative_number`, -1e9 in float32), whose exponential is exactly 0 in float32. An
/// unmasked key reaches exactly 0 only 104 logits below the row's maximum, where it changes the
/// entropy's normaliser but not the entropy.
struct MapStatistics
{
    /// Mean normalised row entropy: the entropy of each query row divided by log of its
    /// number of unmasked keys (0 = all weight on one key, 1 = uniform). A row with one
    /// unmasked key, or none (fully masked: every weight 0), counts as 0.
    double entropy = 0.0;
    double maxWeight = 0.0;   ///< mean row maximum
    double firstWeight = 0.0; ///< mean weight on the first key
    double lastWeight = 0.0;  ///< mean weight on the last key
};

/// Statistics of one (tq, tk) row-major map; tq, tk >= 1.
MapStatistics mapStatistics(const float *map, std::int64_t tq, std::int64_t tk);

/// Normalised entropy of one row of tk weights (see MapStatistics::entropy).
double normalisedRowEntropy(const float *row, std::int64_t tk);

} // namespace attnlens
