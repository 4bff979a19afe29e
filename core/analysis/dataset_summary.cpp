#include "core/analysis/dataset_summary.h"

#include <algorithm>
#include <exception>

#include <omp.h>

#include "core/errors.h"

namespace attnlens {

DatasetSummary::DatasetSummary(std::vector<AttentionLayerInfo> calls)
    : m_calls(std::move(calls))
    , m_rolloutRefusal(Rollout::refusal(m_calls))
{
    if (m_rolloutRefusal.empty())
        m_rollout.emplace_back(m_calls);
    group("all");
}

std::int64_t DatasetSummary::rolloutLength() const
{
    return m_rollout.empty() ? 0 : m_rollout.front().length();
}

GroupSummary &DatasetSummary::group(const std::string &name)
{
    const auto it = std::find_if(
        m_groups.begin(), m_groups.end(), [&](const GroupSummary &g) { return g.name() == name; });
    if (it != m_groups.end())
        return *it;
    m_groups.emplace_back(name, m_calls, rolloutLength());
    return m_groups.back();
}

void DatasetSummary::add(const std::vector<AttentionScores> &attention,
    const std::vector<std::vector<std::string>> &groupsOf)
{
    if (attention.size() != m_calls.size())
        throw ShapeError("summary: " + std::to_string(attention.size())
            + " attention calls captured; the model has " + std::to_string(m_calls.size()) + ".");
    const auto samples = static_cast<std::int64_t>(groupsOf.size());
    std::int64_t perSample = 0; ///< doubles one group holds
    for (std::size_t i = 0; i < m_calls.size(); ++i) {
        const AttentionLayerInfo &call = m_calls[i];
        const Shape expected {samples, call.heads, call.queryLength, call.keyLength};
        if (attention[i].scores.shape() != expected)
            throw ShapeError("summary: attention call '" + call.key + "' has scores of shape "
                + shapeToString(attention[i].scores.shape()) + "; expected "
                + shapeToString(expected) + ".");
        perSample += (2 * call.heads + 4) * call.queryLength * call.keyLength;
    }
    // Samples are split among the threads, each adding into a summary of its own, merged at
    // the end; only while those extra summaries stay small (a deep model of long sequences is
    // summarised on one thread rather than hold a copy of every group per thread).
    const int threads = omp_get_max_threads();
    const double extraBytes = 8.0 * static_cast<double>(perSample)
        * static_cast<double>(m_groups.size() + 2) * (threads - 1);
    const int parts = samples >= 8 * threads && extraBytes < 256.0 * 1024 * 1024 ? threads : 1;
    std::vector<DatasetSummary> partial;
    for (int t = 1; t < parts; ++t)
        partial.emplace_back(m_calls);
    std::exception_ptr failure;
#pragma omp parallel for num_threads(parts) schedule(static, 1)
    for (int t = 0; t < parts; ++t) {
        try {
            DatasetSummary &into = t == 0 ? *this : partial[static_cast<std::size_t>(t - 1)];
            into.addRange(attention, groupsOf, samples * t / parts, samples * (t + 1) / parts);
        } catch (...) {
#pragma omp critical
            failure = std::current_exception();
        }
    }
    if (failure)
        std::rethrow_exception(failure);
    for (const DatasetSummary &p : partial)
        merge(p);
}

void DatasetSummary::addRange(const std::vector<AttentionScores> &attention,
    const std::vector<std::vector<std::string>> &groupsOf, std::int64_t begin, std::int64_t end)
{
    std::vector<std::int64_t> stride;
    for (const AttentionLayerInfo &call : m_calls)
        stride.push_back(call.heads * call.queryLength * call.keyLength);
    std::vector<GroupSummary *> targets;
    std::vector<const float *> maps(m_calls.size());
    for (std::int64_t n = begin; n < end; ++n) {
        for (std::size_t i = 0; i < maps.size(); ++i)
            maps[i] = attention[i].scores.data() + n * stride[i];
        std::vector<double> rollout;
        if (!m_rollout.empty())
            rollout = m_rollout.front().ofSample(maps);
        targets.assign(1, &group("all"));
        for (const std::string &name : groupsOf[static_cast<std::size_t>(n)])
            targets.push_back(&group(name));
        for (GroupSummary *g : targets)
            g->add(maps, m_rollout.empty() ? nullptr : &rollout);
    }
}

void DatasetSummary::merge(const DatasetSummary &other)
{
    if (other.m_calls.size() != m_calls.size())
        throw ShapeError("summary: the parts come from models with different attention calls.");
    for (std::size_t i = 0; i < m_calls.size(); ++i)
        if (other.m_calls[i].key != m_calls[i].key)
            throw ShapeError("summary: attention call '" + other.m_calls[i].key
                + "' where another part has '" + m_calls[i].key + "'.");
    for (const GroupSummary &g : other.m_groups)
        group(g.name()).merge(g);
}

std::vector<const GroupSummary *> DatasetSummary::groups() const
{
    std::vector<const GroupSummary *> out;
    for (const GroupSummary &g : m_groups)
        out.push_back(&g);
    std::stable_sort(out.begin(), out.end(), [](const GroupSummary *a, const GroupSummary *b) {
        if ((a->name() == "all") != (b->name() == "all"))
            return a->name() == "all";
        return a->name() < b->name();
    });
    return out;
}

} // namespace attnlens
