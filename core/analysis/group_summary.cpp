#include "core/analysis/group_summary.h"

#include "core/errors.h"

namespace attnlens {

GroupSummary::GroupSummary(
    std::string name, const std::vector<AttentionLayerInfo> &calls, std::int64_t rolloutLength)
    : m_name(std::move(name))
    , m_rolloutLength(rolloutLength)
{
    for (const AttentionLayerInfo &call : calls)
        m_calls.emplace_back(call.key, call.heads, call.queryLength, call.keyLength);
    if (rolloutLength > 0)
        m_rolloutSum.assign(static_cast<std::size_t>(rolloutLength * rolloutLength), 0.0);
}

void GroupSummary::add(const std::vector<const float *> &maps, const std::vector<double> *rollout)
{
    if (maps.size() != m_calls.size())
        throw ShapeError("group '" + m_name + "': " + std::to_string(maps.size())
            + " attention maps for " + std::to_string(m_calls.size()) + " calls.");
    for (std::size_t i = 0; i < maps.size(); ++i)
        m_calls[i].add(maps[i]);
    if (rollout && !m_rolloutSum.empty()) {
        if (rollout->size() != m_rolloutSum.size())
            throw ShapeError("group '" + m_name + "': a rollout of the wrong size.");
        for (std::size_t i = 0; i < m_rolloutSum.size(); ++i)
            m_rolloutSum[i] += (*rollout)[i];
    }
    ++m_count;
}

void GroupSummary::merge(const GroupSummary &other)
{
    if (other.m_calls.size() != m_calls.size() || other.m_rolloutLength != m_rolloutLength)
        throw ShapeError("group '" + other.m_name
            + "' holds other attention calls than the summary it is merged into; merge only "
              "parts made by one model.");
    for (std::size_t i = 0; i < m_calls.size(); ++i)
        m_calls[i].merge(other.m_calls[i]);
    for (std::size_t i = 0; i < m_rolloutSum.size(); ++i)
        m_rolloutSum[i] += other.m_rolloutSum[i];
    m_count += other.m_count;
}

std::vector<float> GroupSummary::rolloutMean() const
{
    std::vector<float> out(m_rolloutSum.size(), 0.0f);
    if (m_count == 0)
        return out;
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<float>(m_rolloutSum[i] / static_cast<double>(m_count));
    return out;
}

void GroupSummary::restore(std::int64_t count, std::vector<double> rolloutSum)
{
    if (rolloutSum.size() != m_rolloutSum.size())
        throw ShapeError("group '" + m_name + "': a rollout of " + std::to_string(rolloutSum.size())
            + " values; the calls need " + std::to_string(m_rolloutSum.size()) + ".");
    m_count = count;
    m_rolloutSum = std::move(rolloutSum);
}

} // namespace attnlens
