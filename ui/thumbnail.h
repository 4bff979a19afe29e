#pragma once

#include <utility>

#include <QImage>
#include <QString>

#include "core/tensor.h"

namespace attnlens {

/// A small picture of `matrix` (queries down, keys across), one block of pixels per cell with
/// no smoothing, coloured with colour map `colorMap` over `range`. At most `side` pixels on the
/// longer edge (matrices larger than that are sampled).
QImage renderThumbnail(
    const RowMatrix &matrix, const QString &colorMap, std::pair<double, double> range, int side);

} // namespace attnlens
