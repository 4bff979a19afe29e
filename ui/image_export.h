#pragma once

#include <optional>

#include <QImage>
#include <QSize>
#include <QString>
#include <QStringList>

class QCustomPlot;

namespace attnlens {

/// Image file formats of an export.
enum class ImageFormat
{
    Png, ///< raster, with text chunks (ImageMetadata)
    Jpg, ///< raster
    Pdf, ///< vector (QCustomPlot::savePdf)
    Svg  ///< vector (QSvgGenerator)
};

/// "png", "jpg" (also "jpeg"), "pdf", "svg" (case-insensitive); nullopt otherwise.
std::optional<ImageFormat> imageFormatFromName(const QString &name);
/// File extension without dot: "png", "jpg", "pdf", "svg".
QString imageFormatExtension(ImageFormat format);

/// What an exported image shows, written into PNG text chunks (keys "Model-SHA256",
/// "Model-File", "Layer", "Head", "Row", "Software" = "AttnLens <ATTNLENS_VERSION>") and, where
/// the format allows, its title/description.
struct ImageMetadata
{
    QString modelSha256;
    QString modelFile;
    QString layer;
    QString head;
    QString row;
    QString title;
    /// Custom layers run from recipes: "layer: recipe; ..." (empty for most models).
    QString recipes;
};

/// Export of QCustomPlot figures and of the matrices behind them. Every file is written under a
/// temporary name in the target directory and renamed when complete, so an interrupted export
/// never leaves a half-written file under the final name. Functions return false and set
/// `*error` (one sentence naming the file) on failure.
namespace imageexport {

/// `size` is in logical pixels at 96 DPI; `dpi` scales the raster (dpi / 96) and is stored as
/// the image's physical resolution. Must run in the plot's (GUI) thread.
QImage render(QCustomPlot *plot, QSize size, int dpi);

/// Encodes `image` as PNG (with the metadata text chunks) or JPG. Thread-safe: touches no
/// QCustomPlot, so callers may encode on worker threads.
bool saveRaster(const QImage &image, const QString &path, ImageFormat format,
    const ImageMetadata &metadata, QString *error);

/// Writes `plot` in any format: raster via render() + saveRaster(), PDF via savePdf, SVG via
/// QSvgGenerator + QCPPainter (both vector). GUI thread only.
bool savePlot(QCustomPlot *plot, const QString &path, ImageFormat format, QSize size, int dpi,
    const ImageMetadata &metadata, QString *error);

/// `text` as one CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a
/// line break, else as it is.
QString csvField(const QString &text);

/// The queries x keys matrix `values[q * keys + k]` as CSV: a header "query,<key labels>", then
/// one line per query starting with its label. Missing labels are the index. Values with 9
/// significant digits (float round trip).
bool saveMatrixCsv(const QString &path, const float *values, int queries, int keys,
    const QStringList &keyLabels, const QStringList &queryLabels, QString *error);

/// The matrix as NumPy .npy v1.0: '<f4', C order, shape (queries, keys).
bool saveMatrixNpy(const QString &path, const float *values, int queries, int keys, QString *error);

} // namespace imageexport
} // namespace attnlens
