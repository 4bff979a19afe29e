#include <algorithm>
#include <deque>
#include <iostream>
#include <stdexcept>

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <qcustomplot.h>

#include "app/cli/commands.h"
#include "app/cli/session.h"
#include "core/data/axis_labels.h"
#include "core/errors.h"
#include "ui/export_naming.h"
#include "ui/heatmap_figure.h"
#include "ui/image_export.h"

namespace attnlens::cli {

namespace {

using exportnaming::HeadChoice;

QStringList toQStringList(const std::vector<std::string> &labels)
{
    QStringList result;
    result.reserve(qsizetype(labels.size()));
    for (const std::string &label : labels)
        result << QString::fromStdString(label);
    return result;
}

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

std::vector<HeadChoice> headChoices(const HeadSelection &selection, const AttentionLayerInfo &layer)
{
    std::vector<HeadChoice> choices;
    if (selection.mean)
        choices.push_back({HeadChoice::Kind::Mean, 0});
    else if (selection.max)
        choices.push_back({HeadChoice::Kind::Max, 0});
    else if (selection.all)
        for (int h = 0; h < layer.heads; ++h)
            choices.push_back({HeadChoice::Kind::Head, h});
    else
        for (const int h : selection.heads) {
            if (h >= layer.heads)
                throw UsageError("--heads: layer " + layer.key + " has "
                    + std::to_string(layer.heads) + " heads (0.." + std::to_string(layer.heads - 1)
                    + "), not " + std::to_string(h));
            choices.push_back({HeadChoice::Kind::Head, h});
        }
    return choices;
}

// The (T_query x T_key) map of `choice` from the scores of one sample, (heads, Tq, Tk).
void headMatrix(const float *sample, int heads, std::int64_t cells, const HeadChoice &choice,
    std::vector<float> &out)
{
    out.resize(std::size_t(cells));
    if (choice.kind == HeadChoice::Kind::Head) {
        std::copy_n(sample + choice.index * cells, cells, out.begin());
        return;
    }
    std::copy_n(sample, cells, out.begin());
    for (int h = 1; h < heads; ++h) {
        const float *head = sample + h * cells;
        for (std::int64_t i = 0; i < cells; ++i)
            out[std::size_t(i)] = choice.kind == HeadChoice::Kind::Max
                ? std::max(out[std::size_t(i)], head[i])
                : out[std::size_t(i)] + head[i];
    }
    if (choice.kind == HeadChoice::Kind::Mean)
        for (float &value : out)
            value /= float(heads);
}

QString headText(const HeadChoice &choice)
{
    switch (choice.kind) {
    case HeadChoice::Kind::Mean:
        return QStringLiteral("mean over heads");
    case HeadChoice::Kind::Max:
        return QStringLiteral("max over heads");
    case HeadChoice::Kind::Head:
        break;
    }
    return QStringLiteral("head %1").arg(choice.index);
}

QString axisTitle(const AxisOrigin &origin, const QString &fallback)
{
    switch (origin.kind) {
    case AxisOrigin::Kind::Features:
        return fallback + QStringLiteral(" (feature)");
    case AxisOrigin::Kind::TimeSteps:
        return fallback + QStringLiteral(" (time step)");
    case AxisOrigin::Kind::Tokens:
        return fallback + QStringLiteral(" (token)");
    case AxisOrigin::Kind::Unknown:
        break;
    }
    return fallback;
}

// Raster images are encoded on worker threads while the next one renders; at most a few are
// in flight so memory stays bounded.
class EncoderQueue
{
public:
    EncoderQueue() { m_pool.setMaxThreadCount(2); }
    ~EncoderQueue() { drain(); }

    void push(QImage image, QString path, ImageFormat format, ImageMetadata metadata)
    {
        while (m_pending.size() >= 4)
            takeFront();
        m_pending.push_back(QtConcurrent::run(&m_pool, [=]() {
            QString error;
            imageexport::saveRaster(image, path, format, metadata, &error);
            return error;
        }));
    }

    void drain()
    {
        while (!m_pending.empty())
            takeFront();
    }

    /// The first error of a finished job, thrown after every job is done.
    void rethrow()
    {
        drain();
        if (!m_error.isEmpty())
            throw std::runtime_error(m_error.toStdString());
    }

private:
    void takeFront()
    {
        const QString error = m_pending.front().result();
        m_pending.pop_front();
        if (m_error.isEmpty() && !error.isEmpty())
            m_error = error;
    }

    QThreadPool m_pool;
    std::deque<QFuture<QString>> m_pending;
    QString m_error;
};

} // namespace

int runExport(const CliOptions &options)
{
    const Session session = openSession(options);
    const Model &model = *session.model;
    const auto layers = selectLayers(model, options);
    std::vector<std::vector<HeadChoice>> choices;
    std::int64_t imagesPerRow = 0;
    for (const AttentionLayerInfo *layer : layers) {
        choices.push_back(headChoices(options.heads, *layer));
        imagesPerRow += std::int64_t(choices.back().size());
    }

    std::error_code code;
    std::filesystem::create_directories(options.out, code);
    if (code || !std::filesystem::is_directory(options.out))
        throw std::runtime_error(
            "cannot create the output directory " + options.out.string() + ": " + code.message());

    const ImageFormat format = *imageFormatFromName(QString::fromStdString(options.format));
    const QString extension = imageFormatExtension(format);
    const QSize size(options.width, options.height);
    const QString modelName = QString::fromStdString(options.model.filename().string());
    ImageMetadata metadata;
    metadata.modelFile = modelName;
    metadata.modelSha256 = QString::fromStdString(fileSha256(options.model));

    QCustomPlot plot;
    plot.setViewport(QRect(QPoint(0, 0), size));
    HeatmapFigure figure(&plot);
    figure.setColorMap(QString::fromStdString(options.colormap));

    RunOptions runOptions;
    for (const AttentionLayerInfo *layer : layers)
        runOptions.onlyKeys.push_back(layer->key);

    EncoderQueue encoder;
    Progress progress("export");
    const std::int64_t total = std::int64_t(session.rows.size()) * imagesPerRow;
    std::int64_t written = 0;
    std::vector<float> matrix;
    QStringList shownKeyLabels;
    QStringList shownQueryLabels;
    const std::int64_t batch = 64;
    const std::int64_t rowCount = std::int64_t(session.rows.size());
    for (std::int64_t begin = 0; begin < rowCount; begin += batch) {
        const std::int64_t end = std::min(rowCount, begin + batch);
        std::vector<Tensor> inputs;
        for (const Tensor &input : session.inputs)
            inputs.push_back(input.slice(begin, end));
        const RunResult result = model.run(inputs, runOptions);
        for (std::int64_t i = begin; i < end; ++i) {
            const std::int64_t row = session.rows[std::size_t(i)];
            for (std::size_t l = 0; l < layers.size(); ++l) {
                const AttentionLayerInfo &layer = *layers[l];
                const auto found = std::find_if(result.attention.begin(), result.attention.end(),
                    [&](const AttentionScores &scores) { return scores.key == layer.key; });
                if (found == result.attention.end())
                    throw std::runtime_error("the engine returned no scores for " + layer.key);
                const Tensor &scores = found->scores; // (n, heads, Tq, Tk)
                const int heads = int(scores.dim(1));
                const int queries = int(scores.dim(2));
                const int keys = int(scores.dim(3));
                const std::int64_t cells = std::int64_t(queries) * keys;
                const float *sample = scores.data() + (i - begin) * heads * cells;

                LabelOptions labelOptions;
                labelOptions.labelFile = options.labels;
                labelOptions.row = row;
                const AxisLabels labels = axisLabels(layer, session.dataset, labelOptions);
                figure.setAxisTitles(axisTitle(layer.keyOrigin, QStringLiteral("key")),
                    axisTitle(layer.queryOrigin, QStringLiteral("query")));
                const QStringList keyLabels = toQStringList(labels.key);
                const QStringList queryLabels = toQStringList(labels.query);
                if (keyLabels != shownKeyLabels || queryLabels != shownQueryLabels) {
                    figure.setLabels(keyLabels, queryLabels); // lays out again: only on change
                    shownKeyLabels = keyLabels;
                    shownQueryLabels = queryLabels;
                }
                const std::string &rowLabel = session.dataset.rowLabels.size() > std::size_t(row)
                    ? session.dataset.rowLabels[std::size_t(row)]
                    : std::to_string(row);

                for (const HeadChoice &choice : choices[l]) {
                    if (interrupted()) {
                        encoder.drain();
                        throw Interrupted {};
                    }
                    headMatrix(sample, heads, cells, choice, matrix);
                    figure.setMatrix(matrix.data(), queries, keys);
                    QString title
                        = QStringLiteral("%1 — %2 — %3 — row %4")
                              .arg(modelName, QString::fromStdString(layer.key), headText(choice))
                              .arg(row);
                    if (rowLabel != std::to_string(row))
                        title += QStringLiteral(" (%1 %2)")
                                     .arg(QString::fromStdString(session.dataset.rowLabelName),
                                         QString::fromStdString(rowLabel));
                    figure.setTitle(title);

                    exportnaming::ExportName name;
                    name.row = row;
                    name.rowCount = session.dataset.rows();
                    name.layerIndex = int(&layer - model.attentionLayers().data());
                    name.layerCount = int(model.attentionLayers().size());
                    name.layerName = QString::fromStdString(layer.key);
                    name.head = choice;
                    name.headCount = heads;
                    const QString directory = QString::fromStdString(options.out.string());
                    const QString path
                        = directory + QLatin1Char('/') + exportnaming::fileName(name, extension);

                    ImageMetadata imageMetadata = metadata;
                    imageMetadata.layer = QString::fromStdString(layer.key);
                    imageMetadata.head = exportnaming::headTag(choice, heads);
                    imageMetadata.row = QString::number(row);
                    imageMetadata.title = title;
                    if (format == ImageFormat::Png || format == ImageFormat::Jpg) {
                        encoder.push(imageexport::render(&plot, size, options.dpi), path, format,
                            imageMetadata);
                    } else {
                        QString error;
                        if (!imageexport::savePlot(
                                &plot, path, format, size, options.dpi, imageMetadata, &error))
                            throw std::runtime_error(error.toStdString());
                    }
                    if (!options.matrix.empty()) {
                        const QString matrixPath = directory + QLatin1Char('/')
                            + exportnaming::fileName(name, QString::fromStdString(options.matrix));
                        QString error;
                        const bool ok = options.matrix == "csv"
                            ? imageexport::saveMatrixCsv(matrixPath, matrix.data(), queries, keys,
                                keyLabels, queryLabels, &error)
                            : imageexport::saveMatrixNpy(
                                matrixPath, matrix.data(), queries, keys, &error);
                        if (!ok)
                            throw std::runtime_error(error.toStdString());
                    }
                    progress.update(++written, total);
                }
            }
        }
    }
    encoder.rethrow();
    return 0;
}

} // namespace attnlens::cli
