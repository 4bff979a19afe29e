#include "ui/color_maps.h"

#include <algorithm>
#include <cmath>

#include "ui/color_map_tables.h"

namespace attnlens::colormaps {

namespace {

struct TableMap
{
    const char *name;
    const float (*table)[3];
};

const TableMap kTableMaps[] = {
    {"viridis", kViridisTable},
    {"magma", kMagmaTable},
    {"inferno", kInfernoTable},
    {"plasma", kPlasmaTable},
    {"cividis", kCividisTable},
};

struct PresetMap
{
    const char *name;
    QCPColorGradient::GradientPreset preset;
};

const PresetMap kPresetMaps[] = {
    {"thermal", QCPColorGradient::gpThermal},
    {"polar", QCPColorGradient::gpPolar},
    {"hot", QCPColorGradient::gpHot},
    {"cold", QCPColorGradient::gpCold},
    {"night", QCPColorGradient::gpNight},
    {"candy", QCPColorGradient::gpCandy},
    {"geography", QCPColorGradient::gpGeography},
    {"ion", QCPColorGradient::gpIon},
    {"spectrum", QCPColorGradient::gpSpectrum},
    {"jet", QCPColorGradient::gpJet},
    {"hues", QCPColorGradient::gpHues},
};

QColor colorOf(const float (&rgb)[3])
{
    return QColor::fromRgbF(rgb[0], rgb[1], rgb[2]);
}

// 256 stops at i / 255, exactly matplotlib's ListedColormap entries; with 256 levels each level
// lands on a stop, so the rendered colours are matplotlib's.
QCPColorGradient fromTable(const float (*table)[3])
{
    QMap<double, QColor> stops;
    for (int i = 0; i < 256; ++i)
        stops.insert(i / 255.0, colorOf(table[i]));
    QCPColorGradient gradient;
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    gradient.setColorStops(stops);
    gradient.setLevelCount(256);
    return gradient;
}

} // namespace

QStringList names()
{
    QStringList result;
    for (const TableMap &map : kTableMaps)
        result << QString::fromLatin1(map.name);
    result << QStringLiteral("grey") << QStringLiteral("rdbu");
    for (const PresetMap &map : kPresetMaps)
        result << QString::fromLatin1(map.name);
    return result;
}

bool isKnown(const QString &name)
{
    return names().contains(name.toLower())
        || name.compare(QLatin1String("gray"), Qt::CaseInsensitive) == 0;
}

QCPColorGradient gradient(const QString &name)
{
    const QString lower = name.toLower();
    for (const TableMap &map : kTableMaps) {
        if (lower == QLatin1String(map.name))
            return fromTable(map.table);
    }
    if (lower == QLatin1String("rdbu")) {
        // Diverging, for differences: blue below 0, near-white at 0, red above (ColorBrewer
        // RdBu, reversed so that red is positive).
        QCPColorGradient diverging;
        diverging.setColorInterpolation(QCPColorGradient::ciRGB);
        diverging.setColorStops({{0.0, QColor(0x21, 0x66, 0xac)}, {0.25, QColor(0x92, 0xc5, 0xde)},
            {0.5, QColor(0xf7, 0xf7, 0xf7)}, {0.75, QColor(0xf4, 0xa5, 0x82)},
            {1.0, QColor(0xb2, 0x18, 0x2b)}});
        diverging.setLevelCount(256);
        return diverging;
    }
    if (lower == QLatin1String("grey") || lower == QLatin1String("gray")) {
        QCPColorGradient grey;
        grey.setColorInterpolation(QCPColorGradient::ciRGB);
        grey.setColorStopAt(0.0, Qt::black);
        grey.setColorStopAt(1.0, Qt::white);
        grey.setLevelCount(256);
        return grey;
    }
    for (const PresetMap &map : kPresetMaps) {
        if (lower == QLatin1String(map.name)) {
            QCPColorGradient preset(map.preset);
            preset.setLevelCount(256);
            return preset;
        }
    }
    return fromTable(kViridisTable);
}

QColor colorAt(const QString &name, double t)
{
    const double clamped = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
    return QColor::fromRgb(gradient(name).color(clamped, QCPRange(0.0, 1.0)));
}

} // namespace attnlens::colormaps
