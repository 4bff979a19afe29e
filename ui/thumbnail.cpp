#include "ui/thumbnail.h"

#include <algorithm>
#include <vector>

#include <qcustomplot.h>

#include "ui/color_maps.h"

namespace attnlens {

QImage renderThumbnail(
    const RowMatrix &matrix, const QString &colorMap, std::pair<double, double> range, int side)
{
    const auto rows = static_cast<int>(matrix.rows());
    const auto cols = static_cast<int>(matrix.cols());
    if (rows == 0 || cols == 0 || side <= 0)
        return {};
    // Sample the matrix down to at most `side` cells per edge first, then scale up with
    // nearest-neighbour so each cell stays a crisp block.
    const int outRows = std::min(rows, side);
    const int outCols = std::min(cols, side);
    QImage small(outCols, outRows, QImage::Format_RGB32);
    QCPColorGradient gradient = colormaps::gradient(colorMap);
    const QCPRange dataRange(range.first, range.second);
    std::vector<double> line(static_cast<std::size_t>(outCols));
    for (int y = 0; y < outRows; ++y) {
        const int q = static_cast<int>(static_cast<long long>(y) * rows / outRows);
        for (int x = 0; x < outCols; ++x) {
            const int k = static_cast<int>(static_cast<long long>(x) * cols / outCols);
            line[static_cast<std::size_t>(x)] = static_cast<double>(matrix(q, k));
        }
        gradient.colorize(
            line.data(), dataRange, reinterpret_cast<QRgb *>(small.scanLine(y)), outCols);
    }
    const double scale = static_cast<double>(side) / std::max(outRows, outCols);
    const QSize size(std::max(1, static_cast<int>(outCols * scale)),
        std::max(1, static_cast<int>(outRows * scale)));
    return small.scaled(size, Qt::IgnoreAspectRatio, Qt::FastTransformation);
}

QIcon thumbnailIcon(const QImage &thumbnail)
{
    const QPixmap pixmap = QPixmap::fromImage(thumbnail);
    QIcon icon;
    icon.addPixmap(pixmap, QIcon::Normal);
    icon.addPixmap(pixmap, QIcon::Selected);
    icon.addPixmap(pixmap, QIcon::Active);
    return icon;
}

} // namespace attnlens
