#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <QSize>
#include <QString>
#include <QStringList>

#include "core/data/dataset.h"
#include "core/runtime/model.h"
#include "ui/export_naming.h"
#include "ui/head_matrix.h"
#include "ui/image_export.h"
#include "ui/sample_caption.h"

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
    /// How the data set was read: its prediction kind and class names name the prediction in
    /// every title (SampleCaption).
    DatasetOptions dataOptions;
};

/// Writes one figure per (attention call, head choice, sample), the same way for the CLI and
/// the GUI (both through ReportJob) so the two cannot drift: matrix from the sample's scores, axis
/// titles and tick labels (presenter::axisText), title (title()), file name
/// (exportnaming::fileName), PNG text chunks (metadata()), optional CSV/NPY matrix. Draws on its
/// own offscreen QCustomPlot, so it must be used on the GUI thread; PNG/JPG encoding runs on worker
/// threads (RasterEncoder).
///
/// Usage:
///   ReportExporter exporter(model, dataset, "/path/model.keras", sha256, options); // throws
///   for (...) exporter.write(attention, head, sample, scores);
///   exporter.finish();                                                   // throws the first error
class ReportExporter
{
public:
    /// Keeps `model` and `dataset` alive for its own lifetime. `modelFile` names the model in
    /// titles and PNG chunks, `modelSha256` is the SHA-256 of its bytes (hashed once per opened
    /// model: ModelSummary::sha256). Creates options.directory; throws
    /// OutputError when it cannot, std::invalid_argument for a null model or data set.
    ReportExporter(std::shared_ptr<const Model> model, std::shared_ptr<const Dataset> dataset,
        const QString &modelFile, const QString &modelSha256, ReportOptions options);
    /// Waits for images still being encoded (their errors are dropped: call finish()).
    ~ReportExporter();
    ReportExporter(const ReportExporter &) = delete;
    ReportExporter &operator=(const ReportExporter &) = delete;

    /// Writes the figure of `head` for sample `sample` (index in Dataset::inputs) and attention
    /// call `attention` (index in Model::attentionLayers()). `scores` is that sample's scores of
    /// that call, (heads, T_query, T_key). Returns the image path (the matrix file has the same
    /// name with the matrix extension). Throws OutputError when a vector image or a matrix
    /// cannot be written (raster errors come from finish()), ShapeError when `scores` is not
    /// rank 3, and what axisLabels throws. `outputs` are the sample's model outputs without the
    /// batch axis (SampleResult::outputs), for the prediction in the title; may be empty.
    QString write(int attention, const HeadChoice &head, std::int64_t sample, const Tensor &scores,
        const std::vector<Tensor> &outputs = {});
    /// Waits for every image; throws OutputError with the first error, if any.
    void finish();

    /// "model.keras — feature_attention — head 2 — sample 12 (id 842302) · target M ·
    /// predicted M 0.973" (SampleCaption::text). `modelFile` may be a path: only its file name
    /// is shown.
    static QString title(const QString &modelFile, const std::string &attentionKey,
        const HeadChoice &head, const SampleCaption &caption);
    /// Metadata of a figure: model file name and SHA-256, attention key (chunk "Layer"), head
    /// tag ("h02", "mean", "max"), sample (chunk "Row"), title, the data files of `dataset`
    /// when given, and (chunk "Recipes") the custom layers of `model` that ran from recipes,
    /// when it is given. The caller adds the sample's caption (describe()) and colour range.
    static ImageMetadata metadata(const QString &modelFile, const QString &modelSha256,
        const std::string &attentionKey, const HeadChoice &head, int heads, std::int64_t row,
        const QString &title, const Model *model = nullptr, const Dataset *dataset = nullptr);
    /// What the file of `head` of call `attention` (index in attentionLayers()) for sample
    /// `sample` of `dataset` (null: one sample) is named after (exportnaming::fileName).
    static exportnaming::ExportName exportName(const Model &model, const Dataset *dataset,
        int attention, const HeadChoice &head, std::int64_t sample);
    /// Copies the caption's id, target and prediction into `metadata`.
    static void describe(ImageMetadata &metadata, const SampleCaption &caption);

private:
    std::shared_ptr<const Model> m_model;
    std::shared_ptr<const Dataset> m_dataset;
    QString m_modelFile;
    QString m_modelSha256;
    ReportOptions m_options;
    std::unique_ptr<QCustomPlot> m_plot;
    std::unique_ptr<HeatmapFigure> m_figure;
    std::unique_ptr<RasterEncoder> m_encoder;
    int m_labelledCall = -1; ///< attention call and sample whose labels the figure shows
    std::int64_t m_labelledSample = -1;
    QStringList m_keyLabels;
    QStringList m_queryLabels;
};

} // namespace attnlens
