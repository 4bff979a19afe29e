#pragma once

#include <QString>
#include <QStringList>
#include <qcustomplot.h>

#include "core/tensor/tensor.h"
#include "ui/head_matrix.h"

namespace attnlens {

/// Copies a queries x keys matrix (row-major, `values[q * keys + k]`) into `data`: resizes it to
/// keys x queries cells, sets its range to x in [0, keys-1], y in [0, queries-1], and puts
/// values[q * keys + k] at cell (k, q). Pure: no QCustomPlot widget needed.
void fillColorMap(QCPColorMapData &data, const float *values, int queries, int keys);

/// One attention matrix drawn on a QCustomPlot: a QCPColorMap without interpolation, keys on
/// the horizontal axis (left to right), queries on the vertical axis with the first query at
/// the top (the y range is reversed), tick labels at every position (thinned to every k-th and
/// rotated when they would overlap), axis titles, a colour scale labelled "attention weight" and
/// a title. Beside the colour bar it marks the uniform weight 1 / T_key ("uniform") and gives the
/// matrix's mean normalised row entropy (attentionSpread), adding "nearly uniform" when the
/// values span less than 5 % of their mean, so a flat head at full contrast is not taken for a
/// pattern. The figure does not own the plot; it adds its items to it once in the constructor
/// and reuses them, so one figure can render thousands of matrices quickly (setMatrix + replot).
///
/// Label space is measured for the labels on the figure now, at the size it is drawn at: the
/// tick labels are recomputed after every layout of the plot (so an export at another size
/// thins and rotates them for that size), and margins shrink as well as grow when the labels
/// change (a short-labelled model after a long-labelled one gets the space a fresh start does).
///
/// Usage:
///   HeatmapFigure figure(plot);
///   figure.setLabels(keyNames, queryNames);
///   figure.setTitle("model — feature_attention — head 2 — row 12");
///   figure.setMatrix(matrix);           // auto range, or setValueRange(0, 1) before
///   plot->replot();
class HeatmapFigure
{
public:
    /// Takes over `plot`'s layout: clears its plottables and layout elements and builds the
    /// title, axis rect, colour map and colour scale. `plot` must outlive the figure.
    explicit HeatmapFigure(QCustomPlot *plot);
    ~HeatmapFigure();
    HeatmapFigure(const HeatmapFigure &) = delete;
    HeatmapFigure &operator=(const HeatmapFigure &) = delete;

    QCustomPlot *plot() const { return m_plot; }
    QCPColorMap *colorMap() const { return m_map; }
    QCPColorScale *colorScale() const { return m_scale; }

    /// Shows `matrix` (queries x keys). Rescales the value range unless a fixed range is set.
    /// Also updates the tick labels (recomputeTicks()). Does not replot.
    void setMatrix(const RowMatrix &matrix);
    /// Same from raw memory: values[q * keys + k], queries x keys, row-major.
    void setMatrix(const float *values, int queries, int keys);

    int queries() const { return m_queries; }
    int keys() const { return m_keys; }

    /// Labels of the key (horizontal) and query (vertical) positions. Missing labels are
    /// shown as their index; extra labels are ignored.
    void setLabels(const QStringList &keyLabels, const QStringList &queryLabels);
    /// Axis titles; defaults "key" and "query".
    void setAxisTitles(const QString &keyTitle, const QString &queryTitle);
    /// Title above the map (model, layer, head, row); empty hides it.
    void setTitle(const QString &title);
    /// The title as set (drawn broken into lines where it is wider than the plot).
    QString title() const;
    /// The title as drawn: broken into lines for the width the plot was last laid out at.
    QString shownTitle() const;
    /// Colour map by name (see colormaps::names()); unknown names fall back to viridis.
    void setColorMap(const QString &name);
    QString colorMapName() const { return m_colorMapName; }

    /// Fixes the value range (e.g. 0..1, or shared across heads) for this and later matrices.
    void setValueRange(double lower, double upper);
    QCPRange valueRange() const;

    /// Recomputes which tick labels are shown (every k-th) and the x-label rotation from the
    /// current axis-rect size, font and visible ranges: call after a resize or zoom, then
    /// replot. When zoomed in far enough every label is shown.
    void recomputeTicks();

    /// What the values are. Weights (the default): the colour bar says "attention weight" and
    /// carries the uniform mark and the entropy note. A difference of two maps: the bar says
    /// "difference of weights (shown − A)" and has neither, since neither means anything there.
    void setShowsDifference(bool difference);
    bool showsDifference() const { return m_difference; }

    /// Lays the figure out for the plot's viewport again if the last layout was for another size
    /// (an export: QCustomPlot::toPainter lays out at the file's size and only restores the
    /// viewport), so pixel <-> cell conversions describe the screen. Cheap when current.
    void ensureLaidOut();

    /// Visible ranges back to the whole matrix (first query at the top).
    void resetView();

    /// Current tick step (1 = every label shown) of the key and query axes.
    int keyTickStep() const { return m_keyStep; }
    int queryTickStep() const { return m_queryStep; }

    /// The spread of the matrix shown (see attentionSpread).
    const AttentionSpread &spread() const { return m_spread; }
    /// The axis on the colour bar's left that carries the "uniform" tick at spread().uniform (a
    /// line in a contrasting colour crosses the bar there) and, as its label, the entropy and
    /// the "nearly uniform" note.
    QCPAxis *spreadAxis() const;

private:
    void updateTicker(QCPAxis *axis, const QStringList &labels, int count, int step);
    void updateSpreadMark();
    static int stepFor(double pixelsPerCell, double labelExtent);

    QCustomPlot *m_plot = nullptr;
    QCPTextElement *m_title = nullptr;
    QCPAxisRect *m_rect = nullptr;
    QCPColorMap *m_map = nullptr;
    QCPColorScale *m_scale = nullptr;
    QCPItemLine *m_uniformLine = nullptr; ///< the uniform mark across the colour bar
    QSharedPointer<QCPAxisTickerText> m_keyTicker;
    QSharedPointer<QCPAxisTickerText> m_queryTicker;
    QSharedPointer<QCPAxisTickerText> m_spreadTicker;
    QMetaObject::Connection m_afterLayout; ///< recomputeTicks after each layout of the plot
    QMetaObject::Connection m_spreadRange; ///< spreadAxis follows the colour axis
    AttentionSpread m_spread;
    QRect m_laidOutFor; ///< viewport of the last recomputeTicks
    bool m_inLayoutHook = false;
    QStringList m_keyLabels;
    QStringList m_queryLabels;
    QString m_colorMapName = QStringLiteral("viridis");
    int m_queries = 0;
    int m_keys = 0;
    double m_keyWidth = 0.0;                           ///< widest key label, in pixels
    std::pair<int, QFont> m_keyWidthFor {-1, QFont()}; ///< key count and font it was measured for
    int m_keyStep = 1;
    int m_queryStep = 1;
    bool m_autoRange = true;
    bool m_difference = false;
    QString m_titleText; ///< as set; drawn broken into lines for the width laid out at
    int m_titleWidth = 0;
};

} // namespace attnlens
