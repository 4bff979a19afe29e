#include "ui/attention_presenter.h"

#include <algorithm>

#include <QObject>

#include "ui/report_exporter.h"
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
    const std::string noun = axisOriginNoun(origin);
    return noun.empty() ? fallback
                        : QStringLiteral("%1 (%2)").arg(fallback, QString::fromStdString(noun));
}

} // namespace

AxisText axisText(const Workspace &workspace, int layer, std::int64_t row)
{
    const AttentionLayerInfo &info
        = workspace.model->attentionLayers().at(static_cast<std::size_t>(layer));
    static const Dataset noData;
    LabelOptions options;
    options.sample = std::max<std::int64_t>(row, 0);
    return axisText(info, workspace.dataset ? *workspace.dataset : noData, options);
}

AxisText axisText(
    const AttentionLayerInfo &info, const Dataset &dataset, const LabelOptions &options)
{
    const AxisLabels labels = axisLabels(info, dataset, options);
    return {toQt(labels.key), toQt(labels.query), originTitle(info.keyOrigin, QObject::tr("key")),
        originTitle(info.queryOrigin, QObject::tr("query"))};
}

QString title(const Workspace &workspace, int layer, const HeadChoice &head, std::int64_t row)
{
    const AttentionLayerInfo &info
        = workspace.model->attentionLayers().at(static_cast<std::size_t>(layer));
    return ReportExporter::title(workspace.modelFile, info.key, head, row, workspace.dataset.get());
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
    // Thumbnails show at most side x side cells, so sample every head down first and reduce
    // (mean, max) on the samples: a 2048 x 2048 layer costs a few side^2 passes, not 2048^2.
    const std::int64_t heads = layerScores.dim(0);
    const std::int64_t queries = layerScores.dim(1);
    const std::int64_t keys = layerScores.dim(2);
    const std::int64_t rows = std::min<std::int64_t>(queries, side);
    const std::int64_t cols = std::min<std::int64_t>(keys, side);
    Tensor small({heads, rows, cols});
    float *out = small.data();
    for (std::int64_t h = 0; h < heads; ++h) {
        const float *head = layerScores.data() + h * queries * keys;
        for (std::int64_t y = 0; y < rows; ++y) {
            const float *line = head + (y * queries / rows) * keys;
            for (std::int64_t x = 0; x < cols; ++x)
                *out++ = line[x * keys / cols];
        }
    }
    // The shared range is over every cell of the layer, as on the big map.
    const std::pair<double, double> shared = range == RangeMode::SharedHeads
        ? valueRange(RowMatrix(), layerScores, RangeMode::SharedHeads)
        : std::pair<double, double>(0.0, 1.0);
    std::vector<QImage> images;
    for (std::int64_t h = 0; h <= heads + 1; ++h) {
        const HeadChoice choice = h < heads
            ? HeadChoice {HeadChoice::Kind::Head, static_cast<int>(h)}
            : HeadChoice {
                h == heads ? HeadChoice::Kind::MeanOfHeads : HeadChoice::Kind::MaxOfHeads, 0};
        const RowMatrix matrix = headMatrix(small, choice);
        const auto cellRange
            = range == RangeMode::SharedHeads ? shared : valueRange(matrix, small, range);
        images.push_back(renderThumbnail(matrix, colorMap, cellRange, side));
    }
    return images;
}

} // namespace attnlens::presenter
