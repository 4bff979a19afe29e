#include <algorithm>
#include <iostream>

#include "app/cli/chunk_writer.h"
#include "app/cli/commands.h"
#include "app/cli/job.h"
#include "app/cli/result_file.h"
#include "core/data/axis_labels.h"

namespace attnlens::cli {

namespace {

/// Without --chunk-rows: the first chunk has this many rows, later chunks as many as keep a
/// chunk's results near kChunkBytes. Writing overlaps the next chunk's computation, so only the
/// last chunk's writing adds to the run's time: chunks of 64 MiB keep that tail short (and two
/// chunks in memory small) while every chunk still has many rows for the engine's threads.
constexpr std::int64_t kFirstChunkRows = 16;
constexpr double kChunkBytes = 64.0 * 1024 * 1024;
constexpr std::int64_t kMaxChunkRows = 4096;

double resultBytes(const RunResult &result)
{
    double bytes = 0;
    for (const Tensor &t : result.outputs)
        bytes += static_cast<double>(t.size()) * sizeof(float);
    for (const AttentionScores &a : result.attention)
        bytes += static_cast<double>(a.scores.size()) * sizeof(float);
    for (const FeatureWeights &w : result.featureWeights)
        bytes += static_cast<double>(w.weights.size()) * sizeof(float);
    return bytes;
}

} // namespace

int runRun(const CliOptions &options)
{
    const Job job = openJob(options);
    const auto total = static_cast<std::int64_t>(job.rows.size());
    Progress progress("run");

    ResultFileHeader header;
    header.modelFile = options.model.filename().string();
    header.modelSha256 = job.model->summary().sha256;
    for (const auto &file : options.data)
        header.dataFiles += (header.dataFiles.empty() ? "" : ";") + file.filename().string();
    header.rows = job.rows;
    std::vector<std::pair<std::string, std::vector<std::string>>> weightLabels;
    for (const FeatureWeightsInfo &weights : job.model->featureWeightLayers())
        weightLabels.emplace_back(weights.key, featureWeightLabels(weights, job.dataset));
    ResultFileWriter resultFile(options.out, header, std::move(weightLabels));
    // Declared after `resultFile`: destroyed first, so the thread has stopped before the temporary
    // file is removed (an error, Ctrl-C).
    ChunkWriter writer(resultFile);

    std::size_t attentionLayers = 0;
    std::int64_t chunk = options.chunkRows > 0 ? options.chunkRows : kFirstChunkRows;
    for (std::int64_t begin = 0; begin < total;) {
        const std::int64_t end = std::min(total, begin + chunk);
        std::vector<Tensor> slice;
        if (begin > 0 || end < total)
            for (const Tensor &input : job.inputs)
                slice.push_back(input.slice(begin, end));
        RunOptions runOptions;
        runOptions.progress = [&](std::int64_t done, std::int64_t) {
            progress.update(begin + done, total);
            return !interrupted();
        };
        RunResult result;
        try {
            result = job.model->run(slice.empty() ? job.inputs : slice, runOptions);
        } catch (const Cancelled &) {
            throw Interrupted {};
        }
        if (interrupted())
            throw Interrupted {};
        attentionLayers = result.attention.size();
        if (options.chunkRows == 0 && begin == 0) {
            const double perRow = std::max(1.0, resultBytes(result) / double(end - begin));
            chunk = std::clamp<std::int64_t>(
                static_cast<std::int64_t>(kChunkBytes / perRow), 1, kMaxChunkRows);
        }
        writer.push(begin, std::move(result)); // written while the next chunk is computed
        begin = end;
    }
    writer.finish();
    resultFile.commit();
    std::cerr << "wrote " << options.out.string() << ": " << total << " rows, " << attentionLayers
              << " attention layer(s)";
    if (!job.model->featureWeightLayers().empty())
        std::cerr << ", " << job.model->featureWeightLayers().size() << " feature weight set(s)";
    std::cerr << "\n";
    return 0;
}

} // namespace attnlens::cli
