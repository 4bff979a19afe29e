#pragma once

#include <memory>
#include <optional>

#include <QPoint>
#include <QStringList>
#include <QWidget>

#include "core/tensor/tensor.h"

class QCustomPlot;
class QLabel;
class QStackedWidget;
class QToolButton;

namespace attnlens {

class HeatmapFigure;

/// The interactive heatmap: one attention matrix (queries down, keys across) drawn by a
/// HeatmapFigure, with a hover read-out (query label, key label, weight), mouse-wheel zoom, drag
/// pan and a reset button (also the R key / Home). When there is nothing to show it shows a plain
/// sentence instead (e.g. "This model has no attention layer").
///
/// The read-out always describes the cell under the pointer as drawn now: it is recomputed on
/// every change of what is drawn (a new matrix such as the next head, new labels, zoom, pan,
/// reset, colour range), not only when the mouse moves, and cleared when the pointer leaves.
class HeatmapView : public QWidget
{
    Q_OBJECT
public:
    explicit HeatmapView(QWidget *parent = nullptr);
    ~HeatmapView() override;

    /// Shows `matrix` (queries x keys) with the current labels, colour map and range. Repaints.
    void showMatrix(RowMatrix matrix, const QString &title);
    /// Replaces the picture by `sentence` (no axes, no error).
    void showMessage(const QString &sentence);
    bool isShowingMessage() const;
    QString message() const;

    /// Key (horizontal) and query (vertical) tick labels and axis titles.
    void setLabels(const QStringList &keyLabels, const QStringList &queryLabels,
        const QString &keyTitle, const QString &queryTitle);
    void setColorMap(const QString &name);
    /// Fixed colour range for the next showMatrix; see HeatmapFigure::setValueRange.
    void setValueRange(double lower, double upper);

    /// Visible ranges back to the whole matrix.
    void resetView();

    /// "query: X, key: Y, weight: Z" for the cell under widget-of-plot position `pos`, or empty.
    QString describeCellAt(const QPoint &pos) const;
    /// The hover read-out's text (empty when the pointer is not over a cell).
    QString readout() const;
    /// What a zoomed or panned view shows of the matrix: "keys 3–12 of 30 (mean_area to
    /// worst_radius), queries 0–29 of 30"; empty when every cell is in view.
    QString cropText() const;

    QCustomPlot *plot() const { return m_plot; }
    HeatmapFigure *figure() const { return m_figure.get(); }
    const RowMatrix &matrix() const { return m_matrix; }

signals:
    /// The text of the hover read-out changed (empty when the mouse left the map).
    void hoverChanged(const QString &text);
    /// Up/Down (1) or PageUp/PageDown (10) pressed on the map: step through the samples.
    void sampleStepRequested(int delta);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void onMouseMove(QMouseEvent *event);
    void onRangeChanged();
    /// Describes the cell under m_pointer again; the tooltip follows when `showTip` or when it
    /// is on screen already (a key press must not pop up a tooltip that was not there).
    void updateReadout(bool showTip = false);

    QStackedWidget *m_stack = nullptr;
    QCustomPlot *m_plot = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_readout = nullptr;
    QToolButton *m_reset = nullptr;
    std::unique_ptr<HeatmapFigure> m_figure;
    RowMatrix m_matrix;
    QStringList m_keyLabels;
    QStringList m_queryLabels;
    std::optional<QPoint> m_pointer; ///< pointer position over the plot; none when outside
    bool m_inRangeUpdate = false;
};

} // namespace attnlens
