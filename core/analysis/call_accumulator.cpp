#include "core/analysis/call_accumulator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/analysis/map_statistics.h"
#include "core/errors.h"

namespace attnlens {

namespace {

void addInto(std::vector<double> &to, const std::vector<double> &from)
{
    for (std::size_t i = 0; i < to.size(); ++i)
        to[i] += from[i];
}

std::vector<float> meanOf(const std::vector<double> &sum, std::int64_t count)
{
    std::vector<float> out(sum.size(), 0.0f);
    if (count == 0)
        return out;
    const double n = static_cast<double>(count);
    for (std::size_t i = 0; i < sum.size(); ++i)
        out[i] = static_cast<float>(sum[i] / n);
    return out;
}

/// Population standard deviation from the sums; a tiny negative variance from rounding is 0.
std::vector<float> deviationOf(
    const std::vector<double> &sum, const std::vector<double> &sumsq, std::int64_t count)
{
    std::vector<float> out(sum.size(), 0.0f);
    if (count == 0)
        return out;
    const double n = static_cast<double>(count);
    for (std::size_t i = 0; i < sum.size(); ++i) {
        const double mean = sum[i] / n;
        out[i] = static_cast<float>(std::sqrt(std::max(0.0, sumsq[i] / n - mean * mean)));
    }
    return out;
}

} // namespace

CallAccumulator::CallAccumulator(std::string key, int heads, std::int64_t tq, std::int64_t tk)
    : m_key(std::move(key))
    , m_heads(heads)
    , m_tq(tq)
    , m_tk(tk)
{
    if (heads < 1 || tq < 1 || tk < 1)
        throw ShapeError("attention call '" + m_key + "': cannot summarise maps of "
            + std::to_string(heads) + " heads x " + std::to_string(tq) + " x " + std::to_string(tk)
            + ".");
    const auto all = static_cast<std::size_t>(heads * tq * tk);
    const auto map = static_cast<std::size_t>(tq * tk);
    m_sum.assign(all, 0.0);
    m_sumsq.assign(all, 0.0);
    m_headMeanSum.assign(map, 0.0);
    m_headMeanSumsq.assign(map, 0.0);
    m_headMaxSum.assign(map, 0.0);
    m_headMaxSumsq.assign(map, 0.0);
    m_statisticSums.assign(static_cast<std::size_t>(4 * heads), 0.0);
    m_scratchMean.assign(map, 0.0f);
    m_scratchMax.assign(map, 0.0f);
}

void CallAccumulator::add(const float *scores)
{
    const std::int64_t map = mapSize();
    std::fill(m_scratchMean.begin(), m_scratchMean.end(), 0.0f);
    std::copy(scores, scores + map, m_scratchMax.begin());
    for (int h = 0; h < m_heads; ++h) {
        const float *head = scores + h * map;
        double *sum = m_sum.data() + h * map;
        double *sumsq = m_sumsq.data() + h * map;
        for (std::int64_t i = 0; i < map; ++i) {
            const double v = head[i];
            sum[i] += v;
            sumsq[i] += v * v;
            const auto j = static_cast<std::size_t>(i);
            m_scratchMean[j] += head[i];
            m_scratchMax[j] = std::max(m_scratchMax[j], head[i]);
        }
    }
    const std::vector<std::int64_t> unmasked = unmaskedKeys(m_scratchMax.data(), m_tq, m_tk);
    for (int h = 0; h < m_heads; ++h) {
        const MapStatistics s = mapStatistics(scores + h * map, m_tq, m_tk, unmasked.data());
        m_statisticSums[static_cast<std::size_t>(0 * m_heads + h)] += s.entropy;
        m_statisticSums[static_cast<std::size_t>(1 * m_heads + h)] += s.maxWeight;
        m_statisticSums[static_cast<std::size_t>(2 * m_heads + h)] += s.firstWeight;
        m_statisticSums[static_cast<std::size_t>(3 * m_heads + h)] += s.lastWeight;
    }
    const double heads = static_cast<double>(m_heads);
    for (std::size_t i = 0; i < static_cast<std::size_t>(map); ++i) {
        const double mean = static_cast<double>(m_scratchMean[i]) / heads;
        const double max = m_scratchMax[i];
        m_headMeanSum[i] += mean;
        m_headMeanSumsq[i] += mean * mean;
        m_headMaxSum[i] += max;
        m_headMaxSumsq[i] += max * max;
    }
    ++m_count;
}

void CallAccumulator::merge(const CallAccumulator &other)
{
    if (other.m_key != m_key || other.m_heads != m_heads || other.m_tq != m_tq
        || other.m_tk != m_tk)
        throw ShapeError("attention call '" + other.m_key + "' (" + std::to_string(other.m_heads)
            + " heads, " + std::to_string(other.m_tq) + " x " + std::to_string(other.m_tk)
            + ") cannot be merged into '" + m_key + "' (" + std::to_string(m_heads) + " heads, "
            + std::to_string(m_tq) + " x " + std::to_string(m_tk) + ").");
    addInto(m_sum, other.m_sum);
    addInto(m_sumsq, other.m_sumsq);
    addInto(m_headMeanSum, other.m_headMeanSum);
    addInto(m_headMeanSumsq, other.m_headMeanSumsq);
    addInto(m_headMaxSum, other.m_headMaxSum);
    addInto(m_headMaxSumsq, other.m_headMaxSumsq);
    addInto(m_statisticSums, other.m_statisticSums);
    m_count += other.m_count;
}

void CallAccumulator::restore(std::int64_t count, std::vector<double> sum,
    std::vector<double> sumsq, std::vector<double> headMeanSum, std::vector<double> headMeanSumsq,
    std::vector<double> headMaxSum, std::vector<double> headMaxSumsq,
    std::vector<double> statisticSums)
{
    auto fits
        = [&](const std::vector<double> &v, const std::vector<double> &like, const char *what) {
              if (v.size() != like.size())
                  throw ShapeError("attention call '" + m_key + "': " + what + " has "
                      + std::to_string(v.size()) + " values; its shape needs "
                      + std::to_string(like.size()) + ".");
          };
    fits(sum, m_sum, "sum");
    fits(sumsq, m_sumsq, "sumsq");
    fits(headMeanSum, m_headMeanSum, "head_mean/sum");
    fits(headMeanSumsq, m_headMeanSumsq, "head_mean/sumsq");
    fits(headMaxSum, m_headMaxSum, "head_max/sum");
    fits(headMaxSumsq, m_headMaxSumsq, "head_max/sumsq");
    fits(statisticSums, m_statisticSums, "statistic sums");
    if (count < 0)
        throw ShapeError("attention call '" + m_key + "': a negative count.");
    m_count = count;
    m_sum = std::move(sum);
    m_sumsq = std::move(sumsq);
    m_headMeanSum = std::move(headMeanSum);
    m_headMeanSumsq = std::move(headMeanSumsq);
    m_headMaxSum = std::move(headMaxSum);
    m_headMaxSumsq = std::move(headMaxSumsq);
    m_statisticSums = std::move(statisticSums);
}

std::vector<float> CallAccumulator::mean() const
{
    return meanOf(m_sum, m_count);
}

std::vector<float> CallAccumulator::standardDeviation() const
{
    return deviationOf(m_sum, m_sumsq, m_count);
}

std::vector<float> CallAccumulator::headMeanMean() const
{
    return meanOf(m_headMeanSum, m_count);
}

std::vector<float> CallAccumulator::headMeanStandardDeviation() const
{
    return deviationOf(m_headMeanSum, m_headMeanSumsq, m_count);
}

std::vector<float> CallAccumulator::headMaxMean() const
{
    return meanOf(m_headMaxSum, m_count);
}

std::vector<float> CallAccumulator::headMaxStandardDeviation() const
{
    return deviationOf(m_headMaxSum, m_headMaxSumsq, m_count);
}

std::vector<float> CallAccumulator::headStatistic(int which) const
{
    const auto begin = m_statisticSums.begin() + which * m_heads;
    return meanOf(std::vector<double>(begin, begin + m_heads), m_count);
}

std::vector<float> CallAccumulator::received() const
{
    std::vector<float> out(static_cast<std::size_t>(m_heads * m_tk), 0.0f);
    if (m_count == 0)
        return out;
    const double scale = 1.0 / (static_cast<double>(m_count) * static_cast<double>(m_tq));
    for (int h = 0; h < m_heads; ++h)
        for (std::int64_t k = 0; k < m_tk; ++k) {
            double column = 0.0;
            for (std::int64_t q = 0; q < m_tq; ++q)
                column += m_sum[static_cast<std::size_t>((h * m_tq + q) * m_tk + k)];
            out[static_cast<std::size_t>(h * m_tk + k)] = static_cast<float>(column * scale);
        }
    return out;
}

std::vector<float> CallAccumulator::receivedOverHeads() const
{
    const std::vector<float> perHead = received();
    std::vector<float> out(static_cast<std::size_t>(m_tk), 0.0f);
    for (int h = 0; h < m_heads; ++h)
        for (std::int64_t k = 0; k < m_tk; ++k)
            out[static_cast<std::size_t>(k)]
                += perHead[static_cast<std::size_t>(h * m_tk + k)] / static_cast<float>(m_heads);
    return out;
}

std::vector<int> CallAccumulator::headsBySharpness() const
{
    const std::vector<float> entropy = headStatistic(0);
    std::vector<int> order(static_cast<std::size_t>(m_heads));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return entropy[static_cast<std::size_t>(a)] < entropy[static_cast<std::size_t>(b)];
    });
    return order;
}

} // namespace attnlens
