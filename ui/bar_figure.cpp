#include "ui/bar_figure.h"

#include <algorithm>
#include <cmath>

#include <QFontMetrics>

namespace attnlens {

BarFigure::BarFigure(QCustomPlot *plot)
    : m_plot(plot)
    , m_ticker(new QCPAxisTickerText)
{
    m_plot->clearPlottables();
    m_plot->clearItems();
    m_plot->plotLayout()->insertRow(0);
    m_title
        = new QCPTextElement(m_plot, QString(), QFont(m_plot->font().family(), 11, QFont::Bold));
    m_plot->plotLayout()->addElement(0, 0, m_title);

    QCPAxis *category = m_plot->yAxis;
    QCPAxis *weight = m_plot->xAxis;
    category->setTicker(m_ticker);
    category->setRangeReversed(true); // the first bar at the top
    category->setSubTicks(false);
    category->setTickLength(0, 3);
    category->grid()->setVisible(false);
    weight->setLabel(QStringLiteral("weight"));
    weight->ticker()->setTickCount(4); // a narrow dock has room for few value labels
    weight->grid()->setSubGridVisible(false);

    m_bars = new QCPBars(category, weight);
    m_bars->setWidth(0.7);
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(QColor(0x3b, 0x6e, 0xa8));

    QPen dashed(QColor(0xb0, 0x20, 0x20));
    dashed.setStyle(Qt::DashLine);
    dashed.setWidthF(1.5);
    m_uniform = new QCPItemStraightLine(m_plot);
    m_uniform->setPen(dashed);
    m_uniformText = new QCPItemText(m_plot);
    m_uniformText->setColor(dashed.color());
    m_uniformText->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom); // left of the line
    m_uniformText->setText(QStringLiteral("uniform"));
    m_uniformText->setClipToAxisRect(false);

    m_message = new QCPItemText(m_plot);
    m_message->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_message->position->setCoords(0.5, 0.5);
    m_message->setVisible(false);
    // Labels are thinned for the size the plot is laid out at (screen or export).
    QObject::connect(m_plot, &QCustomPlot::afterLayout, m_plot, [this] { thinLabels(); });
}

void BarFigure::setBars(const BarChart &bars)
{
    const int count = static_cast<int>(bars.values.size());
    QVector<double> keys(count);
    QVector<double> values(count);
    m_labels.clear();
    double top = 0.0;
    for (int i = 0; i < count; ++i) {
        keys[i] = i;
        values[i] = bars.values[static_cast<std::size_t>(i)];
        top = std::max(top, values[i]);
        m_labels << bars.labels.value(i);
    }
    m_step = 0; // thinLabels() sets the ticks
    m_bars->setData(keys, values, true);
    m_bars->setVisible(count > 0);
    m_plot->yAxis->setRange(-0.6, std::max(count, 1) - 0.4);
    m_plot->yAxis->setLabel(bars.categoryTitle);
    m_plot->xAxis->setLabel(bars.valueTitle);
    // From 0 (or the lowest bar, for differences) to the highest bar or the uniform mark.
    double low = 0.0;
    for (const double v : values)
        low = std::min(low, v);
    const double high = std::max(top, bars.uniform);
    const double pad = 0.08 * std::max(high - low, 1e-12);
    m_plot->xAxis->setRange(low < 0.0 ? low - pad : 0.0, high + pad);
    m_titleText = bars.title;
    m_title->setText(m_titleVisible ? m_titleText : QString());
    thinLabels();

    const bool showUniform = count > 1 && bars.uniform > 0.0;
    m_uniform->setVisible(showUniform);
    m_uniformText->setVisible(showUniform);
    m_uniform->point1->setCoords(bars.uniform, 0.0);
    m_uniform->point2->setCoords(bars.uniform, 1.0);
    // Above the plot's top edge, beside the line.
    m_uniformText->position->setTypeX(QCPItemPosition::ptPlotCoords);
    m_uniformText->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_uniformText->position->setCoords(bars.uniform, 0.0);
    m_message->setVisible(false);
}

void BarFigure::setMessage(const QString &message)
{
    m_bars->data()->clear();
    m_bars->setVisible(false);
    m_ticker->clear();
    m_labels.clear();
    m_uniform->setVisible(false);
    m_uniformText->setVisible(false);
    m_title->setText(QString());
    m_message->setText(message);
    m_message->setVisible(true);
}

void BarFigure::setTitleVisible(bool visible)
{
    m_titleVisible = visible;
    m_title->setText(visible ? m_titleText : QString());
}

void BarFigure::thinLabels()
{
    const int count = static_cast<int>(m_labels.size());
    const double height = std::max(1, m_plot->axisRect()->height());
    const double line = QFontMetrics(m_plot->yAxis->tickLabelFont()).height() + 1.0;
    const int step = std::max(1, static_cast<int>(std::ceil(count * line / height)));
    if (step == m_step)
        return;
    m_step = step;
    m_ticker->clear();
    for (int i = 0; i < count; i += step)
        m_ticker->addTick(i, m_labels.value(i));
}

} // namespace attnlens
