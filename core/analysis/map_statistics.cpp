#include "core/analysis/map_statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Core>

namespace attnlens {

double normalisedRowEntropy(const float *row, std::int64_t tk, std::int64_t unmasked)
{
    if (unmasked <= 1)
        return 0.0;
    // -sum p log p in float, vectorised (Eigen's log): its relative error (about 1e-7) is far
    // below what the statistic is read at; a zero weight contributes 0 (0 log 0 = 0).
    const Eigen::Map<const Eigen::ArrayXf> p(row, tk);
    const float entropy
        = -(p > 0.0f).select(p * p.max(std::numeric_limits<float>::min()).log(), 0.0f).sum();
    return static_cast<double>(entropy) / std::log(static_cast<double>(unmasked));
}

std::vector<std::int64_t> unmaskedKeys(const float *headMax, std::int64_t tq, std::int64_t tk)
{
    std::vector<std::int64_t> counts(static_cast<std::size_t>(tq), 0);
    for (std::int64_t q = 0; q < tq; ++q)
        for (std::int64_t k = 0; k < tk; ++k)
            if (headMax[q * tk + k] >= std::numeric_limits<float>::min())
                ++counts[static_cast<std::size_t>(q)];
    return counts;
}

MapStatistics mapStatistics(
    const float *map, std::int64_t tq, std::int64_t tk, const std::int64_t *unmasked)
{
    MapStatistics s;
    for (std::int64_t q = 0; q < tq; ++q) {
        const float *row = map + q * tk;
        s.entropy += normalisedRowEntropy(row, tk, unmasked[q]);
        s.maxWeight += *std::max_element(row, row + tk);
        s.firstWeight += row[0];
        s.lastWeight += row[tk - 1];
    }
    const double rows = static_cast<double>(tq);
    s.entropy /= rows;
    s.maxWeight /= rows;
    s.firstWeight /= rows;
    s.lastWeight /= rows;
    return s;
}

} // namespace attnlens
