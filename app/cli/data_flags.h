#pragma once

#include <functional>
#include <string>

#include "core/data/dataset.h"

namespace attnlens::cli {

/// True for the flags of the data options: --features, --id-column, --target-column,
/// --time-column, --stride, --classes and --regression.
bool isDataFlag(const std::string &argument);

/// Applies data flag `argument` to `options`; `value()` hands out the flag's value (and throws
/// UsageError when it is missing). Throws UsageError for a value that cannot be right whatever
/// the data holds (an empty name, a stride below 1, --classes with --regression); names that
/// the file lacks are found when the data is read (InputFileError).
void applyDataFlag(const std::string &argument, const std::function<const std::string &()> &value,
    DatasetOptions &options);

/// The DATA OPTIONS section of --help.
std::string dataFlagsHelp();

} // namespace attnlens::cli
