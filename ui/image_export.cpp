#include "ui/image_export.h"

#include <cmath>
#include <filesystem>
#include <system_error>

#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QImageWriter>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTemporaryFile>
#include <qcustomplot.h>

namespace attnlens::imageexport {

namespace {

QString softwareTag()
{
    return QStringLiteral("AttnLens " ATTNLENS_VERSION);
}

bool fail(QString *error, const QString &message)
{
    if (error != nullptr)
        *error = message;
    return false;
}

// QSaveFile writes "<path>.XXXXXX" beside the target and renames on commit().
bool commitOrFail(QSaveFile &file, const QString &path, QString *error)
{
    if (!file.commit())
        return fail(error, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return true;
}

bool openSaveFile(QSaveFile &file, const QString &path, QString *error)
{
    if (!file.open(QIODevice::WriteOnly))
        return fail(error, QStringLiteral("cannot create %1: %2").arg(path, file.errorString()));
    return true;
}

// For writers that only take a file name (QCustomPlot::savePdf): a unique temporary name in
// the same directory, renamed over the target (atomic on POSIX).
QString temporaryNameBeside(const QString &path)
{
    const QFileInfo info(path);
    QTemporaryFile probe(
        info.absoluteDir().filePath(QStringLiteral(".%1.XXXXXX.part").arg(info.fileName())));
    probe.setAutoRemove(false);
    if (!probe.open())
        return {};
    return probe.fileName();
}

QString createdOf(const ImageMetadata &metadata)
{
    return metadata.created.isEmpty() ? QDateTime::currentDateTimeUtc().toString(Qt::ISODate)
                                      : metadata.created;
}

void setText(QImage &image, const char *key, const QString &value)
{
    if (!value.isEmpty())
        image.setText(QString::fromLatin1(key), value);
}

void setTextChunks(QImage &image, const ImageMetadata &m)
{
    setText(image, "Title", m.title);
    setText(image, "Software", softwareTag());
    setText(image, "Model-File", m.modelFile);
    setText(image, "Model-SHA256", m.modelSha256);
    setText(image, "Layer", m.layer);
    setText(image, "Head", m.head);
    setText(image, "Row", m.row);
    setText(image, "Sample-Id", m.sampleId);
    setText(image, "Target", m.target);
    setText(image, "Prediction", m.prediction);
    setText(image, "Data-File", m.dataFile);
    setText(image, "Color-Range", m.range);
    setText(image, "Crop", m.crop);
    setText(image, "Recipes", m.recipes);
    setText(image, "Created", createdOf(m));
    setText(image, "Description", m.summary());
}

QString xmlEscaped(const QString &text)
{
    return text.toHtmlEscaped();
}

// XMP packet for the PDF: Dublin Core title, description and creator tool, as PDF readers show.
QByteArray xmpOf(const ImageMetadata &m)
{
    const QString xmp = QStringLiteral(
        "<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
        "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">"
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%1</rdf:li></rdf:Alt></dc:title>"
        "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%2</rdf:li></rdf:Alt>"
        "</dc:description><xmp:CreatorTool>%3</xmp:CreatorTool>"
        "<xmp:CreateDate>%4</xmp:CreateDate></rdf:Description></rdf:RDF></x:xmpmeta>"
        "<?xpacket end=\"w\"?>")
                            .arg(xmlEscaped(m.title), xmlEscaped(m.summary()),
                                xmlEscaped(softwareTag()), xmlEscaped(createdOf(m)));
    return xmp.toUtf8();
}

// Vector output through QCPPainter: device in logical pixels (`window` = size).
void drawVector(QCustomPlot *plot, QCPPainter &painter, QSize size)
{
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    painter.setMode(QCPPainter::pmNonCosmetic);
    plot->toPainter(&painter, size.width(), size.height());
    painter.end();
}

bool savePdf(QCustomPlot *plot, const QString &path, QSize size, const ImageMetadata &metadata,
    QString *error)
{
    const QString temporary = temporaryNameBeside(path);
    if (temporary.isEmpty())
        return fail(error,
            QStringLiteral("cannot create a file in %1").arg(QFileInfo(path).absolutePath()));
    bool ok = false;
    {
        QPdfWriter writer(temporary);
        writer.setCreator(softwareTag());
        writer.setTitle(metadata.title);
        writer.setDocumentXmpMetadata(xmpOf(metadata));
        // 96 device units per inch, as the screen and the raster export lay the figure out, so
        // fonts keep their point size; the page is size / 96 inches (72 points per inch).
        writer.setResolution(96);
        writer.setPageLayout(QPageLayout(
            QPageSize(QSizeF(size) * 0.75, QPageSize::Point, QString(), QPageSize::ExactMatch),
            QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
        QCPPainter painter;
        if (painter.begin(&writer)) {
            drawVector(plot, painter, size);
            ok = true;
        }
    }
    std::error_code code;
    if (ok)
        std::filesystem::rename(temporary.toStdString(), path.toStdString(), code);
    if (!ok || code) {
        QFile::remove(temporary);
        return fail(error, QStringLiteral("cannot write %1").arg(path));
    }
    return true;
}

} // namespace

QImage render(QCustomPlot *plot, QSize size, int dpi)
{
    const double scale = dpi > 0 ? dpi / 96.0 : 1.0;
    const int width = int(std::lround(size.width() * scale));
    const int height = int(std::lround(size.height() * scale));
    // Opaque: PNG stores RGB instead of RGBA, a quarter less to compress.
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(Qt::white);
    const int dotsPerMeter = int(std::lround((dpi > 0 ? dpi : 96) / 0.0254));
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    QCPPainter painter(&image);
    if (scale != 1.0) {
        painter.setMode(QCPPainter::pmNonCosmetic);
        painter.scale(scale, scale);
    }
    plot->toPainter(&painter, size.width(), size.height());
    painter.end();
    return image;
}

bool saveRaster(const QImage &image, const QString &path, ImageFormat format,
    const ImageMetadata &metadata, QString *error)
{
    QImage out = image;
    const char *type = "png";
    // Qt maps PNG quality q to zlib level (100 - q) * 9 / 91: 85 gives level 1, which is several
    // times faster than the default on flat-coloured heatmaps and ~20% larger.
    int quality = 85;
    if (format == ImageFormat::Png) {
        setTextChunks(out, metadata);
    } else if (format == ImageFormat::Jpg) {
        type = "jpg";
        quality = 92;
        out = out.convertToFormat(QImage::Format_RGB32);
    } else {
        return fail(error, QStringLiteral("cannot write %1: not a raster format").arg(path));
    }
    QSaveFile file(path);
    if (!openSaveFile(file, path, error))
        return false;
    QImageWriter writer(&file, type);
    if (quality >= 0)
        writer.setQuality(quality);
    if (!writer.write(out)) {
        file.cancelWriting();
        return fail(error, QStringLiteral("cannot write %1: %2").arg(path, writer.errorString()));
    }
    return commitOrFail(file, path, error);
}

bool savePlot(QCustomPlot *plot, const QString &path, ImageFormat format, QSize size, int dpi,
    const ImageMetadata &metadata, QString *error)
{
    switch (format) {
    case ImageFormat::Png:
    case ImageFormat::Jpg:
        return saveRaster(render(plot, size, dpi), path, format, metadata, error);
    case ImageFormat::Pdf:
        return savePdf(plot, path, size, metadata, error);
    case ImageFormat::Svg: {
        QSaveFile file(path);
        if (!openSaveFile(file, path, error))
            return false;
        QSvgGenerator generator;
        generator.setOutputDevice(&file);
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        generator.setResolution(96); // width and height size / 96 inches, as the other formats
        generator.setTitle(metadata.title);
        generator.setDescription(metadata.summary());
        QCPPainter painter;
        if (!painter.begin(&generator)) {
            file.cancelWriting();
            return fail(error, QStringLiteral("cannot write %1: SVG painter failed").arg(path));
        }
        drawVector(plot, painter, size);
        return commitOrFail(file, path, error);
    }
    }
    return fail(error, QStringLiteral("cannot write %1: unknown format").arg(path));
}

QString csvField(const QString &text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"'))
        && !text.contains(QLatin1Char('\n')))
        return text;
    QString escaped = text;
    escaped.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

bool saveMatrixCsv(const QString &path, const float *values, int queries, int keys,
    const QStringList &keyLabels, const QStringList &queryLabels, QString *error,
    const ImageMetadata &metadata)
{
    const auto quoted = [](const QString &text) { return csvField(text); };
    QByteArray text;
    if (!metadata.modelFile.isEmpty())
        text += "# " + metadata.summary().replace(QLatin1Char('\n'), QLatin1Char(' ')).toUtf8()
            + '\n';
    text += "query";
    for (int k = 0; k < keys; ++k)
        text += ',' + quoted(k < keyLabels.size() ? keyLabels.at(k) : QString::number(k)).toUtf8();
    text += '\n';
    for (int q = 0; q < queries; ++q) {
        text += quoted(q < queryLabels.size() ? queryLabels.at(q) : QString::number(q)).toUtf8();
        for (int k = 0; k < keys; ++k)
            text += ',' + QByteArray::number(double(values[std::ptrdiff_t(q) * keys + k]), 'g', 9);
        text += '\n';
    }
    QSaveFile file(path);
    if (!openSaveFile(file, path, error))
        return false;
    file.write(text);
    return commitOrFail(file, path, error);
}

bool saveMatrixNpy(const QString &path, const float *values, int queries, int keys, QString *error)
{
    // NPY v1.0: magic, version, little-endian header length, a dict padded with spaces to a
    // multiple of 64 bytes (numpy's alignment) ending in '\n', then the raw data.
    QByteArray header
        = QStringLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (%1, %2), }")
              .arg(queries)
              .arg(keys)
              .toLatin1();
    const qsizetype preamble = 10;
    const qsizetype total = ((preamble + header.size() + 1 + 63) / 64) * 64;
    header += QByteArray(total - preamble - header.size() - 1, ' ');
    header += '\n';
    QByteArray bytes("\x93NUMPY\x01\x00", 8);
    const auto length = quint16(header.size());
    bytes += char(length & 0xff);
    bytes += char(length >> 8);
    bytes += header;
    static_assert(Q_BYTE_ORDER == Q_LITTLE_ENDIAN, "npy export writes host floats as '<f4'");
    QSaveFile file(path);
    if (!openSaveFile(file, path, error))
        return false;
    file.write(bytes);
    file.write(
        reinterpret_cast<const char *>(values), qint64(queries) * keys * qint64(sizeof(float)));
    return commitOrFail(file, path, error);
}

} // namespace attnlens::imageexport

namespace attnlens {

QString ImageMetadata::summary() const
{
    QStringList parts {imageexport::softwareTag()};
    const auto add = [&parts](const char *name, const QString &value) {
        if (!value.isEmpty())
            parts << QString::fromLatin1(name) + QLatin1Char(' ') + value;
    };
    if (!modelFile.isEmpty())
        parts << QStringLiteral("model %1").arg(modelFile)
                + (modelSha256.isEmpty() ? QString()
                                         : QStringLiteral(" (sha256 %1)").arg(modelSha256));
    add("call", layer);
    add("head", head);
    if (!row.isEmpty())
        parts << (row.startsWith(QLatin1String("group")) ? row : QStringLiteral("sample ") + row);
    add("id", sampleId);
    add("target", target);
    add("predicted", prediction);
    add("data", dataFile);
    add("colour range", range);
    add("crop:", crop);
    add("recipes:", recipes);
    add("created", imageexport::createdOf(*this));
    return parts.join(QStringLiteral("; "));
}

std::optional<ImageFormat> imageFormatFromName(const QString &name)
{
    const QString lower = name.toLower();
    if (lower == QLatin1String("png"))
        return ImageFormat::Png;
    if (lower == QLatin1String("jpg") || lower == QLatin1String("jpeg"))
        return ImageFormat::Jpg;
    if (lower == QLatin1String("pdf"))
        return ImageFormat::Pdf;
    if (lower == QLatin1String("svg"))
        return ImageFormat::Svg;
    return std::nullopt;
}

ImageTarget imageTarget(const QString &typed, ImageFormat chosen)
{
    const std::optional<ImageFormat> named = imageFormatFromName(QFileInfo(typed).suffix());
    if (!named)
        return {typed + QLatin1Char('.') + imageFormatExtension(chosen), chosen, false};
    return {typed, *named, *named != chosen};
}

QString imageFormatExtension(ImageFormat format)
{
    switch (format) {
    case ImageFormat::Png:
        return QStringLiteral("png");
    case ImageFormat::Jpg:
        return QStringLiteral("jpg");
    case ImageFormat::Pdf:
        return QStringLiteral("pdf");
    case ImageFormat::Svg:
        return QStringLiteral("svg");
    }
    return QStringLiteral("png");
}

} // namespace attnlens
