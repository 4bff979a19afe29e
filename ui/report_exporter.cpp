#include "ui/report_exporter.h"

#include <filesystem>
#include <stdexcept>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <qcustomplot.h>

#include "core/errors.h"
#include "ui/attention_presenter.h"
#include "ui/export_naming.h"
#include "ui/heatmap_figure.h"
#include "ui/raster_encoder.h"

namespace attnlens {

ReportExporter::ReportExporter(std::shared_ptr<const Model> model,
    std::shared_ptr<const Dataset> dataset, const QString &modelFile, const QString &modelSha256,
    ReportOptions options)
    : m_model(std::move(model))
    , m_dataset(std::move(dataset))
    , m_modelFile(modelFile)
    , m_modelSha256(modelSha256)
    , m_options(std::move(options))
    , m_plot(std::make_unique<QCustomPlot>())
    , m_encoder(std::make_unique<RasterEncoder>())
{
    if (!m_model || !m_dataset)
        throw std::invalid_argument("a report needs a model and a data set");
    if (!QDir().mkpath(m_options.directory) || !QFileInfo(m_options.directory).isDir())
        throw OutputError("cannot create the output directory " + m_options.directory.toStdString()
            + ": check that the path is writable");
    // Offscreen and never shown: only the viewport sets the figure's size.
    m_plot->setViewport(QRect(QPoint(0, 0), m_options.size));
    m_figure = std::make_unique<HeatmapFigure>(m_plot.get());
    m_figure->setColorMap(m_options.colorMap);
}

ReportExporter::~ReportExporter()
{
    m_encoder->drain(); // before the plot goes: the jobs hold only images, but finish first
}

QString ReportExporter::title(const QString &modelFile, const std::string &attentionKey,
    const HeadChoice &head, const SampleCaption &caption)
{
    return QStringLiteral("%1 — %2 — %3 — %4")
        .arg(QFileInfo(modelFile).fileName(), QString::fromStdString(attentionKey),
            head.displayName(), caption.text());
}

exportnaming::ExportName ReportExporter::exportName(const Model &model, const Dataset *dataset,
    int attention, const HeadChoice &head, std::int64_t sample)
{
    const AttentionLayerInfo &call
        = model.attentionLayers().at(static_cast<std::size_t>(attention));
    exportnaming::ExportName name;
    name.row = sample;
    name.rowCount = dataset != nullptr ? dataset->sampleCount() : 1;
    name.attention = attention;
    name.attentionCount = static_cast<int>(model.attentionLayers().size());
    name.attentionKey = QString::fromStdString(call.key);
    name.head = head;
    name.headCount = call.heads;
    return name;
}

void ReportExporter::describe(ImageMetadata &metadata, const SampleCaption &caption)
{
    metadata.sampleId = caption.id;
    metadata.target = caption.target;
    metadata.prediction = caption.prediction;
}

ImageMetadata ReportExporter::metadata(const QString &modelFile, const QString &modelSha256,
    const std::string &attentionKey, const HeadChoice &head, int heads, std::int64_t row,
    const QString &title, const Model *model, const Dataset *dataset)
{
    ImageMetadata m;
    if (dataset != nullptr)
        for (const std::filesystem::path &file : dataset->files)
            m.dataFile += (m.dataFile.isEmpty() ? QString() : QStringLiteral(", "))
                + QString::fromStdString(file.filename().string());
    if (model != nullptr)
        for (const LayerInfo &layer : model->layers())
            if (!layer.recipe.empty())
                m.recipes += (m.recipes.isEmpty() ? QString() : QStringLiteral("; "))
                    + QString::fromStdString(layer.name + ": " + layer.recipe);
    m.modelFile = QFileInfo(modelFile).fileName();
    m.modelSha256 = modelSha256;
    m.layer = QString::fromStdString(attentionKey);
    m.head = exportnaming::headTag(head, heads);
    m.row = QString::number(row);
    m.title = title;
    return m;
}

QString ReportExporter::write(int attention, const HeadChoice &head, std::int64_t sample,
    const Tensor &scores, const std::vector<Tensor> &outputs)
{
    const auto &calls = m_model->attentionLayers();
    const AttentionLayerInfo &info = calls.at(static_cast<std::size_t>(attention));
    if (attention != m_labelledCall || sample != m_labelledSample) {
        LabelOptions labelOptions;
        labelOptions.labelFile = m_options.labelFile;
        labelOptions.sample = sample;
        const AxisText text = presenter::axisText(info, *m_dataset, labelOptions);
        m_figure->setAxisTitles(text.keyTitle, text.queryTitle);
        if (text.keys != m_keyLabels || text.queries != m_queryLabels) {
            m_figure->setLabels(text.keys, text.queries); // lays out again: only on change
            m_keyLabels = text.keys;
            m_queryLabels = text.queries;
        }
        m_labelledCall = attention;
        m_labelledSample = sample;
    }
    const RowMatrix matrix = headMatrix(scores, head);
    const int heads = static_cast<int>(scores.dim(0));
    m_figure->setMatrix(matrix);
    const SampleCaption caption
        = sampleCaption(*m_model, m_dataset.get(), m_options.dataOptions, sample, outputs);
    const QString figureTitle = title(m_modelFile, info.key, head, caption);
    m_figure->setTitle(figureTitle);

    const exportnaming::ExportName name
        = exportName(*m_model, m_dataset.get(), attention, head, sample);
    const QString path = m_options.directory + QLatin1Char('/')
        + exportnaming::fileName(name, imageFormatExtension(m_options.format));
    ImageMetadata imageMetadata = metadata(m_modelFile, m_modelSha256, info.key, head, heads,
        sample, figureTitle, m_model.get(), m_dataset.get());
    describe(imageMetadata, caption);
    const QCPRange shown = m_figure->colorMap()->dataRange();
    imageMetadata.range = rangeDescription(RangeMode::PerHead, shown.lower, shown.upper);
    QString error;
    if (m_options.format == ImageFormat::Png || m_options.format == ImageFormat::Jpg) {
        m_encoder->push(imageexport::render(m_plot.get(), m_options.size, m_options.dpi), path,
            m_options.format, imageMetadata);
    } else if (!imageexport::savePlot(m_plot.get(), path, m_options.format, m_options.size,
                   m_options.dpi, imageMetadata, &error)) {
        throw OutputError(error.toStdString());
    }
    if (!m_options.matrix.isEmpty()) {
        const auto queries = static_cast<int>(matrix.rows());
        const auto keys = static_cast<int>(matrix.cols());
        const QString matrixPath = m_options.directory + QLatin1Char('/')
            + exportnaming::fileName(name, m_options.matrix);
        const bool ok = m_options.matrix == QLatin1String("csv")
            ? imageexport::saveMatrixCsv(matrixPath, matrix.data(), queries, keys, m_keyLabels,
                m_queryLabels, &error, imageMetadata)
            : imageexport::saveMatrixNpy(matrixPath, matrix.data(), queries, keys, &error);
        if (!ok)
            throw OutputError(error.toStdString());
    }
    return path;
}

void ReportExporter::finish()
{
    m_encoder->finish();
}

} // namespace attnlens
