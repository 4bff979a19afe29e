#pragma once

#include <QString>
#include <QStringList>
#include <qcustomplot.h>

namespace attnlens {

/// Colour maps by name, for heatmaps.
///
/// Perceptual maps from matplotlib (viridis, magma, inferno, cividis; exact matplotlib colour
/// stops, a dense subset interpolated linearly) and "grey" (black to white), plus QCustomPlot's
/// presets: thermal, polar, hot, cold, night, candy, geography, ion, spectrum, jet, hues.
/// Names are lower case; lookup is case-insensitive.
namespace colormaps {

/// Every known name, perceptual maps first ("viridis" first: the default).
QStringList names();

/// True when `name` is one of names() (case-insensitive).
bool isKnown(const QString &name);

/// The gradient for `name`, with QCPColorGradient::setLevelCount(256).
/// Unknown names give viridis; check with isKnown() first when that matters.
QCPColorGradient gradient(const QString &name);

/// The colour of `name` at position t in [0, 1] (clamped); same colours as gradient().
QColor colorAt(const QString &name, double t);

} // namespace colormaps
} // namespace attnlens
