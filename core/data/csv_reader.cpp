#include "core/data/csv_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

#include "core/data/text_util.h"
#include "core/errors.h"
#include "core/io/mapped_file.h"
#include "core/tensor/format_bytes.h"

namespace attnlens {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
// Parsed bytes are handed back to the kernel every so often: the file's pages would otherwise
// count against the memory budget of at most twice the float32 values.
constexpr std::size_t kReleaseEvery = std::size_t(32) << 20;

bool isMissingToken(std::string_view s)
{
    switch (s.size()) {
    case 0:
        return true;
    case 2:
        return equalsIgnoreCase(s, "NA");
    case 3:
        return equalsIgnoreCase(s, "NaN") || equalsIgnoreCase(s, "N/A");
    case 4:
        return equalsIgnoreCase(s, "null") || equalsIgnoreCase(s, "None")
            || equalsIgnoreCase(s, "#N/A");
    default:
        return false;
    }
}

std::string_view trim(std::string_view s)
{
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t'))
        ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
        --e;
    return s.substr(b, e - b);
}

/// C-locale number, the whole cell. Out-of-range values (1e50 in float32) are not numbers.
bool parseNumber(std::string_view s, float &out)
{
    const char *b = s.data();
    const char *e = b + s.size();
    if (b < e && *b == '+') {
        ++b;
        if (b < e && (*b == '-' || *b == '+'))
            return false;
    }
    if (b == e)
        return false;
    const auto result = std::from_chars(b, e, out, std::chars_format::general);
    return result.ec == std::errc() && result.ptr == e;
}

/// Number of fields of one line for a candidate delimiter, quotes respected.
int countFields(std::string_view line, char delimiter)
{
    int fields = 1;
    bool quoted = false;
    for (const char c : line) {
        if (c == '"')
            quoted = !quoted;
        else if (c == delimiter && !quoted)
            ++fields;
    }
    return fields;
}

/// The candidate (comma, semicolon, tab) that splits the first lines into the same number of
/// fields, the most fields winning; comma when nothing splits.
char detectDelimiter(std::string_view sample)
{
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos < sample.size() && lines.size() < 20) {
        std::size_t nl = sample.find('\n', pos);
        const bool complete = nl != std::string_view::npos;
        if (!complete)
            nl = sample.size();
        if (complete || lines.empty())
            lines.push_back(sample.substr(pos, nl - pos));
        pos = nl + 1;
    }
    char best = ',';
    int bestFields = 1;
    bool bestConsistent = false;
    for (const char d : {',', ';', '\t'}) {
        const int header = lines.empty() ? 1 : countFields(lines[0], d);
        if (header < 2)
            continue;
        int agreeing = 0;
        for (const auto &line : lines)
            agreeing += countFields(line, d) == header ? 1 : 0;
        const bool consistent = agreeing * 2 > static_cast<int>(lines.size());
        if ((consistent && !bestConsistent)
            || (consistent == bestConsistent && header > bestFields)) {
            best = d;
            bestFields = header;
            bestConsistent = consistent;
        }
    }
    return best;
}

class Parser
{
public:
    Parser(MappedFile &map, const std::filesystem::path &file, std::size_t start, char delimiter)
        : m_map(map)
        , m_file(file)
        , m_p(map.data() + start)
        , m_end(map.data() + map.size())
        , m_delimiter(delimiter)
    {
    }

    bool atEnd() const { return m_p >= m_end; }
    std::int64_t line() const { return m_line; }
    const char *position() const { return m_p; }
    void rewind(const char *p, std::int64_t line)
    {
        m_p = p;
        m_line = line;
    }

    /// Skips blank lines; returns false at the end of the file.
    bool skipBlankLines()
    {
        while (m_p < m_end) {
            if (*m_p == '\n') {
                ++m_p;
                ++m_line;
            } else if (*m_p == '\r' && m_p + 1 < m_end && m_p[1] == '\n') {
                m_p += 2;
                ++m_line;
            } else {
                return true;
            }
        }
        return false;
    }

    /// Calls cell(index, text) for every field of the record at the cursor and moves past its
    /// line break. Returns the number of fields.
    template <typename CellFn>
    int record(CellFn &&cell)
    {
        int index = 0;
        for (;;) {
            if (m_p < m_end && *m_p == '"') {
                quotedField(index);
                cell(index, std::string_view(m_quoted));
            } else {
                const char *q = m_p;
                const char d = m_delimiter;
                while (q < m_end && *q != d && *q != '\n')
                    ++q;
                cell(index, std::string_view(m_p, static_cast<std::size_t>(q - m_p)));
                m_p = q;
            }
            ++index;
            if (m_p < m_end && *m_p == m_delimiter) {
                ++m_p;
                continue;
            }
            if (m_p < m_end) { // '\n'
                ++m_p;
                ++m_line;
            }
            break;
        }
        const auto done = static_cast<std::size_t>(m_p - m_map.data());
        if (done > m_releasedAt + kReleaseEvery) {
            m_map.release(m_releasedAt, done);
            m_releasedAt = done;
        }
        return index;
    }

private:
    void quotedField(int index)
    {
        m_quoted.clear();
        const std::int64_t startLine = m_line;
        const char *q = m_p + 1;
        for (;;) {
            const void *found = std::memchr(q, '"', static_cast<std::size_t>(m_end - q));
            if (found == nullptr)
                throw InputFileError(m_file.string() + ":" + std::to_string(startLine) + ":"
                    + std::to_string(index + 1) + ": a quote opens field "
                    + std::to_string(index + 1)
                    + " and is never closed; every \" inside a quoted field must be doubled "
                      "(\"\")");
            const char *quote = static_cast<const char *>(found);
            m_line += std::count(q, quote, '\n');
            m_quoted.append(q, quote);
            if (quote + 1 < m_end && quote[1] == '"') {
                m_quoted.push_back('"');
                q = quote + 2;
                continue;
            }
            q = quote + 1;
            break;
        }
        // Text after the closing quote (`"a"b`) is kept, as most readers do.
        const char *e = q;
        while (e < m_end && *e != m_delimiter && *e != '\n')
            ++e;
        std::string_view rest(q, static_cast<std::size_t>(e - q));
        rest = trim(rest);
        m_quoted.append(rest);
        m_p = e;
    }

    MappedFile &m_map;
    const std::filesystem::path &m_file;
    const char *m_p;
    const char *m_end;
    char m_delimiter;
    std::int64_t m_line = 1;
    std::size_t m_releasedAt = 0;
    std::string m_quoted;
};

} // namespace

const std::vector<std::string> &CsvTable::textOf(int column)
{
    CsvColumn &c = columns[static_cast<std::size_t>(column)];
    if (!c.text.empty() || rows == 0)
        return c.text;
    c.text.resize(static_cast<std::size_t>(rows));
    for (std::int64_t r = 0; r < rows; ++r) {
        const float v = value(r, column);
        if (!std::isnan(v))
            c.text[static_cast<std::size_t>(r)] = formatNumber(v);
    }
    for (auto &[row, text] : c.textCells)
        c.text[static_cast<std::size_t>(row)] = text;
    return c.text;
}

int CsvTable::find(const std::string &name) const
{
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == name)
            return static_cast<int>(i);
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (equalsIgnoreCase(columns[i].name, name))
            return static_cast<int>(i);
    return -1;
}

CsvTable readCsv(const std::filesystem::path &file, const CsvReadOptions &options)
{
    MappedFile map(file);
    const std::string where = file.string();
    std::size_t start = 0;
    if (map.size() >= 3 && std::memcmp(map.data(), "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    const std::string_view all(map.data() + start, map.size() - start);
    if (all.find_first_not_of(" \t\r\n") == std::string_view::npos)
        throw InputFileError(where
            + ": the file is empty; a CSV needs a header line of column names, then one line "
              "per row");

    // A header longer than the limit is refused before anything is split: a 100 MB file with no
    // line break is not a table.
    const std::size_t headerEnd = all.find('\n');
    const std::size_t headerBytes = headerEnd == std::string_view::npos ? all.size() : headerEnd;
    if (headerBytes > options.maxHeaderBytes)
        throw InputFileError(where + ":1: the first line is "
            + formatBytes(std::int64_t(headerBytes)) + " long (at most "
            + formatBytes(std::int64_t(options.maxHeaderBytes))
            + " accepted for a header line); this does not look like a CSV file with a header "
              "of column names");

    CsvTable table;
    table.file = file;
    table.delimiter = detectDelimiter(all.substr(0, std::size_t(1) << 20));

    Parser parser(map, file, start, table.delimiter);
    parser.skipBlankLines();
    const char *headerStart = parser.position();
    const std::int64_t headerLine = parser.line();
    std::vector<std::string> names;
    parser.record([&](int, std::string_view text) { names.emplace_back(trim(text)); });
    bool allNumbers = true;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::size_t bad = findInvalidUtf8(names[i]);
        if (bad != std::string_view::npos)
            throw InputFileError(where + ":" + std::to_string(headerLine) + ":"
                + std::to_string(i + 1) + ": the header name of column " + std::to_string(i + 1)
                + " is not UTF-8 text (byte " + std::to_string(bad + 1)
                + "); save the file as UTF-8");
        float ignored = 0;
        allNumbers = allNumbers && parseNumber(names[i], ignored);
    }
    table.columns.resize(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        table.columns[i].unnamed = names[i].empty();
        if (allNumbers || names[i].empty())
            table.columns[i].name = "column " + std::to_string(i + 1);
        else
            table.columns[i].name = std::move(names[i]);
    }
    if (allNumbers) { // no header: the first line is data
        table.headerMissing = true;
        parser.rewind(headerStart, headerLine);
    }
    const std::size_t ncols = table.columns.size();
    if (ncols > 1000000)
        throw InputFileError(where + ":1: the header has " + std::to_string(ncols)
            + " columns (at most 1,000,000 accepted)");

    std::vector<char> keep(ncols, options.keepAllText ? 1 : 0);
    keep[0] = 1;
    for (std::size_t i = 0; i < ncols; ++i)
        for (const auto &name : options.keepText)
            if (equalsIgnoreCase(table.columns[i].name, name))
                keep[i] = 1;

    // Upper bound on the rows (line breaks, including quoted ones), so the buffer is allocated
    // once: growing it by doubling would need three times the final size at the copy.
    std::int64_t rowBound = 1;
    {
        const auto from = static_cast<std::size_t>(parser.position() - map.data());
        for (std::size_t chunk = from; chunk < map.size(); chunk += kReleaseEvery) {
            const std::size_t chunkEnd = std::min(map.size(), chunk + kReleaseEvery);
            rowBound += std::count(map.data() + chunk, map.data() + chunkEnd, '\n');
            map.release(chunk, chunkEnd);
        }
    }
    const std::int64_t bytesNeeded = rowBound * std::int64_t(ncols) * std::int64_t(sizeof(float));
    if (bytesNeeded > options.memoryCapBytes)
        throw InputFileError(where + ": " + std::to_string(rowBound) + " lines x "
            + std::to_string(ncols) + " columns would need " + formatBytes(bytesNeeded)
            + ", more than the " + formatBytes(options.memoryCapBytes)
            + " allowed; split the file");
    table.values.reserve(static_cast<std::size_t>(rowBound) * ncols);
    table.lines.reserve(static_cast<std::size_t>(rowBound));

    std::int64_t row = 0;
    auto addIssue = [&](CsvIssue issue) {
        if (table.issues.size() < options.maxIssues)
            table.issues.push_back(std::move(issue));
        else
            ++table.droppedIssues;
    };
    while (parser.skipBlankLines()) {
        table.lines.push_back(parser.line());
        const std::size_t base = table.values.size();
        table.values.resize(base + ncols, kNaN);
        float *out = table.values.data() + base;
        const int fields = parser.record([&](int index, std::string_view raw) {
            const auto c = static_cast<std::size_t>(index);
            if (c >= ncols)
                return;
            const std::string_view cell = trim(raw);
            CsvColumn &column = table.columns[c];
            if (keep[c])
                column.text.emplace_back(cell);
            if (isMissingToken(cell)) {
                ++column.missing;
                addIssue({CsvIssue::Kind::Missing, row, index, std::string(cell)});
                return;
            }
            float v = 0;
            if (parseNumber(cell, v)) {
                out[c] = v;
                ++column.numbers;
                if (column.integers && !(std::isfinite(v) && std::floor(v) == v))
                    column.integers = false;
            } else {
                ++column.texts;
                column.textCells.emplace_back(row, std::string(cell));
            }
        });
        if (static_cast<std::size_t>(fields) != ncols) {
            addIssue({CsvIssue::Kind::RaggedRow, row, fields, {}});
            for (std::size_t c = 0; c < ncols; ++c)
                if (keep[c] && table.columns[c].text.size() < static_cast<std::size_t>(row + 1))
                    table.columns[c].text.emplace_back();
        }
        ++row;
    }
    table.rows = row;
    if (row == 0)
        throw InputFileError(
            where + ": the file has a header line but no data rows; add one line per sample");
    return table;
}

} // namespace attnlens
