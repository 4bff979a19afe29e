#include <iostream>

#include "app/cli/commands.h"
#include "app/cli/job.h"
#include "core/analysis/summary_file.h"
#include "core/errors.h"
#include "ui/predictions.h"

namespace attnlens::cli {

namespace {

/// Which groups each sample of a chunk joins besides "all", per --by: "target=<class>",
/// "prediction=<class>", or "correct" / "misclassified". Class names as the sample table shows
/// them: the target's own values, and for predictions the class names the targets give
/// (classNamesFromTargets), else "class <i>".
class Grouping
{
public:
    Grouping(const Job &job, const std::string &by)
        : m_job(job)
        , m_by(by)
    {
        if (by.empty())
            return;
        const bool needsTarget = by == "target" || by == "correct";
        if (needsTarget && job.dataset.targets.empty())
            throw UsageError("--by " + by + ": the data has no target column");
        if (by == "prediction" || by == "correct") {
            const DatasetOptions &data = job.dataset.chosen;
            if (!readsAsClasses(*job.model, data))
                throw UsageError("--by " + by
                    + (data.predictions == PredictionKind::Regression
                            ? std::string(": --regression reads the output as values")
                            : std::string(": the model's output is not a classifier's (it does "
                                          "not end in softmax or sigmoid)"))
                    + ", so it has no predicted classes; --classes NAMES reads it as classes");
            const int classes = classCount(*job.model);
            if (const std::string problem = classNamesProblem(classes, data); !problem.empty())
                throw UsageError("--classes: " + problem);
            m_classNames = classNamesFor(data, job.dataset.targets, classes);
            if (m_classNames.empty())
                for (int c = 0; c < classes; ++c)
                    m_classNames.push_back("class " + std::to_string(c));
        }
    }

    /// Groups of the rows [first, first + n) of the job, given the chunk's outputs.
    std::vector<std::vector<std::string>> of(std::int64_t first, const RunResult &chunk) const
    {
        const std::int64_t n = chunk.attention.empty() ? 0 : chunk.attention[0].scores.dim(0);
        std::vector<std::vector<std::string>> groups(static_cast<std::size_t>(n));
        if (m_by.empty())
            return groups;
        std::vector<Prediction> predictions;
        if (m_by != "target") {
            std::vector<std::int64_t> rows(static_cast<std::size_t>(n));
            for (std::int64_t i = 0; i < n; ++i)
                rows[static_cast<std::size_t>(i)] = i;
            predictions = predictionsFromOutput(chunk.outputs.front(), rows, n, true);
        }
        for (std::int64_t i = 0; i < n; ++i) {
            const auto row
                = static_cast<std::size_t>(m_job.rows[static_cast<std::size_t>(first + i)]);
            auto &g = groups[static_cast<std::size_t>(i)];
            if (m_by == "target") {
                g.push_back("target=" + m_job.dataset.targets[row]);
                continue;
            }
            const std::string predicted = className(predictions[static_cast<std::size_t>(i)]);
            if (m_by == "prediction")
                g.push_back("prediction=" + predicted);
            else
                g.push_back(predicted == m_job.dataset.targets[row] ? "correct" : "misclassified");
        }
        return groups;
    }

private:
    std::string className(const Prediction &p) const
    {
        const auto index = static_cast<std::size_t>(std::max(p.classIndex, 0));
        return index < m_classNames.size() ? m_classNames[index]
                                           : "class " + std::to_string(p.classIndex);
    }

    const Job &m_job;
    std::string m_by;
    std::vector<std::string> m_classNames;
};

} // namespace

int runSummarize(const CliOptions &options)
{
    const Job job = openJob(options);
    if (job.model->attentionLayers().empty())
        throw UnsupportedModelError(options.model.filename().string()
            + ": the model has no attention call, so there is nothing to summarise");
    const Grouping grouping(job, options.by);
    DatasetSummary summary(job.model->attentionLayers());
    Progress progress("summarize");
    forEachChunk(job, options.chunkRows, progress, [&](std::int64_t begin, RunResult &&result) {
        summary.add(result.attention, grouping.of(begin, result));
    });
    SummaryProvenance provenance;
    provenance.modelFile = options.model.filename().string();
    provenance.modelSha256 = job.model->summary().sha256;
    for (const auto &file : options.data)
        provenance.dataFiles.push_back(file.filename().string());
    provenance.by = options.by;
    writeSummary(options.out, summary, provenance);
    std::cerr << "wrote " << options.out.string() << ": " << job.rows.size() << " rows, "
              << summary.groups().size() << " group(s), " << summary.calls().size()
              << " attention call(s); rollout: "
              << (summary.rolloutRefusal().empty() ? "yes" : "no, " + summary.rolloutRefusal())
              << '\n';
    return 0;
}

int runMerge(const CliOptions &options)
{
    const SummaryFile merged = mergeSummaries(options.parts);
    writeSummary(options.out, merged.summary, merged.provenance);
    std::cerr << "wrote " << options.out.string() << ": " << options.parts.size() << " parts, "
              << merged.summary.groups().front()->count() << " rows\n";
    return 0;
}

} // namespace attnlens::cli
