#pragma once

#include "app/cli/cli_options.h"

namespace attnlens::cli {

/// `info`: prints the model's layers, inputs and attention layers (text or --json) on stdout.
int runInfo(const CliOptions &options);

/// `run`: writes RESULT.h5 (see result_file.h). Returns the exit code.
int runRun(const CliOptions &options);

/// `summarize`: writes SUMMARY.h5 (core/analysis/summary_file.h), the statistics of the
/// attention over the data, per group of samples (--by). Returns the exit code.
int runSummarize(const CliOptions &options);

/// `merge`: adds SUMMARY.h5 parts of disjoint rows into one. Returns the exit code.
int runMerge(const CliOptions &options);

/// `export`: writes one image per row, attention layer and head choice. Needs a QApplication.
int runExport(const CliOptions &options);

/// `export --session FILE`: writes the one view the session file names. Needs a QApplication.
int runSessionExport(const CliOptions &options);

} // namespace attnlens::cli
