#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/cli_options.h"
#include "core/data/dataset.h"
#include "core/runtime/model.h"
#include "ui/report_job.h"

namespace attnlens::cli {

/// Set by SIGINT; long loops check it between steps and stop cleanly (exit 130).
bool interrupted();
/// Installs the SIGINT handler that sets interrupted().
void installInterruptHandler();

/// Thrown when the user pressed Ctrl-C; main() exits with 130.
struct Interrupted
{
};

/// Prints "label: done/total" on stderr, overwriting the line, only when stderr is a terminal.
class Progress
{
public:
    explicit Progress(std::string label);
    ~Progress();
    void update(std::int64_t done, std::int64_t total);

private:
    std::string m_label;
    bool m_enabled = false;
    int m_lastPercent = -1;
};

/// What one command works on: the model, its data and the chosen rows (those selected with
/// --rows that are usable). The desktop's counterpart is Workspace; attnlens::Session there is
/// what the window shows (a session file), a different thing.
struct Job
{
    std::shared_ptr<const Model> model;
    Dataset dataset;
    std::vector<std::int64_t> rows; ///< dataset row indices kept, ascending
    std::vector<Tensor> inputs;     ///< the model inputs of those rows, (rows.size(), ...)
};

/// Runs the model over the job's rows a chunk at a time and hands each chunk's result to
/// `consume` with the index (into job.rows) of its first row. `chunkRows` > 0 fixes the chunk
/// size; 0 sizes chunks to about 64 MiB of results after a first small one, so memory stays
/// bounded however many rows there are while each chunk keeps the engine's threads busy.
/// Reports on `progress`; throws Interrupted on Ctrl-C.
void forEachChunk(const Job &job, std::int64_t chunkRows, Progress &progress,
    const std::function<void(std::int64_t firstRow, RunResult &&chunk)> &consume);

/// Opens the model (throws InputFileError / UnsupportedModelError).
std::shared_ptr<const Model> openModel(const CliOptions &options);

/// Opens the model, loads --data, applies --rows, drops unusable rows with one note each on
/// stderr. Throws the core's errors, or UsageError when --rows is outside the data.
Job openJob(const CliOptions &options);

/// The head flags of export and summarize --images: exactly one of --heads mean, max, all or a
/// list. A listed head that a chosen attention call does not have is a usage error naming the
/// flag.
HeadSet headSetOf(
    const HeadSelection &selection, const std::vector<const AttentionLayerInfo *> &calls);

} // namespace attnlens::cli
