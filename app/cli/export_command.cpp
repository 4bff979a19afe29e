#include <algorithm>
#include <stdexcept>

#include "app/cli/commands.h"
#include "app/cli/job.h"
#include "core/errors.h"
#include "ui/report_job.h"

namespace attnlens::cli {

namespace {

std::vector<const AttentionLayerInfo *> selectLayers(const Model &model, const CliOptions &options)
{
    const auto &all = model.attentionLayers();
    if (all.empty())
        throw InputFileError(options.model.string()
            + ": the model has no attention layer, so there are no heatmaps to export");
    std::vector<const AttentionLayerInfo *> selected;
    for (const AttentionLayerInfo &layer : all) {
        const bool wanted = options.layers.empty()
            || std::any_of(
                options.layers.begin(), options.layers.end(), [&](const std::string &name) {
                    return name == layer.key || name == layer.layerName;
                });
        if (wanted)
            selected.push_back(&layer);
    }
    for (const std::string &name : options.layers) {
        const bool known
            = std::any_of(all.begin(), all.end(), [&](const AttentionLayerInfo &layer) {
                  return name == layer.key || name == layer.layerName;
              });
        if (!known) {
            std::string names;
            for (const AttentionLayerInfo &layer : all)
                names += (names.empty() ? "" : ", ") + layer.key;
            throw UsageError("--layer " + name + ": no such attention layer in "
                + options.model.filename().string() + " (attention layers: " + names + ")");
        }
    }
    return selected;
}

// The CLI's head flags: exactly one of --heads mean, max, all or a list. A listed head that a
// chosen attention call does not have is a usage error that names the flag.
HeadSet headSet(
    const HeadSelection &selection, const std::vector<const AttentionLayerInfo *> &calls)
{
    HeadSet set;
    if (selection.mean) {
        set.mean = true;
    } else if (selection.max) {
        set.max = true;
    } else if (selection.all) {
        set.allHeads = true;
    } else {
        set.heads = selection.heads;
        for (const AttentionLayerInfo *call : calls)
            for (const int h : selection.heads)
                if (h >= call->heads)
                    throw UsageError("--heads: layer " + call->key + " has "
                        + std::to_string(call->heads) + " heads (0.."
                        + std::to_string(call->heads - 1) + "), not " + std::to_string(h));
    }
    return set;
}

} // namespace

int runExport(const CliOptions &options)
{
    const Job opened = openJob(options);
    const auto calls = selectLayers(*opened.model, options);
    ReportPlan plan;
    plan.samples = opened.rows;
    for (const AttentionLayerInfo *call : calls)
        plan.calls.push_back(int(call - opened.model->attentionLayers().data()));
    plan.heads = headSet(options.heads, calls);

    ReportOptions report;
    report.directory = QString::fromStdString(options.out.string());
    report.format = *imageFormatFromName(QString::fromStdString(options.format));
    report.size = QSize(options.width, options.height);
    report.dpi = options.dpi;
    report.colorMap = QString::fromStdString(options.colormap);
    report.matrix = QString::fromStdString(options.matrix);
    report.labelFile = options.labels;
    const QString modelFile = QString::fromStdString(options.model.string());
    // The opened job outlives the report job: share its data set without copying it.
    const std::shared_ptr<const Dataset> dataset(std::shared_ptr<void>(), &opened.dataset);
    ReportJob reports(opened.model, dataset, modelFile,
        QString::fromStdString(opened.model->summary().sha256), report, plan);

    Progress progress("export");
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
    return 0;
}

} // namespace attnlens::cli
