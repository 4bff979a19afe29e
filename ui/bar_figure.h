#pragma once

#include <qcustomplot.h>

#include "ui/bar_chart.h"

namespace attnlens {

/// One bar chart drawn on a QCustomPlot (feature weights, attention received): horizontal bars,
/// one per feature (expert, module, key), the first at the top, each labelled on the left; the
/// weight axis starts at 0; a dashed line marks the uniform weight 1 / count ("uniform"), so a flat
/// set of weights is not read as a ranking; a title above. Used by the desktop's panels and by
/// exports alike. The figure does not own the plot; it takes over its layout in the constructor.
class BarFigure
{
public:
    explicit BarFigure(QCustomPlot *plot);
    BarFigure(const BarFigure &) = delete;
    BarFigure &operator=(const BarFigure &) = delete;

    QCustomPlot *plot() const { return m_plot; }
    QCPBars *bars() const { return m_bars; }

    /// Shows `bars` (replacing what was shown). Does not replot.
    void setBars(const BarChart &bars);
    /// Shows `message` in place of bars ("this model computes no feature weights").
    void setMessage(const QString &message);

    /// The labels on the category axis, top to bottom (for tests); every one, also those
    /// thinned out because they would overlap.
    QStringList categoryLabels() const { return m_labels; }
    /// Labels drawn now: every k-th when the bars are thinner than a line of text.
    int labelStep() const { return m_step; }
    /// The title is drawn (the default) or left out, for a small panel whose dock names it;
    /// exports draw it.
    void setTitleVisible(bool visible);

private:
    QCustomPlot *m_plot;
    QCPTextElement *m_title = nullptr;
    QCPBars *m_bars = nullptr;
    QCPItemStraightLine *m_uniform = nullptr;
    QCPItemText *m_uniformText = nullptr;
    QCPItemText *m_message = nullptr;
    QSharedPointer<QCPAxisTickerText> m_ticker;
    QStringList m_labels;
    QString m_titleText;
    bool m_titleVisible = true;
    int m_step = 1;

    void thinLabels();
};

} // namespace attnlens
