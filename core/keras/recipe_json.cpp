#include "core/keras/recipe_json.h"

#include <iterator>
#include <vector>

#include "core/errors.h"

namespace attnlens {

namespace {

using nlohmann::json;

/// Walks the text for nlohmann's lexer and counts lines on the way. `lastLine` is the line of
/// the last character that is not white space, so a number's look-ahead newline does not move it.
class CountingIterator
{
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char *;
    using reference = const char &;

    CountingIterator(const char *at, std::int64_t *line, std::int64_t *lastLine)
        : m_at(at)
        , m_line(line)
        , m_lastLine(lastLine)
    {
    }
    reference operator*() const { return *m_at; }
    CountingIterator &operator++()
    {
        const char c = *m_at;
        if (c == '\n')
            ++*m_line;
        else if (c != ' ' && c != '\t' && c != '\r')
            *m_lastLine = *m_line;
        ++m_at;
        return *this;
    }
    CountingIterator operator++(int)
    {
        CountingIterator before = *this;
        ++*this;
        return before;
    }
    bool operator==(const CountingIterator &other) const { return m_at == other.m_at; }
    bool operator!=(const CountingIterator &other) const { return m_at != other.m_at; }

private:
    const char *m_at;
    std::int64_t *m_line;
    std::int64_t *m_lastLine;
};

/// Builds the document as nlohmann's DOM parser would and records each value's line.
class LineSax : public nlohmann::json_sax<json>
{
public:
    LineSax(LinedJson &out, const std::int64_t &lastLine)
        : m_out(out)
        , m_lastLine(lastLine)
    {
    }

    bool null() override { return put(nullptr); }
    bool boolean(bool v) override { return put(v); }
    bool number_integer(number_integer_t v) override { return put(v); }
    bool number_unsigned(number_unsigned_t v) override { return put(v); }
    bool number_float(number_float_t v, const string_t &) override { return put(v); }
    bool string(string_t &v) override { return put(v); }
    bool binary(binary_t &) override { return false; }
    bool start_object(std::size_t) override { return open(json::object()); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(json::array()); }
    bool end_array() override { return close(); }
    bool key(string_t &k) override
    {
        m_key = k;
        m_out.lines[jsonPointerChild(m_stack.back().pointer, k)] = m_lastLine;
        return true;
    }
    bool parse_error(
        std::size_t position, const std::string &, const nlohmann::detail::exception &e) override
    {
        errorByte = position;
        errorText = e.what();
        return false;
    }

    std::size_t errorByte = 0;
    std::string errorText;

private:
    struct Open
    {
        json *value;
        std::string pointer;
    };

    /// Places `v` in the current container; returns its pointer and address.
    std::pair<json *, std::string> place(json v)
    {
        if (m_stack.empty()) {
            m_out.value = std::move(v);
            m_out.lines[""] = m_lastLine;
            return {&m_out.value, ""};
        }
        Open &top = m_stack.back();
        if (top.value->is_object()) {
            json &slot = (*top.value)[m_key];
            slot = std::move(v);
            return {&slot, jsonPointerChild(top.pointer, m_key)};
        }
        const std::string pointer
            = jsonPointerChild(top.pointer, std::to_string(top.value->size()));
        top.value->push_back(std::move(v));
        m_out.lines[pointer] = m_lastLine;
        return {&top.value->back(), pointer};
    }

    bool put(json v)
    {
        place(std::move(v));
        return true;
    }

    bool open(json v)
    {
        auto [slot, pointer] = place(std::move(v));
        m_stack.push_back({slot, pointer});
        return true;
    }

    bool close()
    {
        m_stack.pop_back();
        return true;
    }

    LinedJson &m_out;
    const std::int64_t &m_lastLine;
    std::vector<Open> m_stack;
    std::string m_key;
};

std::int64_t lineAtByte(std::string_view text, std::size_t byte)
{
    std::int64_t line = 1;
    for (std::size_t i = 0; i < byte && i < text.size(); ++i)
        if (text[i] == '\n')
            ++line;
    return line;
}

} // namespace

std::string jsonPointerChild(const std::string &pointer, const std::string &token)
{
    std::string escaped;
    for (char c : token) {
        if (c == '~')
            escaped += "~0";
        else if (c == '/')
            escaped += "~1";
        else
            escaped += c;
    }
    return pointer + "/" + escaped;
}

std::int64_t LinedJson::lineOf(const std::string &pointer) const
{
    std::string p = pointer;
    for (;;) {
        if (const auto it = lines.find(p); it != lines.end())
            return it->second;
        const std::size_t cut = p.rfind('/');
        if (cut == std::string::npos || p.empty())
            return 1;
        p.erase(cut);
    }
}

LinedJson parseLinedJson(std::string_view text, const std::string &file)
{
    LinedJson out;
    std::int64_t line = 1;
    std::int64_t lastLine = 1;
    LineSax sax(out, lastLine);
    const CountingIterator begin(text.data(), &line, &lastLine);
    const CountingIterator end(text.data() + text.size(), &line, &lastLine);
    // Strict: a second document or trailing garbage is an error too.
    if (json::sax_parse(begin, end, &sax, nlohmann::detail::input_format_t::json, true))
        return out;
    ErrorContext where;
    where.file = file;
    where.line = lineAtByte(text, sax.errorByte > 0 ? sax.errorByte - 1 : 0);
    std::string detail = sax.errorText;
    // nlohmann's text: "[json.exception.parse_error.101] parse error at line 3, column 5:
    // syntax error while parsing object key - ..."; keep what follows the position.
    if (const std::size_t colon = detail.find(": "); colon != std::string::npos)
        detail = detail.substr(colon + 2);
    throw InputFileError("not valid JSON: " + detail, where);
}

} // namespace attnlens
