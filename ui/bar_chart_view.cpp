#include "ui/bar_chart_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "ui/bar_figure.h"

namespace attnlens {

BarChartView::BarChartView(const QString &name, QWidget *parent)
    : QWidget(parent)
{
    m_orderBox = new QComboBox(this);
    m_orderBox->setObjectName(name + QStringLiteral("OrderBox"));
    m_orderBox->addItem(tr("In order"), static_cast<int>(BarOrder::Position));
    m_orderBox->addItem(tr("Largest first"), static_cast<int>(BarOrder::Weight));
    m_exportButton = new QPushButton(tr("Export…"), this);
    m_exportButton->setObjectName(name + QStringLiteral("ExportButton"));
    m_exportButton->setToolTip(tr("Save this chart as PNG, JPG, PDF, SVG, or its values as CSV"));
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(name + QStringLiteral("Plot"));
    m_plot->setMinimumSize(220, 200);
    m_figure = std::make_unique<BarFigure>(m_plot);
    m_figure->setTitleVisible(false); // the dock's title and the map's say what it shows

    m_controls = new QHBoxLayout;
    m_controls->addStretch(1);
    m_controls->addWidget(m_orderBox);
    m_controls->addWidget(m_exportButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(m_controls);
    layout->addWidget(m_plot, 1);

    connect(m_orderBox, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
    connect(m_exportButton, &QPushButton::clicked, this, &BarChartView::exportRequested);
    setMessage(QString());
}

BarChartView::~BarChartView() = default;

void BarChartView::setChart(BarChart chart)
{
    m_source = std::move(chart);
    m_message.clear();
    redraw();
}

void BarChartView::setMessage(const QString &sentence)
{
    m_source = BarChart();
    m_message = sentence;
    redraw();
}

BarOrder BarChartView::order() const
{
    return static_cast<BarOrder>(m_orderBox->currentData().toInt());
}

void BarChartView::setOrder(BarOrder order)
{
    m_orderBox->setCurrentIndex(m_orderBox->findData(static_cast<int>(order)));
}

void BarChartView::redraw()
{
    m_chart = m_source;
    if (m_chart.values.empty()) {
        m_figure->setMessage(m_message);
    } else {
        orderBars(m_chart, order());
        m_figure->setBars(m_chart);
    }
    m_exportButton->setEnabled(!m_chart.values.empty());
    m_orderBox->setEnabled(!m_chart.values.empty());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool BarChartView::saveImage(const QString &path, ImageFormat format, QSize size, int dpi,
    const ImageMetadata &metadata, QString *error)
{
    if (m_chart.values.empty()) {
        *error = tr("There is no chart to export.");
        return false;
    }
    m_figure->setTitleVisible(true);
    const bool saved = imageexport::savePlot(m_plot, path, format, size, dpi, metadata, error);
    m_figure->setTitleVisible(false);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    return saved;
}

bool BarChartView::saveCsv(const QString &path, QString *error) const
{
    if (m_chart.values.empty()) {
        *error = tr("There is no chart to export.");
        return false;
    }
    QSaveFile file(path); // a temporary name, renamed on commit
    const QByteArray bytes = barCsv(m_chart).toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace attnlens
