#include "app/cli/job.h"

#include <csignal>
#include <cstdio>
#include <iostream>

#include <unistd.h>

#include "core/errors.h"

namespace attnlens::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

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
    return Model::open(options.model, options.config);
}

Job openJob(const CliOptions &options)
{
    Job job;
    job.model = openModel(options);
    job.dataset = loadDataset(options.data, job.model->inputs());
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

} // namespace attnlens::cli
