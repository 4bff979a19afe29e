#pragma once

#include <vector>

#include <QImage>
#include <QString>
#include <QStringList>

#include "core/data/axis_labels.h"
#include "ui/head_matrix.h"
#include "ui/workspace.h"

namespace attnlens {

/// Everything the heatmap shows for one (layer, head, sample) choice, computed from cached
/// scores without touching widgets, so it can be tested and timed on its own.
struct HeatmapContent
{
    RowMatrix matrix; ///< queries x keys
    std::pair<double, double> range;
    QString title;
};

/// Axis tick labels and titles of one attention call for sample `row`.
struct AxisText
{
    QStringList keys;
    QStringList queries;
    QString keyTitle;
    QString queryTitle;
};

namespace presenter {

/// Labels from the data set (feature names, time values, tokens) as core/data traces them.
/// Throws what axisLabels throws.
AxisText axisText(const Workspace &workspace, int layer, std::int64_t row);
/// The same for attention call `info` of a model reading `dataset`, with label files or a
/// vocabulary when `options` names them (attnlens-cli --labels). Throws what axisLabels throws.
AxisText axisText(
    const AttentionLayerInfo &info, const Dataset &dataset, const LabelOptions &options);

/// The same title attnlens-cli export writes (see ReportExporter::title).
QString title(const Workspace &workspace, int layer, const HeadChoice &head, std::int64_t row);

HeatmapContent content(const Workspace &workspace, const SampleAttention &scores, int layer,
    const HeadChoice &head, RangeMode range);

/// Thumbnails of every head of `layerScores` (heads, T_q, T_k), then mean and max (last two).
std::vector<QImage> headThumbnails(
    const Tensor &layerScores, const QString &colorMap, RangeMode range, int side);

} // namespace presenter
} // namespace attnlens
