#include "ui/feature_weight_bars.h"

#include <algorithm>
#include <numeric>

#include <QFileInfo>

#include "core/data/axis_labels.h"
#include "core/runtime/model.h"
#include "ui/report_exporter.h"
#include "ui/sample_caption.h"

namespace attnlens {

namespace {

QString categoryOf(WeightsOver over)
{
    switch (over) {
    case WeightsOver::Features:
        return QStringLiteral("feature");
    case WeightsOver::Experts:
        return QStringLiteral("expert");
    case WeightsOver::Modules:
        return QStringLiteral("module");
    }
    return QStringLiteral("position");
}

QString title(const Workspace &workspace, const FeatureWeightsInfo &info, std::int64_t sample)
{
    const QString text
        = QStringLiteral("%1 — %2 — ")
              .arg(QFileInfo(workspace.modelFile).fileName(), QString::fromStdString(info.key));
    if (info.isStatic)
        return text + QStringLiteral("learned, the same for every sample");
    return text + sampleText(sample, workspace.dataset.get());
}

} // namespace

namespace presenter {

BarChart featureWeightBars(
    const Workspace &workspace, const SampleAttention &scores, int set, BarOrder order)
{
    const FeatureWeightsInfo &info
        = workspace.model->featureWeightLayers().at(static_cast<std::size_t>(set));
    const Tensor &weights = scores.featureWeights.at(static_cast<std::size_t>(set));
    const auto count = static_cast<int>(weights.size());
    const Dataset empty;
    const std::vector<std::string> names
        = featureWeightLabels(info, workspace.dataset ? *workspace.dataset : empty);

    const float *values = weights.data();
    BarChart bars;
    for (int p = 0; p < count; ++p) {
        bars.positions.push_back(p);
        bars.values.push_back(values[p]);
        bars.labels.push_back(static_cast<std::size_t>(p) < names.size()
                ? QString::fromStdString(names[static_cast<std::size_t>(p)])
                : QString::number(p));
    }
    bars.categoryTitle = categoryOf(info.over);
    bars.valueTitle = QStringLiteral("weight over %1s").arg(bars.categoryTitle);
    bars.uniform = count > 0 ? 1.0 / count : 0.0;
    bars.isStatic = info.isStatic;
    bars.title = title(workspace, info, scores.sample);
    orderBars(bars, order);
    return bars;
}

} // namespace presenter
} // namespace attnlens
