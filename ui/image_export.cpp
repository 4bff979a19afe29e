#include "ui/image_export.h"

#include <cmath>
#include <filesystem>
#include <system_error>

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QImageWriter>
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
        out.setText(QStringLiteral("Software"), softwareTag());
        out.setText(QStringLiteral("Model-SHA256"), metadata.modelSha256);
        out.setText(QStringLiteral("Model-File"), metadata.modelFile);
        out.setText(QStringLiteral("Layer"), metadata.layer);
        out.setText(QStringLiteral("Head"), metadata.head);
        out.setText(QStringLiteral("Row"), metadata.row);
        if (!metadata.title.isEmpty())
            out.setText(QStringLiteral("Title"), metadata.title);
        if (!metadata.recipes.isEmpty())
            out.setText(QStringLiteral("Recipes"), metadata.recipes);
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
    case ImageFormat::Pdf: {
        const QString temporary = temporaryNameBeside(path);
        if (temporary.isEmpty())
            return fail(error,
                QStringLiteral("cannot create a file in %1").arg(QFileInfo(path).absolutePath()));
        const bool ok = plot->savePdf(temporary, size.width(), size.height(), QCP::epNoCosmetic,
            softwareTag(), metadata.title);
        std::error_code code;
        if (ok)
            std::filesystem::rename(temporary.toStdString(), path.toStdString(), code);
        if (!ok || code) {
            QFile::remove(temporary);
            return fail(error, QStringLiteral("cannot write %1").arg(path));
        }
        return true;
    }
    case ImageFormat::Svg: {
        QSaveFile file(path);
        if (!openSaveFile(file, path, error))
            return false;
        QSvgGenerator generator;
        generator.setOutputDevice(&file);
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        generator.setResolution(dpi > 0 ? dpi : 96);
        generator.setTitle(metadata.title);
        generator.setDescription(softwareTag() + QStringLiteral("; model ") + metadata.modelFile
            + QStringLiteral(" sha256 ") + metadata.modelSha256
            + (metadata.recipes.isEmpty() ? QString()
                                          : QStringLiteral("; recipes: ") + metadata.recipes));
        QCPPainter painter;
        if (!painter.begin(&generator)) {
            file.cancelWriting();
            return fail(error, QStringLiteral("cannot write %1: SVG painter failed").arg(path));
        }
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        painter.setMode(QCPPainter::pmNonCosmetic);
        plot->toPainter(&painter, size.width(), size.height());
        painter.end();
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
    const QStringList &keyLabels, const QStringList &queryLabels, QString *error)
{
    const auto quoted = [](const QString &text) { return csvField(text); };
    QByteArray text;
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
