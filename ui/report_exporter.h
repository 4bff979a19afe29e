#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <QSize>
#include <QString>
#include <QStringList>

#include "core/data/dataset.h"
#include "core/runtime/model.h"
#include "ui/head_matrix.h"
#include "ui/image_export.h"

class QCustomPlot;

namespace attnlens {

class HeatmapFigure;
class RasterEncoder;

/// How the figures of a report are written (attnlens-cli export and File > Batch Export).
struct ReportOptions
{
    QString directory; ///< created if missing
    ImageFormat format = ImageFormat::Png;
    QSize size {800, 600}; ///< logical pixels at 96 DPI
    int dpi = 96;          ///< raster scale dpi / 96, stored as the image resolution
    QString colorMap = QStringLiteral("viridis");
    QString matrix; ///< "", "csv" or "npy": the matrix is also written beside each image
    /// One label per line for both axes instead of the data set's (attnlens-cli --labels).
    std::optional<std::filesystem::path> labelFile;
};

/// Writes one figure per (attention layer, head choice, data row), the same way for the CLI and
/// the GUI so the two cannot drift: matrix from the sample's scores, axis titles and tick labels
/// (presenter::axisText), title (title()), file name (exportnaming::fileName), PNG text chunks
/// (metadata()), optional CSV/NPY matrix. Draws on its own offscreen QCustomPlot, so it must be
/// used on the GUI thread; PNG/JPG encoding runs on worker threads (RasterEncoder).
///
/// Usage:
///   ReportExporter exporter(model, dataset, "/path/model.keras", options);  // throws
///   for (...) exporter.write(layer, head, row, scores, heads, queries, keys);
///   exporter.finish();                                            // throws the first error
class ReportExporter
{
public:
    /// `model` and `dataset` must outlive the exporter; `modelFile` names the model in titles
    /// and PNG chunks (file name and SHA-256 of its bytes). Creates options.directory; throws
    /// OutputError when it cannot.
    ReportExporter(const Model &model, const Dataset &dataset, const QString &modelFile,
        ReportOptions options);
    /// Waits for images still being encoded (their errors are dropped: call finish()).
    ~ReportExporter();
    ReportExporter(const ReportExporter &) = delete;
    ReportExporter &operator=(const ReportExporter &) = delete;

    /// Writes the figure of `head` for dataset row `row` and attention layer `layer` (index in
    /// Model::attentionLayers()). `scores` is that sample's scores of the layer, row-major
    /// (heads, queries, keys). Returns the image path (the matrix file has the same name with
    /// the matrix extension). Throws OutputError when a vector image or a matrix cannot
    /// be written (raster errors come from finish()), and what axisLabels throws.
    QString write(int layer, const HeadChoice &head, std::int64_t row, const float *scores,
        int heads, int queries, int keys);
    /// Waits for every image; throws OutputError with the first error, if any.
    void finish();

    /// "model.keras — feature_attention — head 2 — row 12", plus " (<row label name> <label>)"
    /// when `dataset` labels the row with something other than its index. `modelFile` may be a
    /// path: only its file name is shown.
    static QString title(const QString &modelFile, const std::string &layerKey,
        const HeadChoice &head, std::int64_t row, const Dataset *dataset);
    /// PNG text chunks of a figure: model file name and SHA-256, layer key, head tag ("h02",
    /// "mean", "max"), row, title.
    static ImageMetadata metadata(const QString &modelFile, const QString &modelSha256,
        const std::string &layerKey, const HeadChoice &head, int heads, std::int64_t row,
        const QString &title);

private:
    const Model &m_model;
    const Dataset &m_dataset;
    QString m_modelFile;
    QString m_modelSha256;
    ReportOptions m_options;
    std::unique_ptr<QCustomPlot> m_plot;
    std::unique_ptr<HeatmapFigure> m_figure;
    std::unique_ptr<RasterEncoder> m_encoder;
    int m_labelledLayer = -1; ///< layer and row whose labels the figure shows
    std::int64_t m_labelledRow = -1;
    QStringList m_keyLabels;
    QStringList m_queryLabels;
};

/// SHA-256 of a file's bytes as lower-case hex (core/io/sha256.h), empty if unreadable.
QString fileSha256Hex(const QString &file);

} // namespace attnlens
