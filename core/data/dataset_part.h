#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/data/array_data.h"
#include "core/data/dataset.h"

namespace attnlens {

/// What one data file contributes to a Dataset: some of the model inputs, and maybe names.
/// Internal to core/data (loadDataset merges the parts).
struct DatasetPart
{
    std::int64_t rows = -1;
    std::vector<int> inputIndices; ///< which model inputs, parallel to `inputs`
    std::vector<Tensor> inputs;
    std::vector<std::vector<std::string>> featureNames; ///< parallel to `inputs`
    std::vector<std::vector<std::string>> timeLabels;   ///< parallel to `inputs`
    std::vector<std::string> sampleLabels;
    std::string sampleLabelName;
    std::string targetName;
    std::vector<std::string> targets;
    std::vector<std::string> timeValues;
    std::vector<std::int64_t> windowStart;
    std::vector<SampleProblem> problems;
    std::vector<std::string> notes;
    DatasetOptions chosen;           ///< CSV: the column choice (see Dataset::chosen)
    std::vector<DataColumn> columns; ///< CSV: every column of the file
};

/// A CSV file for model input `inputIndex` (see loadDataset for the column rules).
DatasetPart csvPart(const std::filesystem::path &file, const InputInfo &input, int inputIndex,
    const DatasetOptions &options);

/// An array for `input`: (N, ...) matching the input's fixed dimensions; a single sample without
/// the batch axis; or (N, ..., ) without a trailing axis of 1 the input has. Throws ShapeError
/// naming `where`, the array's shape and the input's.
Tensor fitArray(ArrayData &&array, const InputInfo &input, const std::string &where);

/// Flags samples holding NaN (missing values) and, for token-id inputs, values that are not
/// non-negative integers.
void flagBadValues(const Tensor &tensor, const InputInfo &input, const std::filesystem::path &file,
    std::vector<SampleProblem> &problems);

/// Names of the id-like columns ("id", "index", "Unnamed: 0", ...) and target-like columns.
bool isIdLikeName(const std::string &name);
bool isTargetLikeName(const std::string &name);

} // namespace attnlens
