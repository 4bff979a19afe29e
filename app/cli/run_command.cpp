#include <iostream>

#include "app/cli/chunk_writer.h"
#include "app/cli/commands.h"
#include "app/cli/job.h"
#include "app/cli/result_file.h"
#include "core/data/axis_labels.h"

namespace attnlens::cli {

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
    const Dataset &data = job.dataset;
    header.idColumn = data.sampleLabelName;
    header.targetColumn = data.targetName;
    for (const std::int64_t row : job.rows) {
        header.ids.push_back(data.sampleLabels[static_cast<std::size_t>(row)]);
        if (!data.targets.empty())
            header.targets.push_back(data.targets[static_cast<std::size_t>(row)]);
    }
    for (const LayerInfo &layer : job.model->layers())
        if (!layer.recipe.empty())
            header.recipes
                += (header.recipes.empty() ? "" : "; ") + layer.name + ": " + layer.recipe;
    std::vector<std::pair<std::string, std::vector<std::string>>> weightLabels;
    for (const FeatureWeightsInfo &weights : job.model->featureWeightLayers())
        weightLabels.emplace_back(weights.key, featureWeightLabels(weights, job.dataset));
    ResultFileWriter resultFile(options.out, header, std::move(weightLabels));
    // Declared after `resultFile`: destroyed first, so the thread has stopped before the temporary
    // file is removed (an error, Ctrl-C).
    ChunkWriter writer(resultFile);

    std::size_t attentionLayers = 0;
    forEachChunk(job, options.chunkRows, progress, [&](std::int64_t begin, RunResult &&result) {
        attentionLayers = result.attention.size();
        writer.push(begin, std::move(result)); // written while the next chunk is computed
    });
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
