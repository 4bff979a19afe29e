#pragma once

#include <utility>

#include <QIcon>
#include <QImage>
#include <QString>

#include "core/tensor/tensor.h"

namespace attnlens {

/// A small picture of `matrix` (queries down, keys across), one block of pixels per cell with
/// no smoothing, coloured with colour map `colorMap` over `range`. At most `side` pixels on the
/// longer edge (matrices larger than that are sampled).
QImage renderThumbnail(
    const RowMatrix &matrix, const QString &colorMap, std::pair<double, double> range, int side);

/// `thumbnail` as a list icon that keeps its colours when its item is selected (Qt tints the
/// selected icon mode otherwise, which changes what the colours say).
QIcon thumbnailIcon(const QImage &thumbnail);

} // namespace attnlens
