#include "app/cli/job.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>

#include <unistd.h>

#include "core/errors.h"

namespace attnlens::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

/// Without a fixed chunk size: the first chunk has this many rows, later chunks as many as keep
/// a chunk's results near kChunkBytes. `run` writes a chunk while the next is computed, so only
/// the last chunk's writing adds to its time: 64 MiB keeps that tail short (and two chunks in
/// memory small) while every chunk still has many rows for the engine's threads.
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

extern "C" void onSigint(int)
{
    g_interrupted = 1;
}

} // namespace

bool interrupted()
{
    return g_interrupted != 0;
}

void installInterruptHandler()
{
    std::signal(SIGINT, onSigint);
}

Progress::Progress(std::string label)
    : m_label(std::move(label))
    , m_enabled(isatty(fileno(stderr)) != 0)
{
}

Progress::~Progress()
{
    if (m_enabled && m_lastPercent >= 0)
        std::cerr << '\n';
}

void Progress::update(std::int64_t done, std::int64_t total)
{
    if (!m_enabled || total <= 0)
        return;
    const int percent = int(done * 100 / total);
    if (percent == m_lastPercent)
        return;
    m_lastPercent = percent;
    std::cerr << '\r' << m_label << ": " << done << '/' << total << " (" << percent << "%)"
              << std::flush;
}

std::shared_ptr<const Model> openModel(const CliOptions &options)
{
    LoadOptions load;
    load.recipeFiles = options.recipes;
    return Model::open(options.model, options.config, load);
}

void forEachChunk(const Job &job, std::int64_t chunkRows, Progress &progress,
    const std::function<void(std::int64_t firstRow, RunResult &&chunk)> &consume)
{
    const auto total = static_cast<std::int64_t>(job.rows.size());
    std::int64_t chunk = chunkRows > 0 ? chunkRows : kFirstChunkRows;
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
        if (chunkRows == 0 && begin == 0) {
            const double perRow = std::max(1.0, resultBytes(result) / double(end - begin));
            chunk = std::clamp<std::int64_t>(
                static_cast<std::int64_t>(kChunkBytes / perRow), 1, kMaxChunkRows);
        }
        consume(begin, std::move(result));
        begin = end;
    }
}

Job openJob(const CliOptions &options)
{
    Job job;
    job.model = openModel(options);
    job.dataset = loadDataset(options.data, job.model->inputs(), options.dataOptions);
    // With a data option given, say what was chosen and what was still guessed. Not otherwise:
    // scripts read stderr as the one line of an error.
    if (options.dataOptions != DatasetOptions {})
        for (const std::string &note : job.dataset.notes)
            std::cerr << "note: " << note << '\n';
    const std::int64_t n = job.dataset.sampleCount();
    const std::int64_t begin = options.rows.begin.value_or(0);
    const std::int64_t end = std::min(options.rows.end.value_or(n), n);
    if (begin >= n)
        throw UsageError("--rows: the data has " + std::to_string(n) + " rows (0.."
            + std::to_string(n - 1) + "), none selected");
    for (const SampleProblem &problem : job.dataset.problems) {
        if (problem.sample >= begin && problem.sample < end)
            std::cerr << "note: row " << problem.sample << " skipped: " << problem.message()
                      << '\n';
    }
    for (std::int64_t row = begin; row < end; ++row) {
        if (job.dataset.sampleUsable.empty() || job.dataset.sampleUsable[std::size_t(row)])
            job.rows.push_back(row);
    }
    if (job.rows.empty())
        throw InputFileError(options.data.front().string()
            + ": every selected row has missing or unreadable values; nothing to compute");
    job.inputs = job.dataset.inputsOf(job.rows);
    return job;
}

// The CLI's head flags: exactly one of --heads mean, max, all or a list. A listed head that a
// chosen attention call does not have is a usage error that names the flag.
HeadSet headSetOf(
    const HeadSelection &selection, const std::vector<const AttentionLayerInfo *> &calls)
{
    HeadSet set;
    if (selection.mean) {
        set.mean = true;
    } else if (selection.max) {
        set.max = true;
    } else if (selection.all) {
        set.allHeads = true;
    } else {
        set.heads = selection.heads;
        for (const AttentionLayerInfo *call : calls)
            for (const int h : selection.heads)
                if (h >= call->heads)
                    throw UsageError("--heads: layer " + call->key + " has "
                        + std::to_string(call->heads) + " heads (0.."
                        + std::to_string(call->heads - 1) + "), not " + std::to_string(h));
    }
    return set;
}

} // namespace attnlens::cli
