#include "core/errors.h"

namespace attnlens {

namespace {

std::string layerLabel(const ErrorContext &context)
{
    std::string label = "layer '" + context.layer + "'";
    if (!context.className.empty())
        label += " (" + context.className + ")";
    return label;
}

/// "file: line 3, column 'x': sample 7: " for the fields that are known, without the layer.
std::string placePrefix(const ErrorContext &context)
{
    std::string out;
    if (!context.file.empty())
        out += context.file + ": ";
    std::string position;
    if (context.line >= 0)
        position = "line " + std::to_string(context.line);
    if (!context.column.empty())
        position += (position.empty() ? "" : ", ") + std::string("column ") + context.column;
    if (!position.empty())
        out += position + ": ";
    if (context.sample >= 0)
        out += "sample " + std::to_string(context.sample) + ": ";
    return out;
}

} // namespace

ContextText::operator std::string() const
{
    if (context.layer.empty() && !context.file.empty()) // placePrefix ends in ": "
        return context.file + rest;
    return placePrefix(context) + (context.layer.empty() ? "" : layerLabel(context)) + rest;
}

ErrorWhere::ErrorWhere(std::string text)
    : m_text(std::move(text))
{
}

ErrorWhere::ErrorWhere(const char *text)
    : m_text(text)
{
}

ErrorWhere::ErrorWhere(const ContextText &text)
    : m_context(text.context)
{
    if (hasContext())
        m_suffix = text.rest;
    else
        m_text = text.rest;
}

ErrorWhere ErrorWhere::ofLayer(std::string name, std::string className, std::string file)
{
    ErrorWhere where;
    where.m_context.layer = std::move(name);
    where.m_context.className = std::move(className);
    where.m_context.file = std::move(file);
    return where;
}

ErrorWhere ErrorWhere::ofFile(std::string file)
{
    ErrorWhere where;
    where.m_context.file = std::move(file);
    return where;
}

std::string ErrorWhere::label() const
{
    if (!m_context.layer.empty())
        return placePrefix(m_context) + layerLabel(m_context) + m_suffix;
    if (!m_context.file.empty())
        return m_context.file + m_suffix;
    return m_text;
}

ContextText operator+(const ErrorWhere &where, std::string_view text)
{
    if (!where.hasContext())
        return {{}, where.label() + std::string(text)};
    return {where.context(), where.suffix() + std::string(text)};
}

ContextText operator+(ContextText text, std::string_view more)
{
    text.rest += more;
    return text;
}

std::string operator+(std::string_view text, const ErrorWhere &where)
{
    return std::string(text) + where.label();
}

Error::Error(const std::string &detail)
    : Error(detail, ErrorContext {})
{
}

Error::Error(const char *detail)
    : Error(std::string(detail), ErrorContext {})
{
}

Error::Error(const std::string &detail, ErrorContext context)
    : std::runtime_error(detail)
    , m_context(std::move(context))
    , m_detail(detail)
{
    format();
}

Error::Error(const ContextText &text)
    : std::runtime_error(text.rest)
    , m_context(text.context)
{
    // "layer 'x' (Dense): needs ..." is the label and a detail; "layer 'x' (Dense) cannot ..."
    // reads on from the label, so it is kept with its leading space. A file alone is always
    // followed by ": ".
    const bool separated = text.rest.rfind(": ", 0) == 0;
    if (!m_context.layer.empty() && !separated) {
        m_detail = text.rest;
        m_detailFollowsLayer = true;
    } else {
        m_detail = separated ? text.rest.substr(2) : text.rest;
    }
    format();
}

Error::Error(const Error &other, std::string_view note)
    : std::runtime_error(other.m_detail)
    , m_context(other.m_context)
    , m_detail(other.m_detail + std::string(note))
    , m_detailFollowsLayer(other.m_detailFollowsLayer)
{
    format();
}

Error &Error::inLayer(const std::string &layer, const std::string &className)
{
    if (m_context.layer.empty() && !layer.empty()) {
        m_context.layer = layer;
        m_context.className = className;
        format();
    }
    return *this;
}

Error &Error::inFile(const std::string &file)
{
    if (m_context.file.empty() && !file.empty()) {
        m_context.file = file;
        format();
    }
    return *this;
}

Error &Error::atSample(std::int64_t sample)
{
    if (m_context.sample < 0 && sample >= 0) {
        m_context.sample = sample;
        format();
    }
    return *this;
}

void Error::format()
{
    m_what = placePrefix(m_context);
    if (!m_context.layer.empty())
        m_what += layerLabel(m_context) + (m_detailFollowsLayer ? "" : ": ");
    m_what += m_detail;
}

} // namespace attnlens
