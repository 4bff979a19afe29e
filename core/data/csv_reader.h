#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace attnlens {

/// One CSV column after parsing.
struct CsvColumn
{
    std::string name;         ///< header text ("column 3" when the header cell is empty)
    bool unnamed = false;     ///< the header cell was empty (pandas writes its index so)
    std::int64_t numbers = 0; ///< cells that are numbers (C locale)
    std::int64_t texts = 0;   ///< cells that are neither numbers nor missing
    std::int64_t missing = 0; ///< empty, NaN, NA, N/A, null, None, #N/A
    bool integers = true;     ///< every number cell is an integer
    /// Numbers when at most 10% of the non-missing cells are text (those cells are then per-row
    /// problems); otherwise a text column (labels, targets, dates).
    bool numeric() const { return numbers > 0 && texts * 10 <= numbers + texts; }
    /// Every cell as written (unquoted), only for columns asked for with CsvReadOptions::
    /// keepText, and, after CsvTable::textOf(), for text columns. Empty otherwise.
    std::vector<std::string> text;
    /// Cells that are text, as (row, text); kept for every column.
    std::vector<std::pair<std::int64_t, std::string>> textCells;
};

/// A cell problem found while parsing.
struct CsvIssue
{
    enum class Kind
    {
        Missing,   ///< missing value (the token is in `text`)
        RaggedRow, ///< the record has a different number of fields than the header
    };
    Kind kind = Kind::Missing;
    std::int64_t row = 0; ///< 0-based data row
    int column = 0;       ///< 0-based column (Missing); field count (RaggedRow)
    std::string text;
};

/// A parsed CSV file: every cell that is a number as float32, row-major.
struct CsvTable
{
    std::filesystem::path file;
    char delimiter = ',';
    std::vector<CsvColumn> columns;
    std::int64_t rows = 0;
    /// rows x columns.size(), row-major; NaN where a cell is missing, text, or absent (ragged).
    std::vector<float> values;
    /// 1-based line where each data row starts (lines count quoted line breaks too).
    std::vector<std::int64_t> lines;
    std::vector<CsvIssue> issues;   ///< at most CsvReadOptions::maxIssues, in row order
    std::int64_t droppedIssues = 0; ///< issues beyond that limit (counted, not stored)
    bool headerMissing = false;     ///< the first line was all numbers: names were made up

    float value(std::int64_t row, int column) const
    {
        return values[static_cast<std::size_t>(row) * columns.size()
            + static_cast<std::size_t>(column)];
    }
    /// The text of every cell of `column` (numbers formatted back when the text was not kept,
    /// missing cells as ""). Fills columns[column].text and returns it.
    const std::vector<std::string> &textOf(int column);
    /// Index of the column named `name` (exact, else case-insensitive), or -1.
    int find(const std::string &name) const;
};

struct CsvReadOptions
{
    /// Keep the exact text of these columns (names, case-insensitive) and of column 0: ids and
    /// times must not go through float32.
    std::vector<std::string> keepText;
    /// Keep the exact text of every column (a text input's columns are not known before).
    bool keepAllText = false;
    std::size_t maxIssues = 100000;
    /// The header line may not be longer than this (a 100 MB single-line file is refused fast).
    std::size_t maxHeaderBytes = std::size_t(16) << 20;
    std::int64_t memoryCapBytes = std::int64_t(8) << 30;
};

/// Reads a CSV file: first line = header of names; delimiter (comma, semicolon, tab) detected
/// from the first lines; RFC 4180 quotes (doubled quotes, quoted line breaks); numbers parsed in
/// the C locale with std::from_chars; UTF-8 BOM skipped; blank lines skipped. The file is
/// memory-mapped and parsed straight into the float buffer (no per-cell strings for numbers).
/// Throws InputFileError for an empty or unreadable file, a header line that is too long or not
/// UTF-8, a quote that is never closed (line and column given), or no data rows.
CsvTable readCsv(const std::filesystem::path &file, const CsvReadOptions &options = {});

} // namespace attnlens
