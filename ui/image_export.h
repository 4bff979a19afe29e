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

/// Where File > Export Image writes the name typed in its save dialog, and as what.
struct ImageTarget
{
    QString path;
    ImageFormat format = ImageFormat::Png;
    bool overridden = false; ///< the extension named another format than the chosen one
};
/// The format the name's extension names ("fig.pdf" is a PDF whatever was chosen), else the
/// chosen one with its extension appended ("fig" -> "fig.png", "fig.v2" -> "fig.v2.png").
ImageTarget imageTarget(const QString &typed, ImageFormat chosen);

/// What an exported image shows and where it came from. PNG text chunks: "Title", "Model-File",
/// "Model-SHA256", "Layer" (the attention call), "Head", "Row" (the sample number, or "group
/// <name>"), "Sample-Id", "Target", "Prediction", "Data-File", "Color-Range", "Crop", "Recipes",
/// "Created", "Software" = "AttnLens <ATTNLENS_VERSION>" and "Description" (summary()).
/// PDF: title, creator and an XMP description; SVG: title and description; the matrix CSV: a
/// leading "# " comment line. Empty fields are left out.
struct ImageMetadata
{
    QString modelSha256;
    QString modelFile;
    QString layer;
    QString head;
    QString row;
    QString sampleId;   ///< the data's id of the sample, when it has one
    QString target;     ///< the sample's target as written in the data
    QString prediction; ///< the model's prediction ("M 0.973", "12.5")
    QString dataFile;   ///< data file names, comma-separated
    QString range;      ///< colour range: "per head, 0.0123 to 0.456" (rangeDescription)
    QString crop;       ///< what a zoomed view shows ("keys 3–12 of 30, ..."); empty: all
    QString title;
    /// Custom layers run from recipes: "layer: recipe; ..." (empty for most models).
    QString recipes;
    QString created; ///< ISO 8601 UTC; empty: the time the file is written

    /// Every field in one line, for a PDF's description and a CSV's comment: "AttnLens 1.3.0;
    /// model m.keras (sha256 ab12...); call mha; head h02; sample 12; id 842302; target M;
    /// predicted M 0.973; data demo.csv; colour range per head, 0.01 to 0.4; created ...".
    QString summary() const;
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

/// Writes `plot` in any format: raster via render() + saveRaster(), PDF via QPdfWriter, SVG via
/// QSvgGenerator (both vector, through QCPPainter). Every format prints at the same size: `size`
/// at 96 logical DPI (a PNG has dpi / 96 times the pixels and records `dpi`; a PDF's page and an
/// SVG's width are size / 96 inches), so fonts keep their point size. GUI thread only.
bool savePlot(QCustomPlot *plot, const QString &path, ImageFormat format, QSize size, int dpi,
    const ImageMetadata &metadata, QString *error);

/// `text` as one CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a
/// line break, else as it is.
QString csvField(const QString &text);

/// The queries x keys matrix `values[q * keys + k]` as CSV: a comment line "# <summary>" when
/// `metadata` has a model (pandas reads it with comment="#"), a header "query,<key labels>",
/// then one line per query starting with its label. Missing labels are the index. Values with 9
/// significant digits (float round trip).
bool saveMatrixCsv(const QString &path, const float *values, int queries, int keys,
    const QStringList &keyLabels, const QStringList &queryLabels, QString *error,
    const ImageMetadata &metadata = {});

/// The matrix as NumPy .npy v1.0: '<f4', C order, shape (queries, keys).
bool saveMatrixNpy(const QString &path, const float *values, int queries, int keys, QString *error);

} // namespace imageexport
} // namespace attnlens
