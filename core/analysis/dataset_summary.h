#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/analysis/group_summary.h"
#include "core/analysis/rollout.h"
#include "core/runtime/model.h"

namespace attnlens {

/// The statistics of a model's attention over a dataset, per group of samples: what
/// `attnlens-cli summarize` writes and `merge` adds up. Fed chunk by chunk (Model::run results),
/// so memory depends on the groups and the maps, never on the number of samples. Group "all"
/// always exists and receives every sample.
class DatasetSummary
{
public:
    explicit DatasetSummary(std::vector<AttentionLayerInfo> calls);

    const std::vector<AttentionLayerInfo> &calls() const { return m_calls; }
    /// Empty when the calls chain (every group has a rollout), else why they do not.
    const std::string &rolloutRefusal() const { return m_rolloutRefusal; }
    std::int64_t rolloutLength() const;

    /// Adds the samples of one chunk (on the engine's threads when the chunk is large enough):
    /// `attention` as Model::run returns it (one entry per call, each (N, heads, T_query, T_key));
    /// `groupsOf[n]` names the groups sample n belongs to besides "all" (e.g. {"target=M",
    /// "misclassified"}). Throws ShapeError when the attention does not fit the calls or groupsOf
    /// has another N.
    void add(const std::vector<AttentionScores> &attention,
        const std::vector<std::vector<std::string>> &groupsOf);
    /// Adds a summary of other samples of the same model. Throws ShapeError otherwise.
    void merge(const DatasetSummary &other);

    /// "all" first, then the other groups by name.
    std::vector<const GroupSummary *> groups() const;
    /// The named group, created empty when new.
    GroupSummary &group(const std::string &name);

private:
    /// add() for samples [begin, end) of the chunk, on the calling thread.
    void addRange(const std::vector<AttentionScores> &attention,
        const std::vector<std::vector<std::string>> &groupsOf, std::int64_t begin,
        std::int64_t end);

    std::vector<AttentionLayerInfo> m_calls;
    std::string m_rolloutRefusal;
    std::vector<Rollout> m_rollout;    ///< zero or one
    std::deque<GroupSummary> m_groups; ///< a deque: group() keeps references valid
};

} // namespace attnlens
