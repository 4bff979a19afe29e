#include "core/analysis/map_statistics.h"

#include <algorithm>
#include <cmath>

namespace attnlens {

double normalisedRowEntropy(const float *row, std::int64_t tk)
{
    double entropy = 0.0;
    std::int64_t unmasked = 0;
    for (std::int64_t k = 0; k < tk; ++k) {
        const double p = row[k];
        if (p > 0.0) {
            ++unmasked;
            entropy -= p * std::log(p);
        }
    }
    if (unmasked <= 1)
        return 0.0;
    return entropy / std::log(static_cast<double>(unmasked));
}

MapStatistics mapStatistics(const float *map, std::int64_t tq, std::int64_t tk)
{
    MapStatistics s;
    for (std::int64_t q = 0; q < tq; ++q) {
        const float *row = map + q * tk;
        s.entropy += normalisedRowEntropy(row, tk);
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
