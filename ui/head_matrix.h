#pragma once

#include <QString>

#include "core/tensor/tensor.h"

namespace attnlens {

/// Which matrix of an attention layer is shown: one head, or a reduction over all heads.
/// A plain value so it can be stored in settings and compared.
struct HeadChoice
{
    enum class Kind
    {
        Head,
        MeanOfHeads,
        MaxOfHeads
    };
    Kind kind = Kind::Head;
    int head = 0; ///< 0-based; only meaningful for Kind::Head

    friend bool operator==(const HeadChoice &, const HeadChoice &) = default;

    /// "head 2", "mean over heads", "max over heads" (0-based, as attnlens-cli export titles).
    QString displayName() const;
    /// "head1" (0-based, as in export file names), "mean", "max".
    QString key() const;
    /// Inverse of key(); an unknown key gives head 0.
    static HeadChoice fromKey(const QString &key);
};

/// The (T_query x T_key) matrix for `choice` from one sample's scores of one attention call,
/// `scores` shaped (heads, T_query, T_key). A head index out of range is clamped to the last head.
/// Throws ShapeError if `scores` is not rank 3 or has no heads.
RowMatrix headMatrix(const Tensor &scores, const HeadChoice &choice);
/// The same from raw memory: `scores[(h * queries + q) * keys + k]`, heads >= 1.
RowMatrix headMatrix(const float *scores, std::int64_t heads, std::int64_t queries,
    std::int64_t keys, const HeadChoice &choice);

/// How evenly one attention matrix spreads its weight over the keys. The colour bar shows it
/// beside the map, so that a flat head drawn at full contrast ("Range per head" stretches
/// 0.04985..0.0501 over the whole colour map) is not read as a pattern.
struct AttentionSpread
{
    /// The weight of every key when a row attends to all T_key keys alike: 1 / T_key.
    double uniform = 0.0;
    /// Mean over the query rows of entropy(row) / log(T_key), each row normalised to sum 1:
    /// 0 = every row on one key, 1 = uniform. Rows of zeros (fully masked) are left out; -1
    /// when undefined (fewer than 2 keys, or no row with weight).
    double entropy = -1.0;
    /// The values span less than kNearlyUniformSpan of their mean.
    bool nearlyUniform = false;
};

/// A matrix whose max - min is under this fraction of its mean is "nearly uniform": its colours
/// show differences of a few percent of the uniform weight.
inline constexpr double kNearlyUniformSpan = 0.05;

/// The spread of `values[q * keys + k]`, queries x keys (softmax rows, or a reduction of them).
AttentionSpread attentionSpread(const float *values, std::int64_t queries, std::int64_t keys);

/// How the colour scale's range is chosen.
enum class RangeMode
{
    PerHead,     ///< min..max of the matrix shown
    SharedHeads, ///< min..max over every head of the layer for this sample
    Fixed01      ///< always 0..1 (softmax weights)
};

/// "per head, 0.0123 to 0.456", "shared by the call's heads, ...", "fixed, 0 to 1": the colour
/// range of an export, for its metadata.
QString rangeDescription(RangeMode mode, double lower, double upper);

/// The colour range for `shown` (the matrix on screen) from `layerScores` (heads, T_q, T_k).
/// A constant matrix gets a range of width 1e-6 so the scale stays valid.
std::pair<double, double> valueRange(
    const RowMatrix &shown, const Tensor &layerScores, RangeMode mode);

} // namespace attnlens
