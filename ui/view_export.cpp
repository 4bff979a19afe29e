#include "ui/view_export.h"

#include <algorithm>
#include <stdexcept>

#include <QFileInfo>
#include <qcustomplot.h>

#include "core/errors.h"
#include "ui/export_naming.h"
#include "ui/group_presenter.h"
#include "ui/heatmap_figure.h"
#include "ui/report_exporter.h"

namespace attnlens::viewexport {

namespace {

[[noreturn]] void refuse(const QString &sessionPath, const QString &where, const QString &what)
{
    throw InputFileError(ErrorWhere::ofFile(sessionPath.toStdString())
        + (": at " + where + ": " + what
            + "; choose the view in AttnLens and save the session again")
              .toStdString());
}

int callIndex(const Workspace &workspace, const Session &session, const QString &sessionPath)
{
    const auto &calls = workspace.model->attentionLayers();
    if (session.attentionKey.isEmpty() && !calls.empty())
        return 0; // none chosen: the window shows the first call
    QStringList keys;
    for (std::size_t c = 0; c < calls.size(); ++c) {
        keys << QString::fromStdString(calls[c].key);
        if (keys.back() == session.attentionKey)
            return static_cast<int>(c);
    }
    refuse(sessionPath, QStringLiteral("$.view.call"),
        QStringLiteral("the model has no attention call '%1' (its calls: %2)")
            .arg(session.attentionKey, keys.isEmpty() ? QStringLiteral("none") : keys.join(", ")));
}

// The head the window shows for this call: the last one when the call has fewer.
HeadChoice fitted(HeadChoice head, int heads)
{
    if (head.kind == HeadChoice::Kind::Head && heads > 0)
        head.head = std::clamp(head.head, 0, heads - 1);
    return head;
}

void computeSample(ViewPicture &picture, const Workspace &workspace, const Session &session,
    int attention, const QString &sessionPath)
{
    const Dataset &dataset = *workspace.dataset;
    const std::int64_t sample = session.sample;
    if (sample >= dataset.sampleCount())
        refuse(sessionPath, QStringLiteral("$.view.sample"),
            QStringLiteral("sample %1 is not in the data, which has %2 samples")
                .arg(sample)
                .arg(dataset.sampleCount()));
    if (!dataset.sampleUsable.empty() && !dataset.sampleUsable[std::size_t(sample)])
        refuse(sessionPath, QStringLiteral("$.view.sample"),
            QStringLiteral("sample %1 has missing or unreadable values").arg(sample));
    SampleResult result = workspace.model->runSample(dataset.inputs, sample);
    const SampleAttention scores {sample, std::move(result.attention),
        std::move(result.featureWeights), std::move(result.outputs)};
    picture.content = presenter::content(workspace, scores, attention, session.head, session.range);
    picture.text = presenter::axisText(workspace, attention, sample);
    picture.outputs = scores.outputs;
}

void computeGroup(ViewPicture &picture, const Workspace &workspace, const Session &session,
    int attention, const QString &sessionPath)
{
    if (session.group == "shown")
        refuse(sessionPath, QStringLiteral("$.view.group"),
            QStringLiteral("\"shown\" is the rows the sample table's filter showed, which a "
                           "session does not keep"));
    const Dataset &dataset = *workspace.dataset;
    std::vector<std::int64_t> samples;
    for (const std::int64_t s : dataset.usableSampleIndices())
        if (dataset.sampleUsable[std::size_t(s)])
            samples.push_back(s);
    const GroupScopeSummary summary {
        summarizeSamples(workspace, samples, [](std::int64_t, std::int64_t) { return true; }),
        samples, true};
    QStringList groups;
    for (const GroupSummary *group : summary.summary->groups())
        groups << QString::fromStdString(group->name());
    if (!groups.contains(QString::fromStdString(session.group)))
        refuse(sessionPath, QStringLiteral("$.view.group"),
            QStringLiteral("the data has no group \"%1\" (its groups: %2)")
                .arg(QString::fromStdString(session.group), groups.join(", ")));
    picture.content = presenter::groupContent(workspace, summary, session.group, attention,
        session.head, session.statistic, session.range);
    picture.text = presenter::groupAxisText(workspace, attention);
}

} // namespace

ImageMetadata metadata(const Workspace &workspace, int attention, const HeadChoice &head,
    std::int64_t sample, Scope scope, const std::string &group, const QString &title,
    const QString &range, const std::vector<Tensor> &outputs)
{
    const AttentionLayerInfo &call
        = workspace.model->attentionLayers().at(static_cast<std::size_t>(attention));
    ImageMetadata m = ReportExporter::metadata(workspace.modelFile, workspace.modelSha256, call.key,
        head, call.heads, sample, title, workspace.model.get(), workspace.dataset.get());
    if (scope == Scope::Group)
        m.row = QStringLiteral("group ") + QString::fromStdString(group);
    else
        ReportExporter::describe(m,
            sampleCaption(
                *workspace.model, workspace.dataset.get(), workspace.dataOptions, sample, outputs));
    m.range = range;
    return m;
}

QString fileName(
    const Workspace &workspace, const Session &view, int attention, const QString &extension)
{
    const AttentionLayerInfo &call
        = workspace.model->attentionLayers().at(static_cast<std::size_t>(attention));
    const int calls = static_cast<int>(workspace.model->attentionLayers().size());
    const HeadChoice head = fitted(view.head, call.heads);
    if (view.scope == Scope::Group)
        return exportnaming::groupFileName(view.group, attention, calls,
            QString::fromStdString(call.key), head, call.heads,
            view.statistic == GroupStatistic::StandardDeviation, extension);
    return exportnaming::fileName(ReportExporter::exportName(*workspace.model,
                                      workspace.dataset.get(), attention, head, view.sample),
        extension);
}

ViewPicture compute(const Workspace &workspace, const Session &session, const QString &sessionPath,
    ImageFormat format)
{
    if (!workspace.model || !workspace.dataset)
        throw std::invalid_argument("a view needs a model and a data set");
    const int attention = callIndex(workspace, session, sessionPath);
    const AttentionLayerInfo &call = workspace.model->attentionLayers()[std::size_t(attention)];
    Session view = session;
    view.head = fitted(session.head, call.heads);
    ViewPicture picture;
    if (view.scope == Scope::Sample)
        computeSample(picture, workspace, view, attention, sessionPath);
    else
        computeGroup(picture, workspace, view, attention, sessionPath);
    picture.fileName = fileName(workspace, view, attention, imageFormatExtension(format));
    picture.metadata = metadata(workspace, attention, view.head, view.sample, view.scope,
        view.group, picture.content.title,
        rangeDescription(view.range, picture.content.range.first, picture.content.range.second),
        picture.outputs);
    return picture;
}

void save(const ViewPicture &picture, const QString &colorMap, const QString &path,
    ImageFormat format, QSize size, int dpi, const QString &matrix)
{
    QCustomPlot plot; // offscreen and never shown: the viewport sets the figure's size
    plot.setViewport(QRect(QPoint(0, 0), size));
    HeatmapFigure figure(&plot);
    figure.setColorMap(colorMap);
    figure.setAxisTitles(picture.text.keyTitle, picture.text.queryTitle);
    figure.setLabels(picture.text.keys, picture.text.queries);
    figure.setValueRange(picture.content.range.first, picture.content.range.second);
    figure.setTitle(picture.content.title);
    figure.setMatrix(picture.content.matrix);
    QString error;
    if (!imageexport::savePlot(&plot, path, format, size, dpi, picture.metadata, &error))
        throw OutputError(error.toStdString());
    if (matrix.isEmpty())
        return;
    const RowMatrix &m = picture.content.matrix;
    const QFileInfo info(path);
    const QString matrixPath = info.dir().filePath(info.completeBaseName() + '.' + matrix);
    const bool ok = matrix == QLatin1String("csv")
        ? imageexport::saveMatrixCsv(matrixPath, m.data(), int(m.rows()), int(m.cols()),
            picture.text.keys, picture.text.queries, &error, picture.metadata)
        : imageexport::saveMatrixNpy(matrixPath, m.data(), int(m.rows()), int(m.cols()), &error);
    if (!ok)
        throw OutputError(error.toStdString());
}

} // namespace attnlens::viewexport
