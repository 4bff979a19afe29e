#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/analysis/dataset_summary.h"
#include "ui/workspace.h"

namespace attnlens {

/// What the desktop's Group scope shows: the summary of some samples, grouped every way the
/// model and data allow (GroupBy: target, prediction, correct), and which samples those were.
struct GroupScopeSummary
{
    std::shared_ptr<const DatasetSummary> summary;
    std::vector<std::int64_t> samples; ///< the dataset samples summarised, ascending
    bool allUsable = true;             ///< samples = every usable sample (not a table filter)
};

/// Runs `samples` (dataset sample indices, usable ones) through the model in chunks of 64 and
/// adds them to a DatasetSummary, each sample joining "all" and the groups of every applicable
/// GroupBy. `progress(done, total)` after each chunk; false cancels (returns nullptr). Throws
/// what Model::run throws. Any thread.
std::shared_ptr<const DatasetSummary> summarizeSamples(const Workspace &workspace,
    const std::vector<std::int64_t> &samples,
    const std::function<bool(std::int64_t, std::int64_t)> &progress);

} // namespace attnlens
