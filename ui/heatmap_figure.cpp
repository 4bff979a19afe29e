#include "ui/heatmap_figure.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QFontMetrics>
#include <QPen>

#include "ui/color_maps.h"

namespace attnlens {

namespace {

constexpr double kLabelPadding = 4.0; // pixels between neighbouring tick labels

double maxLabelWidth(const QFontMetrics &metrics, const QStringList &labels, int count)
{
    double width = 0.0;
    for (int i = 0; i < count; ++i) {
        const QString text = i < labels.size() ? labels.at(i) : QString::number(i);
        width = std::max(width, double(metrics.horizontalAdvance(text)));
    }
    return width;
}

// Runs QCustomPlot's three layout passes so axis-rect sizes are current without drawing.
void layoutNow(QCustomPlot *plot)
{
    plot->plotLayout()->setOuterRect(plot->viewport());
    plot->plotLayout()->update(QCPLayoutElement::upPreparation);
    plot->plotLayout()->update(QCPLayoutElement::upMargins);
    plot->plotLayout()->update(QCPLayoutElement::upLayout);
}

// QCPColorMapData 2.1 has no bulk setter; its members are protected. Pointers to them, taken
// through a derived class, are the standard-conforming way to reach them on a base object.
struct ColorMapDataAccess : QCPColorMapData
{
    static double *QCPColorMapData::*cells() { return &ColorMapDataAccess::mData; }
    static QCPRange QCPColorMapData::*bounds() { return &ColorMapDataAccess::mDataBounds; }
    static bool QCPColorMapData::*modified() { return &ColorMapDataAccess::mDataModified; }
};

// QCPColorScale keeps QCPLayoutElement's calculateAutoMargin, which answers with the margins
// its margin group gave it last time. In a group with the map that makes the common margin a
// ratchet: it grows for long labels and never shrinks for short ones after them, so the next
// model kept the previous model's bottom margin (a squeezed map, a blank band in exports). The
// scale needs no margin of its own: it only follows the map's.
class FollowingColorScale : public QCPColorScale
{
public:
    using QCPColorScale::QCPColorScale;

protected:
    int calculateAutoMargin(QCP::MarginSide side) override
    {
        return QCP::getMarginValue(minimumMargins(), side);
    }
};

const QColor kNearlyUniformColor(0xb0, 0x20, 0x20);

/// `parts` joined by `separator` into as few lines as fit in `room` pixels (greedy); a line
/// that breaks ends with the separator's visible part ("—", "" for a space).
QStringList filledLines(
    const QStringList &parts, const QString &separator, const QFontMetrics &metrics, int room)
{
    const QString lineEnd
        = separator.trimmed().isEmpty() ? QString() : QLatin1Char(' ') + separator.trimmed();
    QStringList lines;
    QString line;
    for (const QString &part : parts) {
        const QString joined = line.isEmpty() ? part : line + separator + part;
        if (!line.isEmpty() && metrics.horizontalAdvance(joined) > room) {
            lines << line + lineEnd;
            line = part;
        } else {
            line = joined;
        }
    }
    lines << line;
    return lines;
}

/// `title` broken into lines at its " — " separators (and its own line breaks) so that no
/// line is wider than `width` pixels when another break helps: a long title (a group's, a
/// difference's) wraps instead of widening the plot past its widget or its file. A part still
/// too wide on its own (a zoomed export's crop note in a small image) breaks between words.
QString wrappedTitle(const QString &title, const QFont &font, int width)
{
    if (width < 100)
        return title;
    const QFontMetrics metrics(font);
    const int room = width - 16;
    QStringList lines;
    for (const QString &paragraph : title.split(QLatin1Char('\n'))) {
        for (const QString &line : filledLines(
                 paragraph.split(QStringLiteral(" — ")), QStringLiteral(" — "), metrics, room)) {
            if (metrics.horizontalAdvance(line) <= room)
                lines << line;
            else
                lines << filledLines(
                    line.split(QLatin1Char(' ')), QStringLiteral(" "), metrics, room);
        }
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

void fillColorMap(QCPColorMapData &data, const float *values, int queries, int keys)
{
    const int nx = std::max(keys, 1);
    const int ny = std::max(queries, 1);
    if (data.keySize() != nx || data.valueSize() != ny)
        data.setSize(nx, ny);
    data.setRange(QCPRange(0.0, nx - 1.0), QCPRange(0.0, ny - 1.0));
    if (values == nullptr || queries <= 0 || keys <= 0) {
        data.fill(0.0);
        return;
    }
    // QCPColorMapData stores cell (k, q) at mData[q * keySize + k]: the same row-major order as
    // `values`, so one converting copy fills it (setCell per cell, out of line and bounds
    // checked, took 26 of the 55 ms a 2048 x 2048 head switch cost). Bounds come from one
    // vectorised pass; setting mDataModified makes the colour map recolour on the next replot,
    // as setCell would.
    const std::ptrdiff_t cells = std::ptrdiff_t(queries) * keys;
    double *out = data.*ColorMapDataAccess::cells();
    float low = values[0];
    float high = values[0];
    for (std::ptrdiff_t i = 0; i < cells; ++i) {
        const float v = values[i];
        out[i] = double(v);
        low = std::min(low, v);
        high = std::max(high, v);
    }
    data.*ColorMapDataAccess::bounds() = QCPRange(low, high);
    data.*ColorMapDataAccess::modified() = true;
}

HeatmapFigure::HeatmapFigure(QCustomPlot *plot)
    : m_plot(plot)
{
    m_plot->clearPlottables();
    m_plot->clearItems();
    m_plot->plotLayout()->clear();
    m_plot->plotLayout()->setRowSpacing(0);

    m_title
        = new QCPTextElement(m_plot, QString(), QFont(m_plot->font().family(), 11, QFont::Bold));
    m_plot->plotLayout()->addElement(0, 0, m_title);
    // Map and colour scale in a grid of their own below the title, so that the title spans the
    // whole width (in the plot layout's second column it had only the map's, and a wrapped
    // title was centred over the map and cut off at its edges).
    auto *body = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(1, 0, body);
    m_rect = new QCPAxisRect(m_plot);
    body->addElement(0, 0, m_rect);
    m_scale = new FollowingColorScale(m_plot);
    body->addElement(0, 1, m_scale);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.001);

    QCPAxis *keyAxis = m_rect->axis(QCPAxis::atBottom);
    QCPAxis *queryAxis = m_rect->axis(QCPAxis::atLeft);
    // Keep QCustomPlot's conventional pointers valid for callers that use plot->xAxis.
    m_plot->xAxis = keyAxis;
    m_plot->yAxis = queryAxis;
    m_plot->xAxis2 = m_rect->axis(QCPAxis::atTop);
    m_plot->yAxis2 = m_rect->axis(QCPAxis::atRight);

    m_keyTicker.reset(new QCPAxisTickerText);
    m_queryTicker.reset(new QCPAxisTickerText);
    m_keyTicker->setSubTickCount(0);
    m_queryTicker->setSubTickCount(0);
    keyAxis->setTicker(m_keyTicker);
    queryAxis->setTicker(m_queryTicker);
    keyAxis->setSubTicks(false);
    queryAxis->setSubTicks(false);
    keyAxis->grid()->setVisible(false);
    queryAxis->grid()->setVisible(false);
    queryAxis->setRangeReversed(true);
    keyAxis->setLabel(QStringLiteral("key"));
    queryAxis->setLabel(QStringLiteral("query"));

    m_map = new QCPColorMap(keyAxis, queryAxis);
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_map->setColorScale(m_scale);
    m_map->setGradient(colormaps::gradient(m_colorMapName));

    m_scale->setType(QCPAxis::atRight);
    m_scale->setBarWidth(14);
    m_scale->axis()->setLabel(QStringLiteral("attention weight"));

    // The uniform mark: a tick drawn across the bar (and a little out of it) from the bar's
    // other side, labelled "uniform", on an axis that follows the colour axis.
    QCPAxis *spread = spreadAxis();
    m_spreadTicker.reset(new QCPAxisTickerText);
    m_spreadTicker->setSubTickCount(0);
    spread->setTicker(m_spreadTicker);
    spread->setSubTicks(false);
    spread->setTicks(true);
    spread->setTickLabels(true);
    // Small print, close to the bar: the notes should not take the map's width.
    QFont small = m_plot->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    spread->setTickLabelFont(small);
    spread->setLabelFont(small);
    spread->setTickLabelPadding(2);
    spread->setLabelPadding(2);
    spread->setTickLength(0, 6); // outside the bar, on the white margin
    spread->setTickPen(QPen(Qt::black, 2));
    // Across the bar: a line in black or white, whichever stands out from the colour there.
    QCPAxisRect *bar = m_scale->axis()->axisRect();
    m_uniformLine = new QCPItemLine(m_plot);
    m_uniformLine->setLayer(QStringLiteral("axes")); // above the bar's gradient
    m_uniformLine->setClipAxisRect(bar);
    for (QCPItemPosition *end : {m_uniformLine->start, m_uniformLine->end}) {
        end->setAxisRect(bar);
        end->setAxes(bar->axis(QCPAxis::atBottom), m_scale->axis());
        end->setTypeX(QCPItemPosition::ptAxisRectRatio);
        end->setTypeY(QCPItemPosition::ptPlotCoords);
    }
    m_spreadRange
        = QObject::connect(m_scale->axis(), qOverload<const QCPRange &>(&QCPAxis::rangeChanged),
            spread, qOverload<const QCPRange &>(&QCPAxis::setRange));
    // Tick labels are chosen for the size the plot is laid out at: the screen on a replot, the
    // file's size in an export (QCustomPlot::toPainter lays out again for it).
    m_afterLayout = QObject::connect(m_plot, &QCustomPlot::afterLayout, m_plot, [this] {
        // A newer figure on the same plot cleared this one's items: leave them alone.
        if (m_inLayoutHook || !m_plot->hasPlottable(m_map))
            return;
        m_inLayoutHook = true;
        if (m_plot->viewport().width() != m_titleWidth && !m_titleText.isEmpty()) {
            // Laid out at another width (a resize, an export): break the title for it.
            m_titleWidth = m_plot->viewport().width();
            const QString wrapped = wrappedTitle(m_titleText, m_title->font(), m_titleWidth);
            if (wrapped != m_title->text()) {
                m_title->setText(wrapped);
                m_plot->plotLayout()->update(QCPLayoutElement::upMargins);
                m_plot->plotLayout()->update(QCPLayoutElement::upLayout);
            }
        }
        recomputeTicks();
        m_inLayoutHook = false;
    });

    auto *margins = new QCPMarginGroup(m_plot);
    m_rect->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    m_scale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    setTitle(QString());
}

HeatmapFigure::~HeatmapFigure()
{
    QObject::disconnect(m_afterLayout);
    QObject::disconnect(m_spreadRange);
}

void HeatmapFigure::setShowsDifference(bool difference)
{
    m_difference = difference;
    m_scale->axis()->setLabel(difference ? QStringLiteral("difference of weights (shown − A)")
                                         : QStringLiteral("attention weight"));
    updateSpreadMark();
}

QCPAxis *HeatmapFigure::spreadAxis() const
{
    return m_scale->axis()->axisRect()->axis(QCPAxis::atLeft);
}

void HeatmapFigure::updateSpreadMark()
{
    QCPAxis *axis = spreadAxis();
    axis->setRange(m_scale->axis()->range());
    QMap<double, QString> ticks;
    QStringList notes;
    if (!m_difference && m_keys >= 2 && m_queries >= 1) { // one key: weight 1, nothing to compare
        ticks.insert(m_spread.uniform, QStringLiteral("uniform"));
        if (m_spread.entropy >= 0.0)
            notes << QStringLiteral("entropy %1 (1 = uniform)").arg(m_spread.entropy, 0, 'f', 2);
        if (m_spread.nearlyUniform)
            notes << QStringLiteral("nearly uniform");
    }
    if (ticks != m_spreadTicker->ticks()) {
        m_spreadTicker->setTicks(ticks);
        axis->setTickLabels(false); // the margin cache does not see a ticker change
        axis->setTickLabels(true);
    }
    axis->setLabel(notes.join(QStringLiteral(" · ")));
    const QCPRange range = m_scale->axis()->range();
    m_uniformLine->setVisible(!ticks.isEmpty() && range.contains(m_spread.uniform));
    m_uniformLine->start->setCoords(0.0, m_spread.uniform);
    m_uniformLine->end->setCoords(1.0, m_spread.uniform);
    const QColor under = colormaps::colorAt(
        m_colorMapName, (m_spread.uniform - range.lower) / std::max(range.size(), 1e-12));
    m_uniformLine->setPen(QPen(qGray(under.rgb()) > 110 ? Qt::black : Qt::white, 2));
    axis->setLabelColor(m_spread.nearlyUniform ? kNearlyUniformColor : QColor(Qt::black));
}

void HeatmapFigure::setMatrix(const RowMatrix &matrix)
{
    setMatrix(matrix.data(), int(matrix.rows()), int(matrix.cols()));
}

void HeatmapFigure::setMatrix(const float *values, int queries, int keys)
{
    const bool sizeChanged = queries != m_queries || keys != m_keys;
    m_queries = queries;
    m_keys = keys;
    fillColorMap(*m_map->data(), values, queries, keys);
    m_spread = attentionSpread(values, queries, keys);
    if (m_autoRange) {
        QCPRange bounds = m_map->data()->dataBounds();
        if (!(bounds.upper > bounds.lower)) // constant matrix: give it a visible span
            bounds = QCPRange(bounds.lower - 0.5, bounds.lower + 0.5);
        m_map->setDataRange(bounds);
    }
    updateSpreadMark();
    if (sizeChanged)
        resetView();
    else
        recomputeTicks();
}

void HeatmapFigure::setLabels(const QStringList &keyLabels, const QStringList &queryLabels)
{
    m_keyLabels = keyLabels;
    m_queryLabels = queryLabels;
    m_keyWidthFor = {-1, QFont()}; // measure the new labels
    recomputeTicks();
}

void HeatmapFigure::setAxisTitles(const QString &keyTitle, const QString &queryTitle)
{
    m_map->keyAxis()->setLabel(keyTitle);
    m_map->valueAxis()->setLabel(queryTitle);
}

QString HeatmapFigure::title() const
{
    return m_titleText;
}

QString HeatmapFigure::shownTitle() const
{
    return m_title->text();
}

void HeatmapFigure::setTitle(const QString &title)
{
    m_titleText = title;
    m_titleWidth = m_plot->viewport().width();
    m_title->setText(wrappedTitle(title, m_title->font(), m_titleWidth));
    m_title->setVisible(!title.isEmpty());
    // An invisible element still takes its row's height; an empty row collapses to nothing.
    m_title->setMinimumSize(0, 0);
    m_title->setMaximumSize(QWIDGETSIZE_MAX, title.isEmpty() ? 0 : QWIDGETSIZE_MAX);
}

void HeatmapFigure::setColorMap(const QString &name)
{
    m_colorMapName = colormaps::isKnown(name) ? name.toLower() : QStringLiteral("viridis");
    m_map->setGradient(colormaps::gradient(m_colorMapName));
    updateSpreadMark(); // the line's contrast colour
}

void HeatmapFigure::setValueRange(double lower, double upper)
{
    m_autoRange = false;
    if (!(upper > lower))
        upper = lower + 1.0;
    m_map->setDataRange(QCPRange(lower, upper));
    updateSpreadMark();
}

QCPRange HeatmapFigure::valueRange() const
{
    return m_map->dataRange();
}

void HeatmapFigure::resetView()
{
    m_map->keyAxis()->setRange(-0.5, std::max(m_keys, 1) - 0.5);
    m_map->valueAxis()->setRange(-0.5, std::max(m_queries, 1) - 0.5);
    recomputeTicks();
}

int HeatmapFigure::stepFor(double pixelsPerCell, double labelExtent)
{
    if (!(pixelsPerCell > 0.0))
        return 1;
    const double needed = labelExtent + kLabelPadding;
    if (needed <= pixelsPerCell)
        return 1;
    return int(std::ceil(needed / pixelsPerCell));
}

void HeatmapFigure::recomputeTicks()
{
    QCPAxis *keyAxis = m_map->keyAxis();
    QCPAxis *queryAxis = m_map->valueAxis();
    const QFontMetrics keyMetrics(keyAxis->tickLabelFont());
    const QFontMetrics queryMetrics(queryAxis->tickLabelFont());
    // Measuring 2048 labels takes milliseconds: only when the labels, their count or the font
    // changed, not on every head switch, zoom or pan.
    if (m_keyWidthFor != std::make_pair(m_keys, keyAxis->tickLabelFont())) {
        m_keyWidth = maxLabelWidth(keyMetrics, m_keyLabels, m_keys);
        m_keyWidthFor = {m_keys, keyAxis->tickLabelFont()};
    }
    const double keyWidth = m_keyWidth;
    const double keyHeight = keyMetrics.height();
    const double queryHeight = queryMetrics.height();

    // The rotation of the key labels changes the bottom margin and with it the height of the
    // axis rect, so lay out, decide, and lay out again once.
    for (int pass = 0; pass < 2; ++pass) {
        if (m_plot->viewport().width() > 0 && m_plot->viewport().height() > 0)
            layoutNow(m_plot);
        const double width = std::max(1, m_rect->width());
        const double height = std::max(1, m_rect->height());
        const double keyCell = width / std::max(keyAxis->range().size(), 1e-9);
        const double queryCell = height / std::max(queryAxis->range().size(), 1e-9);

        double rotation = 0.0;
        int keyStep = 1;
        if (keyWidth + kLabelPadding <= keyCell) {
            rotation = 0.0;
        } else if (keyHeight * std::sqrt(2.0) + kLabelPadding <= keyCell) {
            rotation = 45.0; // slanted labels need height / sin(45°) each along the axis
        } else {
            rotation = 90.0;
            keyStep = stepFor(keyCell, keyHeight);
        }
        keyAxis->setTickLabelRotation(rotation);
        m_keyStep = keyStep;
        m_queryStep = stepFor(queryCell, queryHeight);
        updateTicker(keyAxis, m_keyLabels, m_keys, m_keyStep);
        updateTicker(queryAxis, m_queryLabels, m_queries, m_queryStep);
    }
    m_laidOutFor = m_plot->viewport();
}

void HeatmapFigure::ensureLaidOut()
{
    if (m_laidOutFor != m_plot->viewport())
        recomputeTicks();
}

void HeatmapFigure::updateTicker(QCPAxis *axis, const QStringList &labels, int count, int step)
{
    auto ticker = axis == m_map->keyAxis() ? m_keyTicker : m_queryTicker;
    QMap<double, QString> ticks;
    const QCPRange visible = axis->range();
    // Thinned labels count back from the last position, so it always has its label: the newest
    // time step (t0) of a time series, the last token of a sequence.
    const int lowest = std::max(0, int(std::floor(visible.lower)));
    const int last = std::min(count - 1, int(std::ceil(visible.upper)));
    const int first = lowest <= count - 1 ? lowest + (count - 1 - lowest) % step : count;
    for (int i = first; i <= last; i += step)
        ticks.insert(double(i), i < labels.size() ? labels.at(i) : QString::number(i));
    if (ticks == ticker->ticks())
        return;
    ticker->setTicks(ticks);
    // The axis caches its margin from the last tick labels and a ticker change does not tell
    // it; without this the margin keeps the size of labels no longer shown (a blank band).
    axis->setTickLabels(false);
    axis->setTickLabels(true);
}

} // namespace attnlens
