#include "ui/head_matrix.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/analysis/map_statistics.h"
#include "core/errors.h"

namespace attnlens {

QString HeadChoice::displayName() const
{
    switch (kind) {
    case Kind::MeanOfHeads:
        return QStringLiteral("mean over heads");
    case Kind::MaxOfHeads:
        return QStringLiteral("max over heads");
    case Kind::Head:
        break;
    }
    return QStringLiteral("head %1").arg(head);
}

QString HeadChoice::key() const
{
    switch (kind) {
    case Kind::MeanOfHeads:
        return QStringLiteral("mean");
    case Kind::MaxOfHeads:
        return QStringLiteral("max");
    case Kind::Head:
        break;
    }
    return QStringLiteral("head%1").arg(head);
}

HeadChoice HeadChoice::fromKey(const QString &key)
{
    if (key == QLatin1String("mean"))
        return {Kind::MeanOfHeads, 0};
    if (key == QLatin1String("max"))
        return {Kind::MaxOfHeads, 0};
    if (key.startsWith(QLatin1String("head"))) {
        bool ok = false;
        const int head = key.mid(4).toInt(&ok);
        if (ok && head >= 0)
            return {Kind::Head, head};
    }
    return {};
}

RowMatrix headMatrix(const Tensor &scores, const HeadChoice &choice)
{
    if (scores.rank() != 3 || scores.dim(0) < 1)
        throw ShapeError("attention scores of one sample must be (heads, queries, keys), got "
            + shapeToString(scores.shape()));
    return headMatrix(scores.data(), scores.dim(0), scores.dim(1), scores.dim(2), choice);
}

RowMatrix headMatrix(const float *scores, std::int64_t heads, std::int64_t queries,
    std::int64_t keys, const HeadChoice &choice)
{
    const std::int64_t cells = queries * keys;
    auto head = [&](std::int64_t h) { return ConstMatrixMap(scores + h * cells, queries, keys); };
    switch (choice.kind) {
    case HeadChoice::Kind::Head:
        return head(std::clamp<std::int64_t>(choice.head, 0, heads - 1));
    case HeadChoice::Kind::MeanOfHeads: {
        RowMatrix sum = head(0);
        for (std::int64_t h = 1; h < heads; ++h)
            sum += head(h);
        return sum / static_cast<float>(heads);
    }
    case HeadChoice::Kind::MaxOfHeads: {
        RowMatrix max = head(0);
        for (std::int64_t h = 1; h < heads; ++h)
            max = max.cwiseMax(head(h));
        return max;
    }
    }
    return {};
}

AttentionSpread attentionSpread(const float *values, std::int64_t queries, std::int64_t keys)
{
    AttentionSpread spread;
    if (values == nullptr || queries < 1 || keys < 1)
        return spread;
    spread.uniform = 1.0 / static_cast<double>(keys);
    // Per row while it is in cache: sum, min, max and the row's entropy by core's one rule
    // (normalisedRowEntropy; a 2048 x 2048 head: ~3 ms).
    const ConstMatrixMap matrix(values, queries, keys);
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    double total = 0.0;
    double entropy = 0.0;
    std::int64_t rows = 0;
    for (std::int64_t q = 0; q < queries; ++q) {
        const auto row = matrix.row(q).array();
        const double sum = row.sum();
        total += sum;
        low = std::min(low, double(row.minCoeff()));
        high = std::max(high, double(row.maxCoeff()));
        if (keys < 2 || !(sum > 0.0))
            continue; // one key: nothing to compare; all zero: a fully masked row
        entropy += normalisedRowEntropy(values + q * keys, keys, keys);
        ++rows;
    }
    const double mean = total / static_cast<double>(queries * keys);
    spread.nearlyUniform = mean > 0.0 && high - low < kNearlyUniformSpan * mean;
    if (rows > 0)
        spread.entropy = std::clamp(entropy / static_cast<double>(rows), 0.0, 1.0);
    return spread;
}

QString rangeDescription(RangeMode mode, double lower, double upper)
{
    const char *name = mode == RangeMode::PerHead ? "per head"
        : mode == RangeMode::SharedHeads          ? "shared by the call's heads"
                                                  : "fixed";
    return QStringLiteral("%1, %2 to %3")
        .arg(QString::fromLatin1(name))
        .arg(lower, 0, 'g', 4)
        .arg(upper, 0, 'g', 4);
}

std::pair<double, double> valueRange(
    const RowMatrix &shown, const Tensor &layerScores, RangeMode mode)
{
    double low = 0.0;
    double high = 1.0;
    if (mode == RangeMode::PerHead && shown.size() > 0) {
        low = shown.minCoeff();
        high = shown.maxCoeff();
    } else if (mode == RangeMode::SharedHeads && layerScores.size() > 0) {
        const auto [lo, hi]
            = std::minmax_element(layerScores.values().begin(), layerScores.values().end());
        low = *lo;
        high = *hi;
    }
    if (!(high - low > 1e-6))
        high = low + 1e-6;
    return {low, high};
}

} // namespace attnlens
