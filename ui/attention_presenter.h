#pragma once

#include <optional>
#include <utility>
#include <vector>

#include <QImage>
#include <QString>
#include <QStringList>

#include "core/data/axis_labels.h"
#include "ui/bar_chart.h"
#include "ui/head_matrix.h"
#include "ui/workspace.h"

namespace attnlens {

/// Everything the heatmap shows for one (attention call, head, sample) choice, computed from cached
/// scores without touching widgets, so it can be tested and timed on its own.
struct HeatmapContent
{
    RowMatrix matrix; ///< queries x keys
    std::pair<double, double> range;
    QString title;
};

/// Axis tick labels and titles of one attention call for one sample.
struct AxisText
{
    QStringList keys;
    QStringList queries;
    QString keyTitle;
    QString queryTitle;
};

/// What the head list shows: one thumbnail per head, then the reductions over heads.
struct HeadThumbnails
{
    std::vector<QImage> heads; ///< heads[h] for head h
    QImage mean;
    QImage max;
};

namespace presenter {

/// Labels from the data set (feature names, time values, tokens) as core/data traces them.
/// Throws what axisLabels throws.
/// `attention` indexes Model::attentionLayers().
AxisText axisText(const Workspace &workspace, int attention, std::int64_t sample);
/// The same for attention call `info` of a model reading `dataset`, with label files or a
/// vocabulary when `options` names them (attnlens-cli --labels). Throws what axisLabels throws.
AxisText axisText(
    const AttentionLayerInfo &info, const Dataset &dataset, const LabelOptions &options);

/// The same title attnlens-cli export writes (see ReportExporter::title); `outputs` are the
/// sample's model outputs (SampleAttention::outputs) for its prediction, may be empty.
QString title(const Workspace &workspace, int attention, const HeadChoice &head,
    std::int64_t sample, const std::vector<Tensor> &outputs = {});

/// Matrix, colour range and title of `head` of call `attention` from `scores`. Throws
/// std::out_of_range when `scores` has no such call.
HeatmapContent content(const Workspace &workspace, const SampleAttention &scores, int attention,
    const HeadChoice &head, RangeMode range);

/// The attention each key receives in `content`'s matrix ("attention received"): its column
/// mean over the queries
/// (for a sample's softmax rows the bars sum to 1), labelled with `text`'s key labels, under
/// `content`'s title. `statistic` names what the matrix is when it is not weights
/// ("standard deviation", "difference"); then the axis says "received (<statistic>)" and no
/// uniform line is drawn.
BarChart receivedBars(
    const HeatmapContent &content, const AxisText &text, const QString &statistic = {});

/// Each head's sharpness in one sample's scores (heads, T_q, T_k): the mean normalised row
/// entropy over the unmasked keys (core/analysis/map_statistics.h; 0 = one key, 1 = uniform).
std::vector<float> headEntropies(const Tensor &callScores);

/// Thumbnails (side x side at most) of every head of `callScores` (heads, T_q, T_k), of their
/// mean and of their max. `fixed`, when given, is the colour range of every cell (the Overview's
/// one range for the whole model) instead of `range`'s.
HeadThumbnails headThumbnails(const Tensor &callScores, const QString &colorMap, RangeMode range,
    int side, std::optional<std::pair<double, double>> fixed = std::nullopt);

} // namespace presenter
} // namespace attnlens
