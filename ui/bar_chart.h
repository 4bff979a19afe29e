#pragma once

#include <vector>

#include <QString>
#include <QStringList>

namespace attnlens {

/// Order of the bars of a chart.
enum class BarOrder
{
    Position, ///< as the layer numbers them (the input's feature or key order)
    Weight    ///< largest value first
};

/// What one bar chart shows, computed without widgets: the feature weights of one layer for
/// one sample (one bar per feature, expert or module), or the attention each key receives.
struct BarChart
{
    QStringList labels;         ///< one per bar, in drawing order
    std::vector<double> values; ///< one per bar
    std::vector<int> positions; ///< the layer's index of each bar (labels[i] is position[i])
    QString title;              ///< model — layer key — row (as the heatmap's title)
    QString valueTitle;         ///< "weight" with what it is over ("weight over features")
    QString categoryTitle;      ///< "feature", "expert", "module"
    double uniform = 0.0;       ///< 1 / count: what every bar gets when the weights are flat
    bool isStatic = false;      ///< the same for every sample (learned constants)
};

/// Puts the bars of `chart` in `order` (a stable sort; labels and positions follow their bars).
void orderBars(BarChart &chart, BarOrder order);

/// The chart as CSV: a comment line with the title, a header `position,<category>,<value>`,
/// one line per bar in drawing order (labels quoted when they hold a comma or a quote).
QString barCsv(const BarChart &chart);

} // namespace attnlens
