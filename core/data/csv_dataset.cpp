// From a parsed CSV table to model input: which columns are features, which one labels the rows
// and which one is the target; per-row problems; windows of rows for sequence inputs.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <unordered_set>

#include "core/data/csv_reader.h"
#include "core/data/dataset_part.h"
#include "core/data/text_util.h"
#include "core/errors.h"
#include "core/tensor/format_bytes.h"

namespace attnlens {

namespace {

// Compared ignoring ASCII case: "PatientID" is "patientid".
const char *const kIdNames[] = {"id", "index", "unnamed: 0", "row", "row_id", "idx", "patient_id",
    "patientid", "mrn", "subject_id", "subjectid"};
const char *const kTargetNames[]
    = {"target", "label", "labels", "class", "diagnosis", "y", "outcome", "category"};
const char *const kTimeNames[] = {"time", "date", "datetime", "timestamp"};

std::string listColumns(const CsvTable &table, const std::vector<int> &columns)
{
    std::string out;
    const std::size_t shown = std::min<std::size_t>(columns.size(), 12);
    for (std::size_t i = 0; i < shown; ++i) {
        if (i > 0)
            out += ", ";
        out += table.columns[static_cast<std::size_t>(columns[i])].name;
    }
    if (columns.size() > shown)
        out += ", ... " + table.columns[static_cast<std::size_t>(columns.back())].name;
    return out;
}

std::string allColumns(const CsvTable &table)
{
    std::vector<int> all(table.columns.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = static_cast<int>(i);
    return listColumns(table, all);
}

int requireColumn(const CsvTable &table, const std::string &name, const char *role)
{
    const int c = table.find(name);
    if (c < 0)
        throw InputFileError(table.file.string() + ": there is no column '" + name + "' to use as "
            + role + "; the columns are: " + allColumns(table));
    return c;
}

/// Column 0 holds strictly increasing unique integers (0..N-1 is one case): a row index.
bool isIndexColumn(CsvTable &table)
{
    const CsvColumn &c = table.columns[0];
    if (!c.numeric() || c.texts > 0 || c.missing > 0 || !c.integers)
        return false;
    const std::vector<std::string> &text = table.textOf(0);
    std::int64_t previous = 0;
    for (std::size_t r = 0; r < text.size(); ++r) {
        std::int64_t v = 0;
        const auto result = std::from_chars(text[r].data(), text[r].data() + text[r].size(), v);
        if (result.ec != std::errc() || result.ptr != text[r].data() + text[r].size())
            return false;
        if (r > 0 && v <= previous)
            return false;
        previous = v;
    }
    return true;
}

/// Every cell of `c` is text (no numbers, nothing missing) and no two cells are equal: names,
/// record numbers such as "P-0012", which label samples. At least two rows, so that a one-row
/// file's text target is not taken for an id.
bool isUniqueTextColumn(const CsvColumn &c, std::int64_t rows)
{
    if (rows < 2 || c.numbers > 0 || c.missing > 0 || c.texts != rows
        || std::int64_t(c.textCells.size()) != rows)
        return false;
    std::unordered_set<std::string_view> seen;
    seen.reserve(c.textCells.size());
    for (const auto &cell : c.textCells)
        if (!seen.insert(cell.second).second)
            return false;
    return true;
}

bool isTimeLikeName(const std::string &name)
{
    for (const char *t : kTimeNames)
        if (equalsIgnoreCase(name, t))
            return true;
    return false;
}

/// The first non-missing cell of `column` as written (numbers formatted back when their text was
/// not kept); "" when every cell is missing. Must run before the table's values are moved out.
std::string exampleOf(const CsvTable &table, int column)
{
    const CsvColumn &c = table.columns[static_cast<std::size_t>(column)];
    std::size_t text = 0; // textCells are in row order
    for (std::int64_t r = 0; r < table.rows; ++r) {
        const float v = table.value(r, column);
        if (!std::isnan(v))
            return c.text.size() > std::size_t(r) && !c.text[std::size_t(r)].empty()
                ? c.text[std::size_t(r)]
                : formatNumber(v);
        while (text < c.textCells.size() && c.textCells[text].first < r)
            ++text;
        if (text < c.textCells.size() && c.textCells[text].first == r)
            return c.textCells[text].second;
    }
    return {};
}

std::vector<DataColumn> describeColumns(const CsvTable &table)
{
    std::vector<DataColumn> out;
    for (std::size_t c = 0; c < table.columns.size(); ++c)
        out.push_back({table.columns[c].name, table.columns[c].numeric(),
            shortened(exampleOf(table, static_cast<int>(c)))});
    return out;
}

/// How a column is written in Dataset::chosen: its name, or its position when another column
/// before it has the same name (so that loading with the choice finds this one).
std::string choiceOf(const CsvTable &table, int column)
{
    const std::string &name = table.columns[static_cast<std::size_t>(column)].name;
    return table.find(name) == column ? name : std::to_string(column);
}

/// Feature columns as the options name them: a header name, else a 0-based position. Each
/// column at most once.
std::vector<int> explicitFeatures(const CsvTable &table, const DatasetOptions &options)
{
    const std::string where = table.file.string();
    const int ncols = static_cast<int>(table.columns.size());
    std::vector<int> features;
    auto add = [&](int c, const std::string &item) {
        const auto twice = std::find(features.begin(), features.end(), c);
        if (twice != features.end())
            throw InputFileError(where + ": column '"
                + table.columns[static_cast<std::size_t>(c)].name
                + "' is chosen twice as a feature (items "
                + std::to_string(twice - features.begin() + 1) + " and "
                + std::to_string(features.size() + 1) + ", '" + item
                + "'); choose each column once");
        features.push_back(c);
    };
    for (const std::string &item : options.featureColumns) {
        int c = table.find(item);
        if (c < 0) {
            int position = -1;
            const auto result = std::from_chars(item.data(), item.data() + item.size(), position);
            if (item.empty() || result.ec != std::errc() || result.ptr != item.data() + item.size())
                throw InputFileError(where + ": there is no column '" + item
                    + "' to use as a feature; the columns are: " + allColumns(table)
                    + "; give header names or 0-based positions");
            if (position < 0 || position >= ncols)
                throw InputFileError(where + ": there is no column at position " + item
                    + " (positions count from 0); the file has " + std::to_string(ncols)
                    + " columns: " + allColumns(table));
            c = position;
        }
        add(c, item);
    }
    for (const int p : options.featureColumnPositions) {
        if (!options.featureColumns.empty())
            break;
        if (p < 0 || p >= ncols)
            throw InputFileError(where + ": there is no column at position " + std::to_string(p)
                + " (0-based); the file has " + std::to_string(ncols)
                + " columns: " + allColumns(table));
        add(p, std::to_string(p));
    }
    return features;
}

void checkUtf8(const CsvTable &table, const std::vector<std::string> &text, int column)
{
    for (std::size_t r = 0; r < text.size(); ++r) {
        const std::size_t bad = findInvalidUtf8(text[r]);
        if (bad != std::string::npos)
            throw InputFileError(table.file.string() + ":" + std::to_string(table.lines[r]) + ":"
                + std::to_string(column + 1) + ": the text in column '"
                + table.columns[static_cast<std::size_t>(column)].name + "' is not UTF-8 (byte "
                + std::to_string(bad + 1) + "); save the file as UTF-8");
    }
}

} // namespace

bool isIdLikeName(const std::string &name)
{
    for (const char *id : kIdNames)
        if (equalsIgnoreCase(name, id))
            return true;
    return false;
}

bool isTargetLikeName(const std::string &name)
{
    for (const char *t : kTargetNames)
        if (equalsIgnoreCase(name, t))
            return true;
    return false;
}

std::vector<DataColumn> csvColumns(const std::filesystem::path &file)
{
    if (!std::filesystem::exists(file))
        throw InputFileError(file.string() + ": no such file; check the path");
    return describeColumns(readCsv(file));
}

namespace {

/// A text input's columns: as the options name them, else the text columns that are no id,
/// target or time (as many as the input takes cells).
std::vector<int> textColumns(const CsvTable &table, const InputInfo &input,
    const DatasetOptions &options, std::int64_t cells, const std::vector<int> &taken)
{
    const std::string where = table.file.string();
    if (!options.featureColumns.empty() || !options.featureColumnPositions.empty()) {
        std::vector<int> chosen = explicitFeatures(table, options);
        if (std::int64_t(chosen.size()) != cells)
            throw ShapeError(where + ": " + std::to_string(chosen.size()) + " columns were chosen ("
                + listColumns(table, chosen) + ") but text input '" + input.name + "' takes "
                + std::to_string(cells) + "; choose " + std::to_string(cells));
        return chosen;
    }
    std::vector<int> text;
    for (int c = 0; c < static_cast<int>(table.columns.size()); ++c) {
        const CsvColumn &column = table.columns[static_cast<std::size_t>(c)];
        if (!column.numeric() && column.texts > 0
            && std::find(taken.begin(), taken.end(), c) == taken.end()
            && !isTargetLikeName(column.name) && !isIdLikeName(column.name)
            && !isTimeLikeName(column.name))
            text.push_back(c);
    }
    if (std::int64_t(text.size()) != cells)
        throw ShapeError(where + " has " + std::to_string(text.size()) + " text columns ("
            + (text.empty() ? std::string("none") : listColumns(table, text)) + ") but input '"
            + input.name + "' takes " + std::to_string(cells) + " text "
            + (cells == 1 ? "column" : "columns") + " (" + input.encoder->describe()
            + "); choose the text columns by name or position (data options, --features). The "
              "columns are: "
            + allColumns(table));
    return text;
}

/// A CSV for a text input (Keras dtype string): its text columns are encoded by the model's
/// TextVectorization or StringLookup (InputInfo::encoder) into the ids the model runs on. A
/// column of unique texts is the input here, never taken for sample labels.
DatasetPart csvTextPart(const std::filesystem::path &file, const InputInfo &input, int inputIndex,
    const DatasetOptions &options)
{
    const std::string where = file.string();
    if (input.textShape.empty() || input.textShape.size() > 2)
        throw ShapeError(where + ": text input '" + input.name + "' takes "
            + shapeToString(input.textShape) + "; a CSV gives one row of text cells per sample");
    const std::int64_t cells = input.textShape.size() == 1 ? 1 : input.textShape[1];
    if (cells < 1)
        throw ShapeError(where + ": text input '" + input.name + "' has a free number of cells");
    CsvReadOptions readOptions;
    readOptions.memoryCapBytes = options.memoryCapBytes;
    readOptions.keepAllText = true;
    CsvTable table = readCsv(file, readOptions);

    DatasetPart part;
    int idColumn = -1;
    if (!options.idColumn.empty() && options.idColumn != "-") {
        idColumn = requireColumn(table, options.idColumn, "sample labels (id)");
    } else if (options.idColumn.empty()) {
        for (int c = 0; c < static_cast<int>(table.columns.size()) && idColumn < 0; ++c)
            if (isIdLikeName(table.columns[static_cast<std::size_t>(c)].name))
                idColumn = c;
        if (idColumn < 0 && table.columns[0].unnamed)
            idColumn = 0;
    }
    int targetColumn = -1;
    if (!options.targetColumn.empty() && options.targetColumn != "-")
        targetColumn = requireColumn(table, options.targetColumn, "target");
    const std::vector<int> columns
        = textColumns(table, input, options, cells, {idColumn, targetColumn});
    if (targetColumn < 0 && options.targetColumn != "-")
        for (int c = 0; c < static_cast<int>(table.columns.size()) && targetColumn < 0; ++c)
            if (c != idColumn && std::find(columns.begin(), columns.end(), c) == columns.end()
                && isTargetLikeName(table.columns[static_cast<std::size_t>(c)].name))
                targetColumn = c;

    const std::int64_t rows = table.rows;
    std::vector<std::string> text(static_cast<std::size_t>(rows * cells));
    for (std::int64_t c = 0; c < cells; ++c) {
        const std::vector<std::string> &column = table.textOf(columns[static_cast<std::size_t>(c)]);
        for (std::int64_t r = 0; r < rows; ++r)
            text[static_cast<std::size_t>(r * cells + c)] = column[static_cast<std::size_t>(r)];
    }
    std::vector<StringEncoder::Problem> problems;
    part.inputs.push_back(input.encoder->encode(text, rows, cells, input.textShape, problems));
    for (const StringEncoder::Problem &p : problems) {
        const int c = columns[static_cast<std::size_t>(p.cell)];
        part.problems.push_back({p.sample, table.lines[static_cast<std::size_t>(p.sample)], c + 1,
            table.columns[static_cast<std::size_t>(c)].name, p.reason, file});
    }
    for (const CsvIssue &issue : table.issues)
        if (issue.kind == CsvIssue::Kind::RaggedRow)
            part.problems.push_back(
                {issue.row, table.lines[static_cast<std::size_t>(issue.row)], 0, {},
                    "the line has " + std::to_string(issue.column) + " fields, the header has "
                        + std::to_string(table.columns.size()),
                    file});
    std::stable_sort(part.problems.begin(), part.problems.end(),
        [](const SampleProblem &a, const SampleProblem &b) { return a.sample < b.sample; });

    if (idColumn >= 0) {
        part.sampleLabels = table.textOf(idColumn);
        checkUtf8(table, part.sampleLabels, idColumn);
        part.sampleLabelName = table.columns[static_cast<std::size_t>(idColumn)].name;
    }
    if (targetColumn >= 0) {
        part.targets = table.textOf(targetColumn);
        checkUtf8(table, part.targets, targetColumn);
        part.targetName = table.columns[static_cast<std::size_t>(targetColumn)].name;
    }
    part.columns = describeColumns(table);
    std::vector<std::string> names;
    for (const int c : columns) {
        part.chosen.featureColumns.push_back(choiceOf(table, c));
        names.push_back(table.columns[static_cast<std::size_t>(c)].name);
    }
    part.chosen.idColumn = idColumn >= 0 ? choiceOf(table, idColumn) : "-";
    part.chosen.targetColumn = targetColumn >= 0 ? choiceOf(table, targetColumn) : "-";
    part.chosen.timeColumn = "-";
    part.rows = rows;
    part.featureNames.push_back(names);
    part.timeLabels.emplace_back();
    part.inputIndices.push_back(inputIndex);

    std::string note = where + ": text " + (cells == 1 ? "column " : "columns ")
        + listColumns(table, columns) + " through " + input.encoder->describe() + " -> "
        + shapeToString(part.inputs.front().shape());
    note += idColumn >= 0 ? "; sample labels from '" + part.sampleLabelName + "'"
                          : "; samples labelled by number";
    if (targetColumn >= 0)
        note += "; target '" + part.targetName + "'";
    part.notes.push_back(note);
    const auto &encoding = input.encoder->encoding();
    if (encoding.sequence && encoding.split != StringEncoding::Split::None
        && encoding.sequenceLength < 0)
        part.notes.push_back(where + ": the layer has no output_sequence_length, so every text "
            + "is padded to the longest one of the file ("
            + std::to_string(part.inputs.front().dim(1))
            + " tokens); Keras pads each batch to its own longest text");
    return part;
}

} // namespace

DatasetPart csvPart(const std::filesystem::path &file, const InputInfo &input, int inputIndex,
    const DatasetOptions &options)
{
    if (input.encoder)
        return csvTextPart(file, input, inputIndex, options);
    const std::string where = file.string();
    const int rank = static_cast<int>(input.shape.size());
    if (rank < 1 || rank > 3)
        throw ShapeError(where + ": input '" + input.name + "' takes " + shapeToString(input.shape)
            + "; a CSV gives rows of numbers (N, F) or rows as time steps (N, T, C): save "
              "this input as .npy or .h5");
    const std::int64_t width = rank == 1 ? 1 : input.shape[static_cast<std::size_t>(rank - 1)];
    const bool sequence = rank == 3;

    CsvReadOptions readOptions;
    readOptions.memoryCapBytes = options.memoryCapBytes;
    for (const char *id : kIdNames)
        readOptions.keepText.emplace_back(id);
    for (const char *time : kTimeNames)
        readOptions.keepText.emplace_back(time);
    for (const std::string &name : {options.idColumn, options.targetColumn, options.timeColumn})
        if (!name.empty())
            readOptions.keepText.push_back(name);
    CsvTable table = readCsv(file, readOptions);
    const int ncols = static_cast<int>(table.columns.size());
    DatasetPart part;
    std::int64_t ragged = 0;
    for (const CsvIssue &issue : table.issues)
        ragged += issue.kind == CsvIssue::Kind::RaggedRow ? 1 : 0;
    if (ragged == table.rows) {
        for (const CsvIssue &issue : table.issues)
            if (issue.kind == CsvIssue::Kind::RaggedRow) {
                throw InputFileError(where + ":"
                    + std::to_string(table.lines[static_cast<std::size_t>(issue.row)])
                    + ": every line has a different number of fields than the header (this one has "
                    + std::to_string(issue.column) + ", the header " + std::to_string(ncols)
                    + " with delimiter '"
                    + (table.delimiter == '\t' ? std::string("tab")
                                               : std::string(1, table.delimiter))
                    + "'); check the delimiter and the header line");
            }
    }

    // Time column: by name, else (time steps only) a text column named like a time.
    int timeColumn = -1;
    if (!options.timeColumn.empty() && options.timeColumn != "-") {
        timeColumn = requireColumn(table, options.timeColumn, "time");
    } else if (options.timeColumn.empty() && sequence) {
        for (int c = 0; c < ncols && timeColumn < 0; ++c) {
            const CsvColumn &column = table.columns[static_cast<std::size_t>(c)];
            if (isTimeLikeName(column.name) && !column.numeric())
                timeColumn = c;
        }
    }
    int targetColumn = -1;
    if (!options.targetColumn.empty() && options.targetColumn != "-")
        targetColumn = requireColumn(table, options.targetColumn, "target");

    // Sample labels: by name; else a column named like an id, pandas' unnamed index, a column
    // of unique text, or (at the first position) strictly increasing integers.
    int idColumn = -1;
    bool idByPosition = false;
    if (!options.idColumn.empty() && options.idColumn != "-") {
        idColumn = requireColumn(table, options.idColumn, "sample labels (id)");
    } else if (options.idColumn.empty()) {
        for (int c = 0; c < ncols && idColumn < 0; ++c)
            if (isIdLikeName(table.columns[static_cast<std::size_t>(c)].name))
                idColumn = c;
        if (idColumn < 0 && table.columns[0].unnamed)
            idColumn = 0; // pandas writes its index with an empty header cell
        for (int c = 0; c < ncols && idColumn < 0; ++c) {
            const CsvColumn &column = table.columns[static_cast<std::size_t>(c)];
            if (c != timeColumn && c != targetColumn && !isTargetLikeName(column.name)
                && isUniqueTextColumn(column, table.rows))
                idColumn = c;
        }
        if (idColumn < 0 && isIndexColumn(table)) {
            idColumn = 0;
            idByPosition = true;
        }
    }

    // Feature columns.
    std::vector<int> features;
    const bool explicitChoice
        = !options.featureColumns.empty() || !options.featureColumnPositions.empty();
    if (explicitChoice) {
        features = explicitFeatures(table, options);
    } else {
        std::vector<int> numeric;
        for (int c = 0; c < ncols; ++c)
            if (table.columns[static_cast<std::size_t>(c)].numeric() && c != timeColumn
                && c != targetColumn)
                numeric.push_back(c);
        // Candidate sets, most likely first: a position-only id is weaker evidence than a
        // column named like a target.
        auto without = [&](bool dropId, bool dropTarget) {
            std::vector<int> out;
            for (const int c : numeric) {
                const bool targetLike = options.targetColumn.empty()
                    && isTargetLikeName(table.columns[static_cast<std::size_t>(c)].name);
                if ((dropId && c == idColumn) || (dropTarget && targetLike))
                    continue;
                out.push_back(c);
            }
            return out;
        };
        const std::vector<int> candidates = without(true, false);
        std::vector<std::vector<int>> choices {without(true, true)};
        if (idByPosition)
            choices.push_back(without(false, true));
        choices.push_back(candidates);
        if (idByPosition)
            choices.push_back(numeric);
        for (const auto &choice : choices) {
            if (width < 0 ? choice == candidates : std::int64_t(choice.size()) == width) {
                features = choice;
                break;
            }
        }
        if (features.empty() && width >= 0) {
            throw ShapeError(where + " has " + std::to_string(candidates.size())
                + " number columns that could be features (" + listColumns(table, candidates)
                + (idColumn >= 0 ? "; not counting the id column '"
                            + table.columns[static_cast<std::size_t>(idColumn)].name + "'"
                                 : std::string())
                + "), but input '" + input.name + "' takes " + std::to_string(width) + " "
                + (sequence ? "channels" : "features")
                + "; choose the feature columns by name or position (data options)");
        }
        if (idByPosition && std::find(features.begin(), features.end(), idColumn) != features.end())
            idColumn = -1; // the increasing first column was a feature after all
        if (features.empty())
            throw InputFileError(where
                + " has no column of numbers to use as features; the "
                  "columns are: "
                + allColumns(table));
    }
    if (explicitChoice && width >= 0 && std::int64_t(features.size()) != width)
        throw ShapeError(where + ": " + std::to_string(features.size())
            + " feature columns were chosen (" + listColumns(table, features) + ") but input '"
            + input.name + "' takes " + std::to_string(width) + " "
            + (sequence ? "channels" : "features") + "; choose " + std::to_string(width)
            + " columns");
    for (const int c : features) {
        const CsvColumn &column = table.columns[static_cast<std::size_t>(c)];
        if (!column.numeric() && !column.textCells.empty()) {
            const auto &[row, text] = column.textCells.front();
            throw InputFileError(where + ":"
                + std::to_string(table.lines[static_cast<std::size_t>(row)]) + ":"
                + std::to_string(c + 1) + ": column '" + column.name + "' holds text ('"
                + shortened(text) + "' and " + std::to_string(column.texts - 1)
                + " more), not numbers, so it cannot be a feature; choose number columns");
        }
        if (column.numbers == 0)
            throw InputFileError(where + ": column '" + column.name
                + "' has no numbers (every cell is missing), so it cannot be a feature");
    }

    // Target: by name, else the one remaining column that is no feature, id or time.
    if (targetColumn < 0 && options.targetColumn != "-") {
        std::vector<int> remaining;
        for (int c = 0; c < ncols; ++c) {
            if (c == idColumn || c == timeColumn
                || std::find(features.begin(), features.end(), c) != features.end())
                continue;
            remaining.push_back(c);
            if (targetColumn < 0
                && isTargetLikeName(table.columns[static_cast<std::size_t>(c)].name))
                targetColumn = c;
        }
        if (targetColumn < 0 && remaining.size() == 1)
            targetColumn = remaining.front();
    }

    const std::int64_t rows = table.rows;
    const auto F = static_cast<std::int64_t>(features.size());

    // Per-row problems in the feature columns.
    // Indexed by CSV data row (the sample, unless the rows are cut into windows below).
    std::vector<SampleProblem> csvProblems;
    std::vector<int> featureOf(static_cast<std::size_t>(ncols), -1);
    for (std::size_t j = 0; j < features.size(); ++j)
        featureOf[static_cast<std::size_t>(features[j])] = static_cast<int>(j);
    for (const CsvIssue &issue : table.issues) {
        const auto line = table.lines[static_cast<std::size_t>(issue.row)];
        if (issue.kind == CsvIssue::Kind::RaggedRow) {
            csvProblems.push_back({issue.row, line, 0, {},
                "the line has " + std::to_string(issue.column) + " fields, the header has "
                    + std::to_string(ncols),
                file});
        } else if (featureOf[static_cast<std::size_t>(issue.column)] >= 0) {
            csvProblems.push_back({issue.row, line, issue.column + 1,
                table.columns[static_cast<std::size_t>(issue.column)].name,
                issue.text.empty() ? "missing value (empty cell)"
                                   : "missing value (" + shortened(issue.text) + ")",
                file});
        }
    }
    for (const int c : features) {
        for (const auto &[row, text] : table.columns[static_cast<std::size_t>(c)].textCells) {
            csvProblems.push_back({row, table.lines[static_cast<std::size_t>(row)], c + 1,
                table.columns[static_cast<std::size_t>(c)].name,
                "text '" + shortened(text) + "' where a number is expected", file});
        }
    }
    if (table.droppedIssues > 0)
        part.notes.push_back(where + ": " + std::to_string(table.droppedIssues)
            + " more missing or ragged cells were found; only the first "
            + std::to_string(table.issues.size()) + " are listed");

    // Labels, target, time values (UTF-8 checked: they are shown as text).
    std::vector<std::string> labels;
    if (idColumn >= 0) {
        labels = table.textOf(idColumn);
        checkUtf8(table, labels, idColumn);
        part.sampleLabelName = table.columns[static_cast<std::size_t>(idColumn)].name;
    }
    std::vector<std::string> targets;
    if (targetColumn >= 0) {
        targets = table.textOf(targetColumn);
        checkUtf8(table, targets, targetColumn);
        part.targetName = table.columns[static_cast<std::size_t>(targetColumn)].name;
    }
    if (timeColumn >= 0) {
        part.timeValues = table.textOf(timeColumn);
        checkUtf8(table, part.timeValues, timeColumn);
    }

    // The choice as options that reproduce it, and the columns to choose from.
    part.columns = describeColumns(table);
    for (const int c : features)
        part.chosen.featureColumns.push_back(choiceOf(table, c));
    part.chosen.idColumn = idColumn >= 0 ? choiceOf(table, idColumn) : "-";
    part.chosen.targetColumn = targetColumn >= 0 ? choiceOf(table, targetColumn) : "-";
    part.chosen.timeColumn = timeColumn >= 0 ? choiceOf(table, timeColumn) : "-";

    // Feature values, compacted in place: row r of the (rows, F) result never overlaps a later
    // row of the (rows, ncols) table, so the only copy is one row at a time.
    std::vector<float> values = std::move(table.values);
    bool identity = F == ncols;
    for (std::int64_t j = 0; identity && j < F; ++j)
        identity = features[static_cast<std::size_t>(j)] == j;
    if (!identity) {
        std::vector<float> row(static_cast<std::size_t>(ncols));
        for (std::int64_t r = 0; r < rows; ++r) {
            std::copy_n(values.begin() + r * ncols, ncols, row.begin());
            for (std::int64_t j = 0; j < F; ++j)
                values[static_cast<std::size_t>(r * F + j)]
                    = row[static_cast<std::size_t>(features[static_cast<std::size_t>(j)])];
        }
        values.resize(static_cast<std::size_t>(rows * F));
    }
    if (input.integerIds) {
        for (std::int64_t r = 0; r < rows; ++r)
            for (std::int64_t j = 0; j < F; ++j) {
                const float v = values[static_cast<std::size_t>(r * F + j)];
                if (!std::isnan(v) && (v < 0 || std::floor(v) != v)) {
                    const int c = features[static_cast<std::size_t>(j)];
                    csvProblems.push_back({r, table.lines[static_cast<std::size_t>(r)], c + 1,
                        table.columns[static_cast<std::size_t>(c)].name,
                        "token id " + formatNumber(v) + " is not a non-negative integer", file});
                }
            }
    }
    // Safety net: issues past CsvReadOptions::maxIssues are counted, not stored; a row with a
    // NaN feature that no stored issue flags is flagged here, so NaN is never fed silently.
    {
        std::vector<char> flagged(static_cast<std::size_t>(rows), 0);
        for (const SampleProblem &p : csvProblems)
            flagged[static_cast<std::size_t>(p.sample)] = 1;
        for (std::int64_t r = 0; r < rows; ++r) {
            if (flagged[static_cast<std::size_t>(r)])
                continue;
            for (std::int64_t j = 0; j < F; ++j) {
                if (std::isnan(values[static_cast<std::size_t>(r * F + j)])) {
                    const int c = features[static_cast<std::size_t>(j)];
                    csvProblems.push_back({r, table.lines[static_cast<std::size_t>(r)], c + 1,
                        table.columns[static_cast<std::size_t>(c)].name,
                        "missing value or text where a number is expected", file});
                    break;
                }
            }
        }
    }
    std::sort(
        csvProblems.begin(), csvProblems.end(), [](const SampleProblem &a, const SampleProblem &b) {
            return a.sample != b.sample ? a.sample < b.sample : a.column < b.column;
        });

    std::vector<std::string> names;
    for (const int c : features)
        names.push_back(table.columns[static_cast<std::size_t>(c)].name);
    part.featureNames.push_back(names);
    part.timeLabels.emplace_back();
    part.inputIndices.push_back(inputIndex);

    if (!sequence) {
        if (options.windowStride != 1)
            part.notes.push_back(where + ": the window stride ("
                + std::to_string(options.windowStride) + ") is not used: input '" + input.name
                + "' takes one CSV row per sample, not windows of time steps");
        part.rows = rows;
        part.inputs.push_back(
            rank == 1 ? Tensor({rows}, std::move(values)) : Tensor({rows, F}, std::move(values)));
        part.sampleLabels = std::move(labels);
        part.targets = std::move(targets);
        part.problems = std::move(csvProblems);
    } else {
        // Rows are time steps: sample n is rows [start(n), start(n) + T).
        std::int64_t T = input.shape[1];
        if (T < 0)
            T = options.sequenceLength > 0 ? options.sequenceLength : rows;
        const std::int64_t stride = options.windowStride; // at least 1 (loadDataset checks)
        if (rows < T)
            throw ShapeError(where + " has " + std::to_string(rows) + " rows, but input '"
                + input.name + "' takes sequences of " + std::to_string(T)
                + " time steps (one row per step)");
        const std::int64_t n = (rows - T) / stride + 1;
        const std::int64_t bytes = n * T * F * 4;
        if (bytes > options.memoryCapBytes)
            throw ShapeError(where + ": " + std::to_string(n) + " windows of " + std::to_string(T)
                + " rows would need " + formatBytes(bytes) + "; use a larger window stride");
        std::vector<float> windows(static_cast<std::size_t>(n * T * F));
        for (std::int64_t s = 0; s < n; ++s)
            std::copy_n(values.begin() + s * stride * F, T * F, windows.begin() + s * T * F);
        values = {};
        part.rows = n;
        part.inputs.push_back(Tensor({n, T, F}, std::move(windows)));
        for (std::int64_t s = 0; s < n; ++s) {
            const std::int64_t first = s * stride;
            const std::int64_t last = first + T - 1;
            part.windowStart.push_back(first);
            if (!labels.empty())
                part.sampleLabels.push_back(labels[static_cast<std::size_t>(last)]);
            if (!targets.empty())
                part.targets.push_back(targets[static_cast<std::size_t>(last)]);
        }
        // A window is flagged by the first problem among its rows.
        for (const SampleProblem &p : csvProblems) {
            const std::int64_t firstWindow = p.sample < T ? 0 : (p.sample - T + stride) / stride;
            for (std::int64_t s = firstWindow; s < n && s * stride <= p.sample; ++s) {
                SampleProblem q = p;
                q.sample = s;
                part.problems.push_back(q);
            }
        }
        std::stable_sort(part.problems.begin(), part.problems.end(),
            [](const SampleProblem &a, const SampleProblem &b) { return a.sample < b.sample; });
        part.notes.push_back(where + ": " + std::to_string(rows)
            + " rows as time steps: " + std::to_string(n) + " windows of " + std::to_string(T)
            + " steps, stride " + std::to_string(stride));
    }

    std::string note = where + ": " + std::to_string(F) + " feature columns ("
        + listColumns(table, features) + ")";
    note += idColumn >= 0 ? "; sample labels from '" + part.sampleLabelName + "'"
                          : "; samples labelled by number";
    if (targetColumn >= 0)
        note += "; target '" + part.targetName + "'";
    if (timeColumn >= 0)
        note += "; time steps named by '" + table.columns[static_cast<std::size_t>(timeColumn)].name
            + "'";
    part.notes.insert(part.notes.begin(), note);
    if (table.headerMissing)
        part.notes.push_back(where
            + ": the first line holds numbers, so it was read as data "
              "and the columns were named 'column 1', 'column 2', ...");
    return part;
}

} // namespace attnlens
