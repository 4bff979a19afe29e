#include "ui/feature_weight_report.h"

#include <algorithm>

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <qcustomplot.h>

#include "core/errors.h"
#include "core/runtime/model.h"
#include "ui/bar_figure.h"
#include "ui/export_naming.h"
#include "ui/feature_weight_bars.h"

namespace attnlens {

namespace {

constexpr std::int64_t kChunkSamples = 64;

/// Row `r` of (N, count) weights, or static (count,) weights as they are.
Tensor weightsOfRow(const Tensor &weights, std::int64_t r)
{
    if (weights.rank() != 2)
        return weights;
    return weights.sample(r).reshaped({weights.dim(1)});
}

} // namespace

FeatureWeightReport::FeatureWeightReport(
    Workspace workspace, WeightsReportOptions options, std::vector<int> sets)
    : m_workspace(std::move(workspace))
    , m_options(std::move(options))
    , m_sets(std::move(sets))
    , m_plot(std::make_unique<QCustomPlot>())
{
    if (!QDir().mkpath(m_options.directory) || !QFileInfo(m_options.directory).isDir())
        throw OutputError("cannot create the output directory " + m_options.directory.toStdString()
            + ": check that the path is writable");
    m_plot->setViewport(QRect(QPoint(0, 0), m_options.size));
    m_figure = std::make_unique<BarFigure>(m_plot.get());
}

FeatureWeightReport::~FeatureWeightReport() = default;

std::int64_t FeatureWeightReport::chartCount(const std::vector<std::int64_t> &samples) const
{
    std::int64_t count = 0;
    for (const int set : m_sets)
        count += m_workspace.model->featureWeightLayers().at(static_cast<std::size_t>(set)).isStatic
            ? (samples.empty() ? 0 : 1)
            : static_cast<std::int64_t>(samples.size());
    return count;
}

void FeatureWeightReport::write(const std::vector<std::int64_t> &samples,
    const std::function<bool(std::int64_t, std::int64_t)> &progress)
{
    const auto &sets = m_workspace.model->featureWeightLayers();
    if (m_sets.empty() || samples.empty())
        return;
    const std::int64_t total = chartCount(samples);
    std::int64_t done = 0;
    RunOptions run;
    run.captureAttention = false;
    for (std::size_t first = 0; first < samples.size(); first += kChunkSamples) {
        const std::size_t last = std::min(samples.size(), first + kChunkSamples);
        const std::vector<std::int64_t> chunk(
            samples.begin() + static_cast<long>(first), samples.begin() + static_cast<long>(last));
        const RunResult result = m_workspace.model->run(m_workspace.dataset->inputsOf(chunk), run);
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            SampleAttention scores;
            scores.sample = chunk[i];
            for (const FeatureWeights &weights : result.featureWeights)
                scores.featureWeights.push_back(
                    weightsOfRow(weights.weights, static_cast<std::int64_t>(i)));
            for (const int s : m_sets) {
                if (sets.at(static_cast<std::size_t>(s)).isStatic && (first > 0 || i > 0))
                    continue; // written once
                writeChart(scores, s);
                if (progress && !progress(++done, total))
                    return;
            }
        }
    }
}

void FeatureWeightReport::writeChart(const SampleAttention &scores, int set)
{
    const BarChart bars
        = presenter::featureWeightBars(m_workspace, scores, set, BarOrder::Position);
    const FeatureWeightsInfo &info
        = m_workspace.model->featureWeightLayers().at(static_cast<std::size_t>(set));
    exportnaming::WeightsName name;
    name.row = scores.sample;
    name.rowCount = m_workspace.dataset ? m_workspace.dataset->sampleCount() : 1;
    name.set = set;
    name.setCount = static_cast<int>(m_workspace.model->featureWeightLayers().size());
    name.key = QString::fromStdString(info.key);
    name.isStatic = info.isStatic;
    const QDir dir(m_options.directory);

    m_figure->setBars(bars);
    ImageMetadata metadata;
    metadata.modelFile = QFileInfo(m_workspace.modelFile).fileName();
    metadata.modelSha256 = m_workspace.modelSha256;
    metadata.layer = name.key;
    metadata.row = info.isStatic ? QString() : QString::number(scores.sample);
    metadata.title = bars.title;
    QString error;
    const QString image
        = dir.filePath(exportnaming::fileName(name, imageFormatExtension(m_options.format)));
    if (!imageexport::savePlot(
            m_plot.get(), image, m_options.format, m_options.size, m_options.dpi, metadata, &error))
        throw OutputError(error.toStdString());
    if (!m_options.csv)
        return;
    const QString csvPath = dir.filePath(exportnaming::fileName(name, QStringLiteral("csv")));
    QSaveFile csv(csvPath);
    const QByteArray bytes = barCsv(bars).toUtf8();
    if (!csv.open(QIODevice::WriteOnly) || csv.write(bytes) != bytes.size() || !csv.commit())
        throw OutputError(
            "cannot write " + csvPath.toStdString() + ": " + csv.errorString().toStdString());
}

} // namespace attnlens
