#include "ui/heatmap_view.h"

#include <algorithm>
#include <cmath>

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QStackedWidget>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "ui/heatmap_figure.h"

namespace attnlens {

namespace {

QString labelAt(const QStringList &labels, int index)
{
    return index < labels.size() ? labels[index] : QString::number(index);
}

// Keeps `range` inside [lower, upper]: a zoom-out stops at the whole matrix, a pan at its edge.
QCPRange clampedRange(QCPRange range, double lower, double upper)
{
    const double full = upper - lower;
    if (range.size() >= full)
        return {lower, upper};
    if (range.lower < lower)
        range += lower - range.lower;
    if (range.upper > upper)
        range -= range.upper - upper;
    return range;
}

} // namespace

HeatmapView::HeatmapView(QWidget *parent)
    : QWidget(parent)
{
    // Widgets created with a parent or added to a layout are owned by Qt.
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    m_plot = new QCustomPlot(m_stack);
    // A fixed minimum, not the layout's hint: the hint grows with the title's width, so a long
    // title (a group's, a difference's) would widen the map and squeeze the docks beside it.
    m_plot->setMinimumSize(320, 240);
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->setPlottingHints(QCP::phCacheLabels | QCP::phFastPolylines);
    m_message = new QLabel(m_stack);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("heatmapMessage"));
    QFont big = m_message->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    m_message->setFont(big);
    m_stack->addWidget(m_plot);
    m_stack->addWidget(m_message);
    layout->addWidget(m_stack, 1);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 0, 6, 2);
    m_readout = new QLabel(this);
    m_readout->setObjectName(QStringLiteral("hoverReadout"));
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_reset = new QToolButton(this);
    m_reset->setText(tr("Reset view"));
    m_reset->setToolTip(tr("Show the whole matrix again (R)"));
    bar->addWidget(m_readout, 1);
    bar->addWidget(m_reset);
    layout->addLayout(bar);

    m_figure = std::make_unique<HeatmapFigure>(m_plot);
    QCPAxisRect *rect = m_plot->axisRect();
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    rect->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    rect->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    rect->setRangeZoomFactor(0.85);
    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this); // to see the pointer leave
    setFocusPolicy(Qt::StrongFocus);

    connect(m_plot, &QCustomPlot::mouseMove, this, &HeatmapView::onMouseMove);
    connect(m_reset, &QToolButton::clicked, this, &HeatmapView::resetView);
    connect(rect->axis(QCPAxis::atBottom), qOverload<const QCPRange &>(&QCPAxis::rangeChanged),
        this, &HeatmapView::onRangeChanged);
    connect(rect->axis(QCPAxis::atLeft), qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this,
        &HeatmapView::onRangeChanged);
    showMessage(tr("Open a model (File > Open Model) to see its attention."));
}

HeatmapView::~HeatmapView() = default;

void HeatmapView::showMatrix(RowMatrix matrix, const QString &title)
{
    const bool sameShape = matrix.rows() == m_matrix.rows() && matrix.cols() == m_matrix.cols();
    m_matrix = std::move(matrix); // kept for the hover read-out and CSV export
    m_figure->setTitle(title);
    const bool wasMessage = isShowingMessage();
    m_stack->setCurrentWidget(m_plot);
    m_figure->setMatrix(m_matrix); // resets the view itself when the shape changes
    if (sameShape && wasMessage)
        m_figure->resetView();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    updateReadout(); // the pointer may rest on a cell whose value just changed (next head)
}

void HeatmapView::showMessage(const QString &sentence)
{
    m_message->setText(sentence);
    m_stack->setCurrentWidget(m_message);
    updateReadout();
}

bool HeatmapView::isShowingMessage() const
{
    return m_stack->currentWidget() == m_message;
}

QString HeatmapView::message() const
{
    return isShowingMessage() ? m_message->text() : QString();
}

void HeatmapView::setLabels(const QStringList &keyLabels, const QStringList &queryLabels,
    const QString &keyTitle, const QString &queryTitle)
{
    m_keyLabels = keyLabels;
    m_queryLabels = queryLabels;
    m_figure->setLabels(keyLabels, queryLabels);
    m_figure->setAxisTitles(keyTitle, queryTitle);
    updateReadout();
}

void HeatmapView::setColorMap(const QString &name)
{
    m_figure->setColorMap(name);
}

void HeatmapView::setValueRange(double lower, double upper)
{
    m_figure->setValueRange(lower, upper);
    updateReadout();
}

void HeatmapView::resetView()
{
    m_figure->resetView();
    m_figure->recomputeTicks();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    updateReadout();
}

namespace {

// Cells [first, last] of `count` that a visible axis range touches (cell i spans i +- 0.5).
std::pair<int, int> visibleCells(const QCPRange &range, Eigen::Index count)
{
    const int last = static_cast<int>(count) - 1;
    const int first = std::clamp(static_cast<int>(std::floor(range.lower + 0.5)), 0, last);
    return {first, std::clamp(static_cast<int>(std::ceil(range.upper - 0.5)), first, last)};
}

QString cellsText(
    const char *noun, std::pair<int, int> cells, Eigen::Index count, const QStringList &labels)
{
    QString text = QStringLiteral("%1 %2–%3 of %4")
                       .arg(QString::fromLatin1(noun))
                       .arg(cells.first)
                       .arg(cells.second)
                       .arg(count);
    if (cells.first < labels.size() && cells.second < labels.size())
        text += QStringLiteral(" (%1 to %2)").arg(labels[cells.first], labels[cells.second]);
    return text;
}

} // namespace

QString HeatmapView::cropText() const
{
    if (isShowingMessage() || m_matrix.size() == 0)
        return {};
    const auto keys
        = visibleCells(m_plot->axisRect()->axis(QCPAxis::atBottom)->range(), m_matrix.cols());
    const auto queries
        = visibleCells(m_plot->axisRect()->axis(QCPAxis::atLeft)->range(), m_matrix.rows());
    if (keys.first == 0 && keys.second == m_matrix.cols() - 1 && queries.first == 0
        && queries.second == m_matrix.rows() - 1)
        return {};
    return cellsText("keys", keys, m_matrix.cols(), m_keyLabels) + QStringLiteral(", ")
        + cellsText("queries", queries, m_matrix.rows(), m_queryLabels);
}

QString HeatmapView::describeCellAt(const QPoint &pos) const
{
    if (isShowingMessage() || m_matrix.size() == 0)
        return {};
    QCPColorMap *map = m_figure->colorMap();
    double x = 0.0;
    double y = 0.0;
    map->pixelsToCoords(QPointF(pos), x, y);
    const int key = static_cast<int>(std::lround(x));
    const int query = static_cast<int>(std::lround(y));
    if (key < 0 || query < 0 || key >= m_matrix.cols() || query >= m_matrix.rows()
        || !m_plot->axisRect()->rect().contains(pos))
        return {};
    return tr("query: %1   key: %2   weight: %3")
        .arg(labelAt(m_queryLabels, query), labelAt(m_keyLabels, key))
        .arg(static_cast<double>(m_matrix(query, key)), 0, 'g', 5);
}

void HeatmapView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    m_figure->recomputeTicks();
}

void HeatmapView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_R || event->key() == Qt::Key_Home) {
        resetView();
        return;
    }
    const int delta = event->key() == Qt::Key_Down ? 1
        : event->key() == Qt::Key_Up               ? -1
        : event->key() == Qt::Key_PageDown         ? 10
        : event->key() == Qt::Key_PageUp           ? -10
                                                   : 0;
    if (delta != 0 && event->modifiers() == Qt::NoModifier) {
        emit sampleStepRequested(delta);
        return;
    }
    QWidget::keyPressEvent(event);
}

QString HeatmapView::readout() const
{
    return m_readout->text();
}

bool HeatmapView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_plot && event->type() == QEvent::Leave) {
        m_pointer.reset();
        updateReadout();
    }
    return QWidget::eventFilter(watched, event);
}

void HeatmapView::onMouseMove(QMouseEvent *event)
{
    // QCustomPlot reports the move before it pans for it: onRangeChanged describes the cell
    // under the pointer again once the view has followed the drag.
    m_pointer = event->pos();
    updateReadout(true);
}

void HeatmapView::updateReadout(bool showTip)
{
    m_figure->ensureLaidOut(); // after an export at another size, before reading pixels
    const QString text = m_pointer ? describeCellAt(*m_pointer) : QString();
    const bool ownTip = QToolTip::isVisible() && QToolTip::text() == m_readout->text();
    if (text.isEmpty() && ownTip)
        QToolTip::hideText(); // only ours: another widget's tooltip is left alone
    else if (!text.isEmpty() && (showTip || ownTip))
        QToolTip::showText(m_plot->mapToGlobal(*m_pointer), text, m_plot);
    if (text != m_readout->text()) {
        m_readout->setText(text);
        emit hoverChanged(text);
    }
}

void HeatmapView::onRangeChanged()
{
    if (m_inRangeUpdate || m_matrix.size() == 0)
        return;
    m_inRangeUpdate = true;
    QCPAxis *x = m_plot->axisRect()->axis(QCPAxis::atBottom);
    QCPAxis *y = m_plot->axisRect()->axis(QCPAxis::atLeft);
    x->setRange(clampedRange(x->range(), -0.5, static_cast<double>(m_matrix.cols()) - 0.5));
    y->setRange(clampedRange(y->range(), -0.5, static_cast<double>(m_matrix.rows()) - 0.5));
    m_figure->recomputeTicks();
    m_inRangeUpdate = false;
    updateReadout();
}

} // namespace attnlens
