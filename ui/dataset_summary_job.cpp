#include "ui/dataset_summary_job.h"

#include <algorithm>

#include "ui/sample_groups.h"

namespace attnlens {

namespace {

constexpr std::size_t kChunkSamples = 64;

std::vector<GroupBy> applicableGroupings(const Model &model, const Dataset &dataset)
{
    std::vector<GroupBy> by;
    for (const GroupBy b : {GroupBy::Target, GroupBy::Prediction, GroupBy::Correct})
        if (groupByRefusal(b, model, dataset).empty())
            by.push_back(b);
    return by;
}

} // namespace

std::shared_ptr<const DatasetSummary> summarizeSamples(const Workspace &workspace,
    const std::vector<std::int64_t> &samples,
    const std::function<bool(std::int64_t, std::int64_t)> &progress)
{
    const Model &model = *workspace.model;
    const Dataset &dataset = *workspace.dataset;
    auto summary = std::make_shared<DatasetSummary>(model.attentionLayers());
    const SampleGrouping grouping(model, dataset, applicableGroupings(model, dataset));
    const auto total = static_cast<std::int64_t>(samples.size());
    for (std::size_t first = 0; first < samples.size(); first += kChunkSamples) {
        const std::size_t last = std::min(samples.size(), first + kChunkSamples);
        const std::vector<std::int64_t> chunk(
            samples.begin() + static_cast<long>(first), samples.begin() + static_cast<long>(last));
        const RunResult result = model.run(dataset.inputsOf(chunk));
        summary->add(result.attention, grouping.of(chunk, result.outputs.front()));
        if (progress && !progress(static_cast<std::int64_t>(last), total))
            return nullptr;
    }
    return summary;
}

} // namespace attnlens
