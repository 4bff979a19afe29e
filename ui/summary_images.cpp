#include "ui/summary_images.h"

#include <QDir>
#include <QFileInfo>
#include <qcustomplot.h>

#include "core/errors.h"
#include "ui/bar_figure.h"
#include "ui/export_naming.h"
#include "ui/group_presenter.h"
#include "ui/heatmap_figure.h"

namespace attnlens {

namespace {

QString groupTag(const std::string &group)
{
    return exportnaming::sanitize(QString::fromStdString(group));
}

QString callTag(int call, int calls, const std::string &key)
{
    return exportnaming::callTag(call, calls, QString::fromStdString(key));
}

} // namespace

SummaryImages::SummaryImages(Workspace workspace, ReportOptions options, HeadSet heads)
    : m_workspace(std::move(workspace))
    , m_options(std::move(options))
    , m_heads(std::move(heads))
    , m_mapPlot(std::make_unique<QCustomPlot>())
    , m_barPlot(std::make_unique<QCustomPlot>())
{
    if (!QDir().mkpath(m_options.directory) || !QFileInfo(m_options.directory).isDir())
        throw OutputError("cannot create the output directory " + m_options.directory.toStdString()
            + ": check that the path is writable");
    m_mapPlot->setViewport(QRect(QPoint(0, 0), m_options.size));
    m_barPlot->setViewport(QRect(QPoint(0, 0), m_options.size));
    m_map = std::make_unique<HeatmapFigure>(m_mapPlot.get());
    m_map->setColorMap(m_options.colorMap);
    m_bars = std::make_unique<BarFigure>(m_barPlot.get());
}

SummaryImages::~SummaryImages() = default;

std::int64_t SummaryImages::imageCount(const DatasetSummary &summary) const
{
    std::int64_t perGroup = summary.rolloutRefusal().empty() ? 1 : 0;
    for (const AttentionLayerInfo &call : summary.calls())
        perGroup += 3 * static_cast<std::int64_t>(headChoices(m_heads, call).size());
    return perGroup * static_cast<std::int64_t>(summary.groups().size());
}

void SummaryImages::save(QCustomPlot *plot, const QString &name, const ImageMetadata &metadata)
{
    const QString path
        = QDir(m_options.directory)
              .filePath(name + QLatin1Char('.') + imageFormatExtension(m_options.format));
    QString error;
    if (!imageexport::savePlot(
            plot, path, m_options.format, m_options.size, m_options.dpi, metadata, &error))
        throw OutputError(error.toStdString());
}

void SummaryImages::write(const std::shared_ptr<const DatasetSummary> &summary,
    const std::function<void(std::int64_t, std::int64_t)> &progress)
{
    const GroupScopeSummary scope {summary, {}, true};
    const auto &calls = summary->calls();
    const std::int64_t total = imageCount(*summary);
    std::int64_t done = 0;
    auto step = [&] {
        if (progress)
            progress(++done, total);
    };
    for (const GroupSummary *group : summary->groups()) {
        const QString tag = groupTag(group->name());
        for (int c = 0; c < static_cast<int>(calls.size()); ++c) {
            const AxisText text = presenter::groupAxisText(m_workspace, c);
            m_map->setLabels(text.keys, text.queries);
            m_map->setAxisTitles(text.keyTitle, text.queryTitle);
            const QString base = tag + QLatin1Char('_')
                + callTag(c, static_cast<int>(calls.size()), calls[std::size_t(c)].key);
            for (const HeadChoice &head : headChoices(m_heads, calls[std::size_t(c)])) {
                const QString name = base + QLatin1Char('_')
                    + exportnaming::headTag(head, calls[std::size_t(c)].heads);
                for (const GroupStatistic statistic :
                    {GroupStatistic::Mean, GroupStatistic::StandardDeviation}) {
                    const HeatmapContent content = presenter::groupContent(
                        m_workspace, scope, group->name(), c, head, statistic, RangeMode::PerHead);
                    m_map->setValueRange(content.range.first, content.range.second);
                    m_map->setTitle(content.title);
                    m_map->setMatrix(content.matrix);
                    ImageMetadata metadata = ReportExporter::metadata(m_workspace.modelFile,
                        m_workspace.modelSha256, calls[std::size_t(c)].key, head,
                        calls[std::size_t(c)].heads, -1, content.title, m_workspace.model.get());
                    metadata.row = QStringLiteral("group ") + QString::fromStdString(group->name());
                    const bool mean = statistic == GroupStatistic::Mean;
                    save(m_mapPlot.get(), mean ? name : name + QStringLiteral("_std"), metadata);
                    step();
                    if (!mean)
                        continue;
                    m_bars->setBars(presenter::receivedBars(content, text));
                    save(m_barPlot.get(), name + QStringLiteral("_received"), metadata);
                    step();
                }
            }
        }
        if (!summary->rolloutRefusal().empty())
            continue;
        const std::vector<float> rollout = group->rolloutMean();
        const std::int64_t t = summary->rolloutLength();
        RowMatrix matrix(t, t);
        std::copy(rollout.begin(), rollout.end(), matrix.data());
        const AxisText text = presenter::groupAxisText(m_workspace, 0);
        m_map->setLabels(text.keys, text.keys);
        m_map->setAxisTitles(text.keyTitle, text.queryTitle);
        const QString title
            = QStringLiteral("%1 — rollout over %2 attention calls — %3 (%4 samples)")
                  .arg(QFileInfo(m_workspace.modelFile).fileName())
                  .arg(calls.size())
                  .arg(presenter::groupDisplayName(group->name()))
                  .arg(group->count());
        m_map->setValueRange(
            matrix.minCoeff(), std::max(matrix.maxCoeff(), matrix.minCoeff() + 1e-6f));
        m_map->setTitle(title);
        m_map->setMatrix(matrix);
        ImageMetadata metadata;
        metadata.modelFile = QFileInfo(m_workspace.modelFile).fileName();
        metadata.modelSha256 = m_workspace.modelSha256;
        metadata.layer = QStringLiteral("rollout");
        metadata.row = QStringLiteral("group ") + QString::fromStdString(group->name());
        metadata.title = title;
        save(m_mapPlot.get(), tag + QStringLiteral("_rollout"), metadata);
        step();
    }
}

} // namespace attnlens
