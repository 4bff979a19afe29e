#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/runtime/model.h"
#include "core/tensor/tensor.h"

namespace attnlens {

/// One problem found in one sample. The sample stays in place (samples after it never shift);
/// it is flagged unusable and Dataset::usableInputs() leaves it out. Words: a *sample* is one
/// entry of the batch axis of Dataset::inputs; a *row* is a line of a CSV file, which is a sample
/// for flat inputs and one time step of a sample for (N, T, C) sequence inputs.
struct SampleProblem
{
    std::int64_t sample = 0;     ///< 0-based sample index in Dataset::inputs
    std::int64_t line = 0;       ///< 1-based line of the file (CSV), 0 when not applicable
    std::int64_t column = 0;     ///< 1-based column of the file (CSV), 0 when the whole row
    std::string columnName;      ///< header name of that column, empty when the whole row
    std::string reason;          ///< e.g. "missing value (NA)", "text 'abc' in a number column"
    std::filesystem::path file;  ///< the data file
    std::string message() const; ///< "data.csv:12:4 (column 'x'): missing value (NA)"
};

/// How model output 0 is read for predictions (the desktop's sample table, `summarize --by
/// prediction`): as classes or as values. Automatic = classes when the layer producing the output
/// ends in softmax or sigmoid (see isClassifierOutput in ui/predictions.h).
enum class PredictionKind
{
    Automatic,
    Classes,
    Regression
};

/// The data options: how files are matched to model inputs and CSV columns to features, ids,
/// targets and time steps, and how predictions are read. Defaults work for most files (every
/// automatic choice is filled into Dataset::chosen and written to Dataset::notes). The desktop's
/// Data > Data Options dialog and the CLI's data flags (--features, --id-column, ...) both fill
/// this one type. Column options apply to every CSV file of a load.
struct DatasetOptions
{
    /// CSV feature columns, in the order they are fed to the model: each item is a header name,
    /// else (when no column has that name) a 0-based position such as "3". Empty = automatic.
    std::vector<std::string> featureColumns;
    /// CSV feature columns, chosen explicitly by 0-based position. Used when featureColumns is
    /// empty. Empty = automatic.
    std::vector<int> featureColumnPositions;
    /// CSV column whose values label the samples; empty = automatic (a column named like an id,
    /// see core/data/README.md, else a column of unique text, else the sample number); "-" =
    /// none (samples are numbered).
    std::string idColumn;
    /// CSV column holding the target; empty = automatic (a column named target/label/class/
    /// diagnosis/y, else the one remaining non-feature column). "-" = none.
    std::string targetColumn;
    /// CSV column whose values name the time steps of (N, T, C) inputs; empty = automatic (a text
    /// column named time, date, datetime or timestamp); "-" = none.
    std::string timeColumn;
    /// CSV rows as time steps of a (N, T, C) input: windows of T consecutive rows, the next window
    /// starting `windowStride` rows later (1 = every window, T = non-overlapping). At least 1.
    std::int64_t windowStride = 1;
    /// Length T when the model leaves the time axis free (-1); 0 = the whole file is one sequence.
    std::int64_t sequenceLength = 0;
    /// Refuse files whose values would need more memory than this.
    std::int64_t memoryCapBytes = std::int64_t(8) << 30;
    /// Predictions as classes or values; not read by loadDataset.
    PredictionKind predictions = PredictionKind::Automatic;
    /// Names of class 0, 1, ... (with Classes); empty = from the targets' sorted distinct values.
    std::vector<std::string> classNames;

    bool operator==(const DatasetOptions &) const = default;
};

/// One column of a CSV file, for choosing columns (Dataset::columns, csvColumns()).
struct DataColumn
{
    std::string name;
    bool numeric = false; ///< a number column (at most 10% of its non-missing cells are text)
    std::string example;  ///< the first non-missing cell, as written
};

/// Model input values read from data files, with names for features, rows and targets.
struct Dataset
{
    /// One tensor per model input, in Model::inputs() order, each (N, ...) with the same N.
    /// Values of flagged samples that could not be read hold NaN (never 0).
    std::vector<Tensor> inputs;
    /// Per input: names of the last axis (features or channels), from the CSV header or the HDF5
    /// / NPZ names; empty when the file has none.
    std::vector<std::vector<std::string>> featureNames;
    /// N labels: the id column's values, else the sample number "0".."N-1".
    std::vector<std::string> sampleLabels;
    std::string sampleLabelName;      ///< "id", or "row" when the sample number is used
    std::string targetName;           ///< empty when there is no target
    std::vector<std::string> targets; ///< N values as written in the file, or empty
    /// (N, T, C) from a CSV with a time column: the time column's value of every CSV row, and
    /// the first CSV row of each sample's window. Empty otherwise.
    std::vector<std::string> timeValues;
    std::vector<std::int64_t> windowStart;
    /// Per input: names of the time steps when the file gives them (HDF5 `time_labels`).
    std::vector<std::vector<std::string>> timeLabels;
    /// Per input: the term of each id of a text input (its TextVectorization or StringLookup
    /// vocabulary, special tokens included), for token labels; empty for number inputs.
    std::vector<std::vector<std::string>> vocabularies;
    std::vector<SampleProblem> problems; ///< in sample order
    std::vector<bool> sampleUsable;      ///< N flags, false for a sample with a problem
    std::vector<std::filesystem::path> files;
    /// What the loader chose, one sentence each ("30 feature columns: mean_radius ... ;
    /// sample labels from 'id'; target 'diagnosis'").
    std::vector<std::string> notes;
    /// The data options in effect with every automatic choice filled in, so that loading the
    /// same files with them gives the same data set: featureColumns by name in input order,
    /// idColumn / targetColumn / timeColumn named or "-" for none, windowStride. Only the column
    /// fields of the first CSV file; other formats leave them empty.
    DatasetOptions chosen;
    /// The columns of the first CSV file, in file order; empty for other formats.
    std::vector<DataColumn> columns;

    std::int64_t sampleCount() const; ///< N
    std::int64_t usableSampleCount() const;
    /// Indices of the usable samples, ascending.
    std::vector<std::int64_t> usableSampleIndices() const;
    /// inputs restricted to the samples `samples` (indices in [0, N), in that order; repeats
    /// allowed). Throws ShapeError for an index out of range.
    std::vector<Tensor> inputsOf(const std::vector<std::int64_t> &samples) const;
    /// inputsOf(usableSampleIndices()): what to give Model::run.
    std::vector<Tensor> usableInputs() const;
};

/// Reads the model inputs from data files.
///  - One file per input (matched by position, or by file stem when every stem names an input),
///    or one `.npz` / `.h5` holding every input (arrays named after the inputs).
///  - Formats by extension: `.csv` / `.tsv` / `.txt` (CSV, delimiter detected), `.npy`, `.npz`,
///    `.h5` / `.hdf5`. See core/data/README.md for the conventions.
///  - `inputs` is Model::inputs() (batch axis -1, other -1 free).
/// Throws InputFileError (unreadable, corrupt or malformed file; file, line and column in the
/// message) or ShapeError (values that do not fit the model: width, sequence length, rank,
/// different row counts), also for a data option that cannot be applied (a column that does not
/// exist, a text column as a feature, a window stride below 1). Per-row problems (missing values,
/// text in a number column, ragged rows) do not throw: they are listed in Dataset::problems and
/// the rows flagged.
Dataset loadDataset(const std::vector<std::filesystem::path> &files,
    const std::vector<InputInfo> &inputs, const DatasetOptions &options = {});

/// The columns of a CSV file (for choosing them when it did not fit the model). Throws
/// InputFileError as loadDataset does for an unreadable or malformed file.
std::vector<DataColumn> csvColumns(const std::filesystem::path &file);

} // namespace attnlens
