#include "ui/batch_export.h"

#include <algorithm>
#include <climits>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QProgressDialog>
#include <QtConcurrent/QtConcurrentRun>
#include <qcustomplot.h>

#include "ui/attention_presenter.h"
#include "ui/background_task.h"
#include "ui/export_naming.h"
#include "ui/heatmap_figure.h"
#include "ui/inference_controller.h"

namespace attnlens {

namespace {

struct Choice
{
    HeadChoice head;
    exportnaming::HeadChoice name;
};

std::vector<Choice> choicesFor(const BatchExportRequest &request, int heads)
{
    // The same order as attnlens-cli export: the heads, or the reductions.
    std::vector<Choice> choices;
    if (request.allHeads) {
        for (int h = 0; h < heads; ++h)
            choices.push_back(
                {{HeadChoice::Kind::Head, h}, {exportnaming::HeadChoice::Kind::Head, h}});
    }
    if (request.mean)
        choices.push_back(
            {{HeadChoice::Kind::MeanOfHeads, 0}, {exportnaming::HeadChoice::Kind::Mean, 0}});
    if (request.max)
        choices.push_back(
            {{HeadChoice::Kind::MaxOfHeads, 0}, {exportnaming::HeadChoice::Kind::Max, 0}});
    return choices;
}

QString cliHeadText(const HeadChoice &head)
{
    return head.displayName(); // "head 2" (0-based), "mean over heads", "max over heads"
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

QString exportTitle(
    const Workspace &workspace, int layer, const QString &headText, std::int64_t row)
{
    const AttentionLayerInfo &info
        = workspace.model->attentionLayers().at(static_cast<std::size_t>(layer));
    QString title = QStringLiteral("%1 — %2 — %3 — row %4")
                        .arg(QFileInfo(workspace.modelFile).fileName(),
                            QString::fromStdString(info.key), headText)
                        .arg(row);
    if (workspace.dataset && row >= 0
        && static_cast<std::size_t>(row) < workspace.dataset->rowLabels.size()) {
        const std::string &label = workspace.dataset->rowLabels[static_cast<std::size_t>(row)];
        if (label != std::to_string(row))
            title += QStringLiteral(" (%1 %2)")
                         .arg(QString::fromStdString(workspace.dataset->rowLabelName),
                             QString::fromStdString(label));
    }
    return title;
}

QString fileSha256Hex(const QString &file)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&in);
    return QString::fromLatin1(hash.result().toHex());
}

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
    if (!QDir().mkpath(request.directory)) {
        *error = QObject::tr("Cannot create the folder %1.").arg(request.directory);
        return 0;
    }
    const Model &model = *workspace.model;
    const Dataset &data = *workspace.dataset;
    const int layerCount = static_cast<int>(model.attentionLayers().size());
    const std::int64_t first = std::clamp<std::int64_t>(request.firstRow, 0, data.rows() - 1);
    const std::int64_t last = std::clamp<std::int64_t>(request.lastRow, first, data.rows() - 1);
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

    const ImageFormat format = request.format;
    const QString extension = imageFormatExtension(format);
    ImageMetadata metadata;
    metadata.modelFile = QFileInfo(workspace.modelFile).fileName();
    metadata.modelSha256 = fileSha256Hex(workspace.modelFile);

    QCustomPlot plot; // offscreen, never shown: the CLI draws on the same kind of plot
    plot.setViewport(QRect(QPoint(0, 0), request.size));
    HeatmapFigure figure(&plot);
    figure.setColorMap(request.colorMap);

    std::int64_t written = 0;
    try {
        for (std::int64_t row = first; row <= last; ++row) {
            if (static_cast<std::size_t>(row) < data.rowUsable.size()
                && !data.rowUsable[static_cast<std::size_t>(row)])
                continue;
            const SampleAttention scores = scoresOf(workspace, row);
            for (int l = 0; l < layerCount; ++l) {
                if (request.layer >= 0 && request.layer != l)
                    continue;
                const AttentionLayerInfo &layer
                    = model.attentionLayers()[static_cast<std::size_t>(l)];
                const Tensor &layerScores = scores.layers[static_cast<std::size_t>(l)];
                const int heads = static_cast<int>(layerScores.dim(0));
                const AxisText text = presenter::axisText(workspace, l, row);
                figure.setAxisTitles(text.keyTitle, text.queryTitle);
                figure.setLabels(text.keys, text.queries);
                for (const Choice &choice : choicesFor(request, heads)) {
                    QCoreApplication::processEvents();
                    if (progress.wasCanceled()) {
                        *cancelled = true;
                        return written;
                    }
                    const RowMatrix matrix = headMatrix(layerScores, choice.head);
                    figure.setMatrix(matrix);
                    const QString title = exportTitle(workspace, l, cliHeadText(choice.head), row);
                    figure.setTitle(title);
                    exportnaming::ExportName name;
                    name.row = row;
                    name.rowCount = data.rows();
                    name.layerIndex = l;
                    name.layerCount = layerCount;
                    name.layerName = QString::fromStdString(layer.key);
                    name.head = choice.name;
                    name.headCount = heads;
                    const QString path = request.directory + QLatin1Char('/')
                        + exportnaming::fileName(name, extension);
                    ImageMetadata itemMetadata = metadata;
                    itemMetadata.layer = QString::fromStdString(layer.key);
                    itemMetadata.head = exportnaming::headTag(choice.name, heads);
                    itemMetadata.row = QString::number(row);
                    itemMetadata.title = title;
                    if (!imageexport::savePlot(
                            &plot, path, format, request.size, request.dpi, itemMetadata, error))
                        return written;
                    if (!request.matrix.isEmpty()) {
                        const QString matrixPath = request.directory + QLatin1Char('/')
                            + exportnaming::fileName(name, request.matrix);
                        const bool ok = request.matrix == QLatin1String("csv")
                            ? imageexport::saveMatrixCsv(matrixPath, matrix.data(),
                                static_cast<int>(matrix.rows()), static_cast<int>(matrix.cols()),
                                text.keys, text.queries, error)
                            : imageexport::saveMatrixNpy(matrixPath, matrix.data(),
                                static_cast<int>(matrix.rows()), static_cast<int>(matrix.cols()),
                                error);
                        if (!ok)
                            return written;
                    }
                    ++written;
                    progress.setValue(static_cast<int>(std::min<std::int64_t>(written, INT_MAX)));
                }
            }
        }
    } catch (const std::exception &e) {
        *error = QString::fromUtf8(e.what());
    }
    progress.setValue(progress.maximum());
    return written;
}

} // namespace attnlens
