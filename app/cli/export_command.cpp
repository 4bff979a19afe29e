#include <algorithm>
#include <stdexcept>

#include "app/cli/commands.h"
#include "app/cli/job.h"
#include "core/errors.h"
#include "ui/feature_weight_report.h"
#include "ui/report_job.h"

namespace attnlens::cli {

namespace {

bool named(const std::vector<std::string> &names, const std::string &key, const std::string &layer)
{
    return std::any_of(names.begin(), names.end(),
        [&](const std::string &name) { return name == key || name == layer; });
}

/// What --layer chose: every attention call and set of feature weights without it; an unknown
/// name is a usage error listing the names there are.
std::pair<std::vector<const AttentionLayerInfo *>, std::vector<int>> selectLayers(
    const Model &model, const CliOptions &options)
{
    const auto &calls = model.attentionLayers();
    const auto &sets = model.featureWeightLayers();
    if (calls.empty() && sets.empty())
        throw InputFileError(options.model.string()
            + ": the model has no attention layer and no feature weights, so there is nothing "
              "to export");
    std::pair<std::vector<const AttentionLayerInfo *>, std::vector<int>> selected;
    const bool all = options.layers.empty();
    for (const AttentionLayerInfo &call : calls)
        if (all || named(options.layers, call.key, call.layerName))
            selected.first.push_back(&call);
    for (std::size_t s = 0; s < sets.size(); ++s)
        if (all || named(options.layers, sets[s].key, sets[s].layerName))
            selected.second.push_back(static_cast<int>(s));
    for (const std::string &name : options.layers) {
        const bool known = std::any_of(calls.begin(), calls.end(),
                               [&](const auto &c) { return name == c.key || name == c.layerName; })
            || std::any_of(sets.begin(), sets.end(),
                [&](const auto &w) { return name == w.key || name == w.layerName; });
        if (!known) {
            std::string names;
            for (const AttentionLayerInfo &call : calls)
                names += (names.empty() ? "" : ", ") + call.key;
            for (const FeatureWeightsInfo &set : sets)
                names += (names.empty() ? "" : ", ") + set.key + " (feature weights)";
            throw UsageError("--layer " + name + ": no such attention layer in "
                + options.model.filename().string() + " (layers: " + names + ")");
        }
    }
    return selected;
}

void writeHeatmaps(const Job &opened, const std::vector<const AttentionLayerInfo *> &calls,
    const std::shared_ptr<const Dataset> &dataset, const QString &modelFile, const QString &sha,
    const CliOptions &options, Progress &progress)
{
    ReportPlan plan;
    plan.samples = opened.rows;
    for (const AttentionLayerInfo *call : calls)
        plan.calls.push_back(int(call - opened.model->attentionLayers().data()));
    plan.heads = headSetOf(options.heads, calls);

    ReportOptions report;
    report.directory = QString::fromStdString(options.out.string());
    report.format = *imageFormatFromName(QString::fromStdString(options.format));
    report.size = QSize(options.width, options.height);
    report.dpi = options.dpi;
    report.colorMap = QString::fromStdString(options.colormap);
    report.matrix = QString::fromStdString(options.matrix);
    report.labelFile = options.labels;
    report.dataOptions = options.dataOptions;
    ReportJob reports(opened.model, dataset, modelFile, sha, report, plan);

    std::int64_t written = 0;
    for (std::size_t c = 0; c < reports.chunkCount(); ++c) {
        const ReportChunk chunk = ReportJob::compute(reports.chunkInput(c));
        for (std::int64_t image = 0; image < reports.imagesIn(chunk); ++image) {
            if (interrupted())
                throw Interrupted {}; // ~ReportJob finishes the images in flight
            reports.write(chunk, image);
            progress.update(++written, reports.imageCount());
        }
    }
    reports.finish();
}

/// One bar chart per sample and chosen set of feature weights (FeatureWeightReport); --matrix
/// csv writes each chart's values beside it.
void writeFeatureWeights(const Job &opened, const std::vector<int> &sets,
    const std::shared_ptr<const Dataset> &dataset, const QString &modelFile, const QString &sha,
    const CliOptions &options, Progress &progress)
{
    WeightsReportOptions report;
    report.directory = QString::fromStdString(options.out.string());
    report.format = *imageFormatFromName(QString::fromStdString(options.format));
    report.size = QSize(options.width, options.height);
    report.dpi = options.dpi;
    report.csv = options.matrix == "csv";
    Workspace workspace;
    workspace.model = opened.model;
    workspace.dataset = dataset;
    workspace.modelFile = modelFile;
    workspace.modelSha256 = sha;
    FeatureWeightReport charts(std::move(workspace), report, sets);
    charts.write(opened.rows, [&](std::int64_t done, std::int64_t total) {
        if (interrupted())
            throw Interrupted {};
        progress.update(done, total);
        return true;
    });
}

} // namespace

int runExport(const CliOptions &options)
{
    if (options.session)
        return runSessionExport(options);
    const Job opened = openJob(options);
    const auto [calls, sets] = selectLayers(*opened.model, options);
    const QString modelFile = QString::fromStdString(options.model.string());
    // The opened job outlives the report jobs: share its data set without copying it.
    const std::shared_ptr<const Dataset> dataset(std::shared_ptr<void>(), &opened.dataset);
    const QString sha = QString::fromStdString(opened.model->summary().sha256);
    Progress progress("export");
    if (!calls.empty())
        writeHeatmaps(opened, calls, dataset, modelFile, sha, options, progress);
    if (!sets.empty())
        writeFeatureWeights(opened, sets, dataset, modelFile, sha, options, progress);
    return 0;
}

} // namespace attnlens::cli
