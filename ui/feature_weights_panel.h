#pragma once

#include <QWidget>

#include "ui/bar_chart_view.h"
#include "ui/feature_weight_bars.h"
#include "ui/workspace.h"

class QComboBox;

namespace attnlens {

/// The Feature Weights dock: the current sample's weights over features, experts or modules of
/// one layer (Model::featureWeightLayers(), chosen in a list) as a labelled bar chart, in the
/// layer's order or largest first, with Export... (PNG, JPG, PDF, SVG or CSV). A model without
/// such layers gets a sentence saying so.
class FeatureWeightsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FeatureWeightsPanel(QWidget *parent = nullptr);

    /// A new model or data set: lists its sets of weights, keeps the chosen set by key when the
    /// new model has it. Shows nothing until setSample().
    void setWorkspace(const Workspace &workspace);
    /// The weights of one sample (SampleAttention::featureWeights).
    void setSample(const SampleAttention &scores);

    int currentSet() const;
    void selectSet(int set);
    BarOrder order() const { return m_view->order(); }
    void setOrder(BarOrder order) { m_view->setOrder(order); }
    /// What the chart shows now, in drawing order; no values when it shows nothing.
    const BarChart &bars() const { return m_view->chart(); }
    BarChartView *view() const { return m_view; }

    /// The chart as an image (with the model, layer and row in its metadata) or as CSV.
    bool saveImage(const QString &path, ImageFormat format, QSize size, int dpi, QString *error);
    bool saveCsv(const QString &path, QString *error) const { return m_view->saveCsv(path, error); }

signals:
    /// The user pressed Export...: the window asks for a file and calls saveImage / saveCsv.
    void exportRequested();

private:
    void redraw();

    QComboBox *m_setBox = nullptr;
    BarChartView *m_view = nullptr;
    Workspace m_workspace;
    SampleAttention m_sample; ///< only its sample index and feature weights are kept
};

} // namespace attnlens
