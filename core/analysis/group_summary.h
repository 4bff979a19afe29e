#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/analysis/call_accumulator.h"
#include "core/runtime/model.h"

namespace attnlens {

/// Every statistic of one group of samples ("all", "target=M", "misclassified", ...): one
/// CallAccumulator per attention call, in Model::attentionLayers() order, and the sum of the
/// samples' rollouts when the calls chain. Streaming: memory does not grow with the samples.
class GroupSummary
{
public:
    /// `rolloutLength` T > 0 keeps a (T, T) rollout sum; 0 = no rollout.
    GroupSummary(
        std::string name, const std::vector<AttentionLayerInfo> &calls, std::int64_t rolloutLength);

    const std::string &name() const { return m_name; }
    std::int64_t count() const { return m_count; }
    const std::vector<CallAccumulator> &calls() const { return m_calls; }
    std::vector<CallAccumulator> &calls() { return m_calls; }
    std::int64_t rolloutLength() const { return m_rolloutLength; }

    /// One sample: `maps[i]` = its scores for call i, (heads, T_query, T_key); `rollout` its
    /// (T, T) rollout, or null when there is none.
    void add(const std::vector<const float *> &maps, const std::vector<double> *rollout);
    /// Adds a summary of the same group and calls. Throws ShapeError when they differ.
    void merge(const GroupSummary &other);

    /// Sum and mean over the group's samples of their rollouts, (T, T); empty when none.
    const std::vector<double> &rolloutSum() const { return m_rolloutSum; }
    std::vector<float> rolloutMean() const;
    /// Restores count and rollout sum read from a summary file (the calls restore their own).
    void restore(std::int64_t count, std::vector<double> rolloutSum);

private:
    std::string m_name;
    std::int64_t m_count = 0;
    std::vector<CallAccumulator> m_calls;
    std::int64_t m_rolloutLength = 0;
    std::vector<double> m_rolloutSum;
};

} // namespace attnlens
