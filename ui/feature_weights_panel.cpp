#include "ui/feature_weights_panel.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QVBoxLayout>

#include "core/runtime/model.h"

namespace attnlens {

namespace {

QString overText(WeightsOver over)
{
    switch (over) {
    case WeightsOver::Features:
        return QObject::tr("over features");
    case WeightsOver::Experts:
        return QObject::tr("over experts");
    case WeightsOver::Modules:
        return QObject::tr("over modules");
    }
    return {};
}

} // namespace

FeatureWeightsPanel::FeatureWeightsPanel(QWidget *parent)
    : QWidget(parent)
{
    m_setBox = new QComboBox(this);
    m_setBox->setObjectName(QStringLiteral("featureWeightSetBox"));
    m_setBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_setBox->setMinimumContentsLength(16);
    m_view = new BarChartView(QStringLiteral("featureWeight"), this);
    m_view->controls()->insertWidget(0, m_setBox, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    connect(m_setBox, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
    connect(m_view, &BarChartView::exportRequested, this, &FeatureWeightsPanel::exportRequested);
    redraw();
}

void FeatureWeightsPanel::setWorkspace(const Workspace &workspace)
{
    const QString previous = m_setBox->currentData().toString();
    m_workspace = workspace;
    m_sample = SampleAttention();
    const QSignalBlocker block(m_setBox);
    m_setBox->clear();
    if (workspace.model)
        for (const FeatureWeightsInfo &info : workspace.model->featureWeightLayers()) {
            const QString key = QString::fromStdString(info.key);
            m_setBox->addItem(QStringLiteral("%1 (%2)").arg(key, overText(info.over)), key);
        }
    const int keep = m_setBox->findData(previous);
    m_setBox->setCurrentIndex(keep >= 0 ? keep : 0);
    redraw();
}

void FeatureWeightsPanel::setSample(const SampleAttention &scores)
{
    m_sample.sample = scores.sample;
    m_sample.featureWeights = scores.featureWeights;
    redraw();
}

int FeatureWeightsPanel::currentSet() const
{
    return m_setBox->currentIndex();
}

void FeatureWeightsPanel::selectSet(int set)
{
    m_setBox->setCurrentIndex(set);
}

void FeatureWeightsPanel::redraw()
{
    const int set = currentSet();
    const bool hasSets = m_setBox->count() > 0;
    m_setBox->setEnabled(hasSets);
    if (!m_workspace.model)
        m_view->setMessage(tr("No model is open."));
    else if (!hasSets)
        m_view->setMessage(tr("This model computes no weights over features, experts or "
                              "modules\n(VariableSelection, ColumnAttention, TabularMoELayer "
                              "and SparseAttentionWeighting do)."));
    else if (set < 0 || static_cast<std::size_t>(set) >= m_sample.featureWeights.size())
        m_view->setMessage(tr("Choose a sample to see its weights."));
    else
        m_view->setChart(
            presenter::featureWeightBars(m_workspace, m_sample, set, BarOrder::Position));
}

bool FeatureWeightsPanel::saveImage(
    const QString &path, ImageFormat format, QSize size, int dpi, QString *error)
{
    ImageMetadata metadata;
    metadata.modelFile = QFileInfo(m_workspace.modelFile).fileName();
    metadata.modelSha256 = m_workspace.modelSha256;
    metadata.layer = m_setBox->currentData().toString();
    metadata.row = bars().isStatic ? QString() : QString::number(m_sample.sample);
    metadata.title = bars().title;
    return m_view->saveImage(path, format, size, dpi, metadata, error);
}

} // namespace attnlens
