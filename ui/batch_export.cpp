#include "ui/batch_export.h"

#include <algorithm>
#include <climits>

#include <QCoreApplication>
#include <QEventLoop>
#include <QFutureWatcher>
#include <QProgressDialog>
#include <QtConcurrent/QtConcurrentRun>

#include "ui/background_task.h"
#include "ui/inference_controller.h"
#include "ui/report_exporter.h"

namespace attnlens {

namespace {

std::vector<HeadChoice> choicesFor(const BatchExportRequest &request, int heads)
{
    // The same order as attnlens-cli export: the heads, then the reductions.
    std::vector<HeadChoice> choices;
    if (request.allHeads)
        for (int h = 0; h < heads; ++h)
            choices.push_back({HeadChoice::Kind::Head, h});
    if (request.mean)
        choices.push_back({HeadChoice::Kind::MeanOfHeads, 0});
    if (request.max)
        choices.push_back({HeadChoice::Kind::MaxOfHeads, 0});
    return choices;
}

// Scores of one sample, computed on the thread pool while this thread keeps handling events.
SampleAttention scoresOf(const Workspace &workspace, std::int64_t row)
{
    QFutureWatcher<TaskResult<SampleAttention>> watcher;
    QEventLoop loop;
    QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    watcher.setFuture(QtConcurrent::run([workspace, row]() {
        TaskResult<SampleAttention> result;
        try {
            result.value = InferenceController::sampleAttention(workspace, row);
        } catch (const std::exception &e) {
            result.error = QString::fromUtf8(e.what());
        }
        return result;
    }));
    if (!watcher.isFinished())
        loop.exec();
    TaskResult<SampleAttention> result = watcher.result();
    if (!result.value)
        throw std::runtime_error(result.error.toStdString());
    return std::move(*result.value);
}

} // namespace

std::int64_t runBatchExport(const Workspace &workspace, const BatchExportRequest &request,
    QWidget *parent, QString *error, bool *cancelled)
{
    *cancelled = false;
    error->clear();
    if (!workspace.model || !workspace.dataset || workspace.model->attentionLayers().empty()) {
        *error = QObject::tr(
            "Nothing to export: open a model with an attention layer and a data set first.");
        return 0;
    }
    const Model &model = *workspace.model;
    const Dataset &data = *workspace.dataset;
    const int layerCount = static_cast<int>(model.attentionLayers().size());
    const std::int64_t first
        = std::clamp<std::int64_t>(request.firstRow, 0, data.sampleCount() - 1);
    const std::int64_t last
        = std::clamp<std::int64_t>(request.lastRow, first, data.sampleCount() - 1);
    std::int64_t perRow = 0;
    for (int l = 0; l < layerCount; ++l) {
        if (request.layer < 0 || request.layer == l)
            perRow += static_cast<std::int64_t>(
                choicesFor(request, model.attentionLayers()[static_cast<std::size_t>(l)].heads)
                    .size());
    }
    const std::int64_t total = perRow * (last - first + 1);

    QProgressDialog progress(QObject::tr("Exporting heatmaps…"), QObject::tr("Cancel"), 0,
        static_cast<int>(std::min<std::int64_t>(total, INT_MAX)), parent);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);

    std::int64_t written = 0;
    try {
        ReportExporter exporter(model, data, workspace.modelFile, request.report);
        for (std::int64_t row = first; row <= last; ++row) {
            if (static_cast<std::size_t>(row) < data.sampleUsable.size()
                && !data.sampleUsable[static_cast<std::size_t>(row)])
                continue;
            const SampleAttention scores = scoresOf(workspace, row);
            for (int l = 0; l < layerCount; ++l) {
                if (request.layer >= 0 && request.layer != l)
                    continue;
                const Tensor &layerScores = scores.layers[static_cast<std::size_t>(l)];
                const int heads = static_cast<int>(layerScores.dim(0));
                for (const HeadChoice &choice : choicesFor(request, heads)) {
                    QCoreApplication::processEvents();
                    if (progress.wasCanceled()) {
                        *cancelled = true;
                        return written;
                    }
                    exporter.write(l, choice, row, layerScores.data(), heads,
                        static_cast<int>(layerScores.dim(1)), static_cast<int>(layerScores.dim(2)));
                    ++written;
                    progress.setValue(static_cast<int>(std::min<std::int64_t>(written, INT_MAX)));
                }
            }
        }
        exporter.finish();
    } catch (const std::exception &e) {
        *error = QString::fromUtf8(e.what());
    }
    progress.setValue(progress.maximum());
    return written;
}

} // namespace attnlens
