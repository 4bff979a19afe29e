#pragma once

#include "app/cli/cli_options.h"

namespace attnlens::cli {

/// `info`: prints the model's layers, inputs and attention layers (text or --json) on stdout.
int runInfo(const CliOptions &options);

/// `run`: writes RESULT.h5 (see result_file.h). Returns the exit code.
int runRun(const CliOptions &options);

/// `export`: writes one image per row, attention layer and head choice. Needs a QApplication.
int runExport(const CliOptions &options);

} // namespace attnlens::cli
