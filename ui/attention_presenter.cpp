#include "ui/attention_presenter.h"

#include <algorithm>

#include <QObject>

#include "core/analysis/map_statistics.h"
#include "ui/report_exporter.h"
#include "ui/sample_caption.h"
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

AxisText axisText(const Workspace &workspace, int attention, std::int64_t sample)
{
    const AttentionLayerInfo &info
        = workspace.model->attentionLayers().at(static_cast<std::size_t>(attention));
    static const Dataset noData;
    LabelOptions options;
    options.sample = std::max<std::int64_t>(sample, 0);
    return axisText(info, workspace.dataset ? *workspace.dataset : noData, options);
}

AxisText axisText(
    const AttentionLayerInfo &info, const Dataset &dataset, const LabelOptions &options)
{
    const AxisLabels labels = axisLabels(info, dataset, options);
    return {toQt(labels.key), toQt(labels.query), originTitle(info.keyOrigin, QObject::tr("key")),
        originTitle(info.queryOrigin, QObject::tr("query"))};
}

QString title(const Workspace &workspace, int attention, const HeadChoice &head,
    std::int64_t sample, const std::vector<Tensor> &outputs)
{
    const AttentionLayerInfo &info
        = workspace.model->attentionLayers().at(static_cast<std::size_t>(attention));
    return ReportExporter::title(workspace.modelFile, info.key, head,
        sampleCaption(
            *workspace.model, workspace.dataset.get(), workspace.dataOptions, sample, outputs));
}

HeatmapContent content(const Workspace &workspace, const SampleAttention &scores, int attention,
    const HeadChoice &head, RangeMode range)
{
    const Tensor &callScores = scores.calls.at(static_cast<std::size_t>(attention));
    HeatmapContent c;
    c.matrix = headMatrix(callScores, head);
    c.range = valueRange(c.matrix, callScores, range);
    c.title = title(workspace, attention, head, scores.sample, scores.outputs);
    return c;
}

BarChart receivedBars(const HeatmapContent &content, const AxisText &text, const QString &statistic)
{
    BarChart chart;
    const Eigen::Index keys = content.matrix.cols();
    const Eigen::Index queries = content.matrix.rows();
    if (keys == 0 || queries == 0)
        return chart;
    for (Eigen::Index k = 0; k < keys; ++k) {
        chart.positions.push_back(static_cast<int>(k));
        chart.values.push_back(double(content.matrix.col(k).cast<double>().mean()));
        chart.labels << text.keys.value(static_cast<int>(k), QString::number(k));
    }
    chart.title = content.title;
    chart.categoryTitle = text.keyTitle;
    chart.valueTitle = statistic.isEmpty() ? QObject::tr("attention received")
                                           : QObject::tr("received (%1)").arg(statistic);
    chart.uniform = statistic.isEmpty() ? 1.0 / double(keys) : 0.0;
    return chart;
}

std::vector<float> headEntropies(const Tensor &callScores)
{
    const std::int64_t heads = callScores.dim(0);
    const std::int64_t tq = callScores.dim(1);
    const std::int64_t tk = callScores.dim(2);
    const float *scores = callScores.data();
    std::vector<float> headMax(static_cast<std::size_t>(tq * tk), 0.0f);
    for (std::int64_t h = 0; h < heads; ++h)
        for (std::int64_t i = 0; i < tq * tk; ++i)
            headMax[static_cast<std::size_t>(i)]
                = std::max(headMax[static_cast<std::size_t>(i)], scores[h * tq * tk + i]);
    const std::vector<std::int64_t> unmasked = unmaskedKeys(headMax.data(), tq, tk);
    std::vector<float> entropy;
    for (std::int64_t h = 0; h < heads; ++h)
        entropy.push_back(static_cast<float>(
            mapStatistics(scores + h * tq * tk, tq, tk, unmasked.data()).entropy));
    return entropy;
}

HeadThumbnails headThumbnails(const Tensor &callScores, const QString &colorMap, RangeMode range,
    int side, std::optional<std::pair<double, double>> fixed)
{
    // Thumbnails show at most side x side cells, so sample every head down first and reduce
    // (mean, max) on the samples: a 2048 x 2048 call costs a few side^2 passes, not 2048^2.
    const std::int64_t heads = callScores.dim(0);
    const std::int64_t queries = callScores.dim(1);
    const std::int64_t keys = callScores.dim(2);
    const std::int64_t rows = std::min<std::int64_t>(queries, side);
    const std::int64_t cols = std::min<std::int64_t>(keys, side);
    Tensor small({heads, rows, cols});
    float *out = small.data();
    for (std::int64_t h = 0; h < heads; ++h) {
        const float *head = callScores.data() + h * queries * keys;
        for (std::int64_t y = 0; y < rows; ++y) {
            const float *line = head + (y * queries / rows) * keys;
            for (std::int64_t x = 0; x < cols; ++x)
                *out++ = line[x * keys / cols];
        }
    }
    // The shared range is over every cell of the call, as on the big map.
    const std::pair<double, double> shared = range == RangeMode::SharedHeads
        ? valueRange(RowMatrix(), callScores, RangeMode::SharedHeads)
        : std::pair<double, double>(0.0, 1.0);
    const auto thumbnail = [&](const HeadChoice &choice) {
        const RowMatrix matrix = headMatrix(small, choice);
        const auto cellRange = fixed          ? *fixed
            : range == RangeMode::SharedHeads ? shared
                                              : valueRange(matrix, small, range);
        return renderThumbnail(matrix, colorMap, cellRange, side);
    };
    HeadThumbnails images;
    for (std::int64_t h = 0; h < heads; ++h)
        images.heads.push_back(thumbnail({HeadChoice::Kind::Head, static_cast<int>(h)}));
    images.mean = thumbnail({HeadChoice::Kind::MeanOfHeads, 0});
    images.max = thumbnail({HeadChoice::Kind::MaxOfHeads, 0});
    return images;
}

} // namespace attnlens::presenter
