#include "ui/bar_chart.h"

#include <algorithm>
#include <numeric>

#include "ui/image_export.h"

namespace attnlens {

using imageexport::csvField;

void orderBars(BarChart &chart, BarOrder order)
{
    std::vector<std::size_t> index(chart.values.size());
    std::iota(index.begin(), index.end(), std::size_t(0));
    if (order == BarOrder::Weight)
        std::stable_sort(index.begin(), index.end(),
            [&](std::size_t a, std::size_t b) { return chart.values[a] > chart.values[b]; });
    else
        std::stable_sort(index.begin(), index.end(),
            [&](std::size_t a, std::size_t b) { return chart.positions[a] < chart.positions[b]; });
    BarChart sorted = chart;
    for (std::size_t i = 0; i < index.size(); ++i) {
        sorted.values[i] = chart.values[index[i]];
        sorted.positions[i] = chart.positions[index[i]];
        sorted.labels[static_cast<int>(i)] = chart.labels.value(static_cast<int>(index[i]));
    }
    chart = std::move(sorted);
}

QString barCsv(const BarChart &chart)
{
    QString out = QStringLiteral("# ") + chart.title + QLatin1Char('\n');
    const QString value = chart.valueTitle.isEmpty() ? QStringLiteral("value") : chart.valueTitle;
    out += QStringLiteral("position,%1,%2\n").arg(csvField(chart.categoryTitle), csvField(value));
    for (std::size_t i = 0; i < chart.values.size(); ++i)
        out += QStringLiteral("%1,%2,%3\n")
                   .arg(chart.positions[i])
                   .arg(csvField(chart.labels.value(static_cast<int>(i))))
                   .arg(chart.values[i], 0, 'g', 9);
    return out;
}

} // namespace attnlens
