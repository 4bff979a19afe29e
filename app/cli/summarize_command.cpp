#include <iostream>

#include "app/cli/commands.h"
#include "app/cli/job.h"
#include "core/analysis/summary_file.h"
#include "core/errors.h"
#include "ui/sample_groups.h"
#include "ui/summary_images.h"

namespace attnlens::cli {

namespace {

/// --by's grouping; a grouping the model or data do not allow is a usage error naming the flag.
std::vector<GroupBy> groupingOf(const Job &job, const std::string &by)
{
    if (by.empty())
        return {};
    const std::optional<GroupBy> kind = groupByFromName(by);
    if (!kind)
        throw UsageError("--by " + by + ": expected target, prediction or correct");
    if (const std::string refusal = groupByRefusal(*kind, *job.model, job.dataset);
        !refusal.empty())
        throw UsageError(
            refusal.rfind("--classes", 0) == 0 ? refusal : "--by " + by + ": " + refusal);
    return {*kind};
}

/// summarize --images: the summary's figures (SummaryImages), with export's options.
void writeImages(const Job &job, const DatasetSummary &summary, const CliOptions &options)
{
    std::vector<const AttentionLayerInfo *> calls;
    for (const AttentionLayerInfo &call : job.model->attentionLayers())
        calls.push_back(&call);
    ReportOptions report;
    report.directory = QString::fromStdString(options.images->string());
    report.format = *imageFormatFromName(QString::fromStdString(options.format));
    report.size = QSize(options.width, options.height);
    report.dpi = options.dpi;
    report.colorMap = QString::fromStdString(options.colormap);
    const std::shared_ptr<const Dataset> dataset(std::shared_ptr<void>(), &job.dataset);
    Workspace workspace;
    workspace.model = job.model;
    workspace.dataset = dataset;
    workspace.modelFile = QString::fromStdString(options.model.string());
    workspace.modelSha256 = QString::fromStdString(job.model->summary().sha256);
    SummaryImages images(std::move(workspace), report, headSetOf(options.heads, calls));
    // The summary outlives the images: share it without copying.
    const std::shared_ptr<const DatasetSummary> shared(std::shared_ptr<void>(), &summary);
    Progress progress("images");
    images.write(shared, [&](std::int64_t done, std::int64_t total) {
        if (interrupted())
            throw Interrupted {};
        progress.update(done, total);
    });
}

} // namespace

int runSummarize(const CliOptions &options)
{
    const Job job = openJob(options);
    if (job.model->attentionLayers().empty())
        throw UnsupportedModelError(options.model.filename().string()
            + ": the model has no attention call, so there is nothing to summarise");
    const SampleGrouping grouping(*job.model, job.dataset, groupingOf(job, options.by));
    DatasetSummary summary(job.model->attentionLayers());
    Progress progress("summarize");
    forEachChunk(job, options.chunkRows, progress, [&](std::int64_t begin, RunResult &&result) {
        const std::int64_t n = result.attention.empty() ? 0 : result.attention[0].scores.dim(0);
        const std::vector<std::int64_t> samples(
            job.rows.begin() + begin, job.rows.begin() + begin + n);
        summary.add(result.attention, grouping.of(samples, result.outputs.front()));
    });
    SummaryProvenance provenance;
    provenance.modelFile = options.model.filename().string();
    provenance.modelSha256 = job.model->summary().sha256;
    for (const auto &file : options.data)
        provenance.dataFiles.push_back(file.filename().string());
    provenance.by = options.by;
    writeSummary(options.out, summary, provenance);
    if (options.images)
        writeImages(job, summary, options);
    std::cerr << "wrote " << options.out.string() << ": " << job.rows.size() << " rows, "
              << summary.groups().size() << " group(s), " << summary.calls().size()
              << " attention call(s); rollout: "
              << (summary.rolloutRefusal().empty() ? "yes" : "no, " + summary.rolloutRefusal())
              << '\n';
    return 0;
}

int runMerge(const CliOptions &options)
{
    const SummaryFile merged = mergeSummaries(options.parts);
    writeSummary(options.out, merged.summary, merged.provenance);
    std::cerr << "wrote " << options.out.string() << ": " << options.parts.size() << " parts, "
              << merged.summary.groups().front()->count() << " rows\n";
    return 0;
}

} // namespace attnlens::cli
