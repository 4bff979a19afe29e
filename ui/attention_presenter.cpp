#include "ui/attention_presenter.h"

#include <algorithm>

#include <QObject>

#include "core/data/axis_labels.h"
#include "ui/batch_export.h"
#include "ui/thumbnail.h"

namespace attnlens::presenter {

namespace {

QStringList toQt(const std::vector<std::string> &labels)
{
    QStringList list;
    list.reserve(static_cast<qsizetype>(labels.size()));
    for (const std::string &label : labels)
        list << QString::fromStdString(label);
    return list;
}

QString originTitle(const AxisOrigin &origin, const QString &fallback)
{
    switch (origin.kind) {
    case AxisOrigin::Kind::Features:
        return QObject::tr("%1 (feature)").arg(fallback);
    case AxisOrigin::Kind::TimeSteps:
        return QObject::tr("%1 (time step)").arg(fallback);
    case AxisOrigin::Kind::Tokens:
        return QObject::tr("%1 (token)").arg(fallback);
    case AxisOrigin::Kind::Unknown:
        break;
    }
    return fallback;
}

} // namespace

AxisText axisText(const Workspace &workspace, int layer, std::int64_t row)
{
    const AttentionLayerInfo &info
        = workspace.model->attentionLayers().at(static_cast<std::size_t>(layer));
    static const Dataset noData;
    LabelOptions options;
    options.row = std::max<std::int64_t>(row, 0);
    const AxisLabels labels
        = axisLabels(info, workspace.dataset ? *workspace.dataset : noData, options);
    return {toQt(labels.key), toQt(labels.query), originTitle(info.keyOrigin, QObject::tr("key")),
        originTitle(info.queryOrigin, QObject::tr("query"))};
}

QString title(const Workspace &workspace, int layer, const HeadChoice &head, std::int64_t row)
{
    return exportTitle(workspace, layer, head.displayName(), row);
}

HeatmapContent content(const Workspace &workspace, const SampleAttention &scores, int layer,
    const HeadChoice &head, RangeMode range)
{
    const Tensor &layerScores = scores.layers.at(static_cast<std::size_t>(layer));
    HeatmapContent c;
    c.matrix = headMatrix(layerScores, head);
    c.range = valueRange(c.matrix, layerScores, range);
    c.title = title(workspace, layer, head, scores.row);
    return c;
}

std::vector<QImage> headThumbnails(
    const Tensor &layerScores, const QString &colorMap, RangeMode range, int side)
{
    std::vector<QImage> images;
    const auto heads = static_cast<int>(layerScores.dim(0));
    for (int h = 0; h <= heads + 1; ++h) {
        const HeadChoice choice = h < heads
            ? HeadChoice {HeadChoice::Kind::Head, h}
            : HeadChoice {
                h == heads ? HeadChoice::Kind::MeanOfHeads : HeadChoice::Kind::MaxOfHeads, 0};
        const RowMatrix matrix = headMatrix(layerScores, choice);
        images.push_back(
            renderThumbnail(matrix, colorMap, valueRange(matrix, layerScores, range), side));
    }
    return images;
}

} // namespace attnlens::presenter
