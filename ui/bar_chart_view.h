#pragma once

#include <memory>

#include <QWidget>

#include "ui/bar_chart.h"
#include "ui/image_export.h"

class QComboBox;
class QCustomPlot;
class QHBoxLayout;
class QPushButton;

namespace attnlens {

class BarFigure;

/// A bar chart with its controls: the order (as positioned, or largest first), Export... and
/// the plot. Owners put their own controls in front (controls()) and feed it charts.
class BarChartView : public QWidget
{
    Q_OBJECT
public:
    /// `name` prefixes the children's object names ("featureWeight" -> "featureWeightPlot").
    explicit BarChartView(const QString &name, QWidget *parent = nullptr);
    ~BarChartView() override;

    /// Shows `chart` in the chosen order. Does not keep a message.
    void setChart(BarChart chart);
    /// Shows `sentence` in place of bars; chart() becomes empty.
    void setMessage(const QString &sentence);

    BarOrder order() const;
    void setOrder(BarOrder order);
    /// What is drawn, in drawing order; no values when a message is shown.
    const BarChart &chart() const { return m_chart; }
    QCustomPlot *plot() const { return m_plot; }
    BarFigure *figure() const { return m_figure.get(); }
    QHBoxLayout *controls() const { return m_controls; }

    /// The chart as an image (with its title, which the panel leaves out), or its values as CSV,
    /// under a temporary name renamed when complete. False with `*error` set on failure or when no
    /// chart is shown.
    bool saveImage(const QString &path, ImageFormat format, QSize size, int dpi,
        const ImageMetadata &metadata, QString *error);
    bool saveCsv(const QString &path, QString *error) const;

signals:
    void exportRequested();

private:
    void redraw();

    QHBoxLayout *m_controls = nullptr;
    QComboBox *m_orderBox = nullptr;
    QPushButton *m_exportButton = nullptr;
    QCustomPlot *m_plot = nullptr;
    std::unique_ptr<BarFigure> m_figure;
    BarChart m_source; ///< as given
    BarChart m_chart;  ///< as drawn
    QString m_message;
};

} // namespace attnlens
