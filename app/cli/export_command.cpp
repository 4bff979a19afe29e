#include <algorithm>
#include <stdexcept>

#include "app/cli/commands.h"
#include "app/cli/job.h"
#include "core/errors.h"
#include "ui/report_exporter.h"

namespace attnlens::cli {

namespace {

std::vector<const AttentionLayerInfo *> selectLayers(const Model &model, const CliOptions &options)
{
    const auto &all = model.attentionLayers();
    if (all.empty())
        throw InputFileError(options.model.string()
            + ": the model has no attention layer, so there are no heatmaps to export");
    std::vector<const AttentionLayerInfo *> selected;
    for (const AttentionLayerInfo &layer : all) {
        const bool wanted = options.layers.empty()
            || std::any_of(
                options.layers.begin(), options.layers.end(), [&](const std::string &name) {
                    return name == layer.key || name == layer.layerName;
                });
        if (wanted)
            selected.push_back(&layer);
    }
    for (const std::string &name : options.layers) {
        const bool known
            = std::any_of(all.begin(), all.end(), [&](const AttentionLayerInfo &layer) {
                  return name == layer.key || name == layer.layerName;
              });
        if (!known) {
            std::string names;
            for (const AttentionLayerInfo &layer : all)
                names += (names.empty() ? "" : ", ") + layer.key;
            throw UsageError("--layer " + name + ": no such attention layer in "
                + options.model.filename().string() + " (attention layers: " + names + ")");
        }
    }
    return selected;
}

std::vector<HeadChoice> headChoices(const HeadSelection &selection, const AttentionLayerInfo &layer)
{
    std::vector<HeadChoice> choices;
    if (selection.mean)
        choices.push_back({HeadChoice::Kind::MeanOfHeads, 0});
    else if (selection.max)
        choices.push_back({HeadChoice::Kind::MaxOfHeads, 0});
    else if (selection.all)
        for (int h = 0; h < layer.heads; ++h)
            choices.push_back({HeadChoice::Kind::Head, h});
    else
        for (const int h : selection.heads) {
            if (h >= layer.heads)
                throw UsageError("--heads: layer " + layer.key + " has "
                    + std::to_string(layer.heads) + " heads (0.." + std::to_string(layer.heads - 1)
                    + "), not " + std::to_string(h));
            choices.push_back({HeadChoice::Kind::Head, h});
        }
    return choices;
}

} // namespace

int runExport(const CliOptions &options)
{
    const Job job = openJob(options);
    const Model &model = *job.model;
    const auto layers = selectLayers(model, options);
    std::vector<std::vector<HeadChoice>> choices;
    std::int64_t imagesPerRow = 0;
    for (const AttentionLayerInfo *layer : layers) {
        choices.push_back(headChoices(options.heads, *layer));
        imagesPerRow += std::int64_t(choices.back().size());
    }

    ReportOptions report;
    report.directory = QString::fromStdString(options.out.string());
    report.format = *imageFormatFromName(QString::fromStdString(options.format));
    report.size = QSize(options.width, options.height);
    report.dpi = options.dpi;
    report.colorMap = QString::fromStdString(options.colormap);
    report.matrix = QString::fromStdString(options.matrix);
    report.labelFile = options.labels;
    ReportExporter exporter(
        model, job.dataset, QString::fromStdString(options.model.string()), report);

    RunOptions runOptions;
    for (const AttentionLayerInfo *layer : layers)
        runOptions.onlyKeys.push_back(layer->key);

    Progress progress("export");
    const std::int64_t total = std::int64_t(job.rows.size()) * imagesPerRow;
    std::int64_t written = 0;
    const std::int64_t batch = 64;
    const std::int64_t rowCount = std::int64_t(job.rows.size());
    for (std::int64_t begin = 0; begin < rowCount; begin += batch) {
        const std::int64_t end = std::min(rowCount, begin + batch);
        std::vector<Tensor> inputs;
        for (const Tensor &input : job.inputs)
            inputs.push_back(input.slice(begin, end));
        const RunResult result = model.run(inputs, runOptions);
        for (std::int64_t i = begin; i < end; ++i) {
            const std::int64_t row = job.rows[std::size_t(i)];
            for (std::size_t l = 0; l < layers.size(); ++l) {
                const AttentionLayerInfo &layer = *layers[l];
                const auto found = std::find_if(result.attention.begin(), result.attention.end(),
                    [&](const AttentionScores &scores) { return scores.key == layer.key; });
                if (found == result.attention.end())
                    throw std::logic_error("the engine returned no scores for " + layer.key);
                const Tensor &scores = found->scores; // (n, heads, Tq, Tk)
                const int heads = int(scores.dim(1));
                const int queries = int(scores.dim(2));
                const int keys = int(scores.dim(3));
                const float *sample = scores.data() + (i - begin) * heads * queries * keys;
                const int layerIndex = int(&layer - model.attentionLayers().data());
                for (const HeadChoice &choice : choices[l]) {
                    if (interrupted())
                        throw Interrupted {}; // ~ReportExporter finishes the images in flight
                    exporter.write(layerIndex, choice, row, sample, heads, queries, keys);
                    progress.update(++written, total);
                }
            }
        }
    }
    exporter.finish();
    return 0;
}

} // namespace attnlens::cli
