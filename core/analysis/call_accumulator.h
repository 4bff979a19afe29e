#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace attnlens {

/// The running sums of one attention call's maps over the samples of one group, in float64 so
/// that the sums of disjoint parts add up to the sum of their union (within float64 rounding):
/// what `attnlens-cli merge` relies on. Memory does not grow with the number of samples.
class CallAccumulator
{
public:
    CallAccumulator() = default;
    /// For maps of `heads` x `tq` x `tk`.
    CallAccumulator(std::string key, int heads, std::int64_t tq, std::int64_t tk);

    /// Adds one sample's scores: heads * tq * tk floats, row-major (heads, T_query, T_key).
    void add(const float *scores);
    /// Adds another accumulator of the same call and shape. Throws ShapeError otherwise.
    void merge(const CallAccumulator &other);

    const std::string &key() const { return m_key; }
    int heads() const { return m_heads; }
    std::int64_t queryLength() const { return m_tq; }
    std::int64_t keyLength() const { return m_tk; }
    std::int64_t count() const { return m_count; }
    std::int64_t mapSize() const { return m_tq * m_tk; }

    /// Per head, (heads, tq, tk): the sums of the maps and of their squares.
    const std::vector<double> &sum() const { return m_sum; }
    const std::vector<double> &sumOfSquares() const { return m_sumsq; }
    /// (tq, tk): the same for each sample's mean over heads and maximum over heads.
    const std::vector<double> &headMeanSum() const { return m_headMeanSum; }
    const std::vector<double> &headMeanSumOfSquares() const { return m_headMeanSumsq; }
    const std::vector<double> &headMaxSum() const { return m_headMaxSum; }
    const std::vector<double> &headMaxSumOfSquares() const { return m_headMaxSumsq; }
    /// (4, heads): sums over samples of each head's MapStatistics, in the order entropy,
    /// max weight, first-key weight, last-key weight.
    const std::vector<double> &headStatisticSums() const { return m_statisticSums; }

    /// Restores the sums written to a summary file (count and every vector at its size).
    /// Throws ShapeError when a size does not fit the shape.
    void restore(std::int64_t count, std::vector<double> sum, std::vector<double> sumsq,
        std::vector<double> headMeanSum, std::vector<double> headMeanSumsq,
        std::vector<double> headMaxSum, std::vector<double> headMaxSumsq,
        std::vector<double> statisticSums);

    /// The group's mean map per head and its population standard deviation, (heads, tq, tk).
    std::vector<float> mean() const;
    std::vector<float> standardDeviation() const;
    /// Mean and standard deviation of the per-sample mean (or maximum) over heads, (tq, tk).
    std::vector<float> headMeanMean() const;
    std::vector<float> headMeanStandardDeviation() const;
    std::vector<float> headMaxMean() const;
    std::vector<float> headMaxStandardDeviation() const;
    /// Mean over samples of statistic `which` (0 entropy, 1 max weight, 2 first, 3 last), (heads).
    std::vector<float> headStatistic(int which) const;
    /// Attention received by each key: the column mean over queries of the mean map, per head
    /// (heads, tk) and over heads (tk).
    std::vector<float> received() const;
    std::vector<float> receivedOverHeads() const;
    /// Heads ordered from the sharpest (lowest mean normalised entropy) to the flattest; ties
    /// keep head order.
    std::vector<int> headsBySharpness() const;

private:
    std::string m_key;
    int m_heads = 0;
    std::int64_t m_tq = 0;
    std::int64_t m_tk = 0;
    std::int64_t m_count = 0;
    std::vector<double> m_sum, m_sumsq;
    std::vector<double> m_headMeanSum, m_headMeanSumsq, m_headMaxSum, m_headMaxSumsq;
    std::vector<double> m_statisticSums;
    std::vector<float> m_scratchMean, m_scratchMax; ///< one sample's head mean and max
};

} // namespace attnlens
