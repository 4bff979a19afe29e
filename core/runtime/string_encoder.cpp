#include "core/runtime/string_encoder.h"

#include <algorithm>

#include "core/errors.h"
#include "core/tensor/categorical.h"

namespace attnlens {

namespace {

/// Keras's DEFAULT_STRIP_REGEX: every ASCII punctuation character.
bool isAsciiPunctuation(unsigned char c)
{
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60)
        || (c >= 0x7B && c <= 0x7E);
}

/// absl::ascii_isspace, which tf.strings.split without a separator splits on.
bool isAsciiSpace(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/// Length of the UTF-8 character starting at `s[i]`, or 0 when the bytes there are not one.
std::size_t utf8Length(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0 && c >= 0xC2)
        n = 2;
    else if ((c & 0xF0) == 0xE0)
        n = 3;
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (i + n > s.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
            return 0;
    return n;
}

bool isUtf8(std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8Length(s, i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

CategoryOutput categoryOf(StringEncoding::Output output)
{
    switch (output) {
    case StringEncoding::Output::OneHot:
        return CategoryOutput::OneHot;
    case StringEncoding::Output::MultiHot:
        return CategoryOutput::MultiHot;
    case StringEncoding::Output::Count:
    case StringEncoding::Output::Int:
        break;
    }
    return CategoryOutput::Count;
}

std::string withCommas(std::int64_t n)
{
    std::string digits = std::to_string(n);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<std::size_t>(i), ",");
    return digits;
}

} // namespace

StringEncoder::StringEncoder(StringEncoding encoding)
    : m_encoding(std::move(encoding))
{
    const bool intMode = m_encoding.output == StringEncoding::Output::Int;
    const std::int64_t oovStart = m_encoding.maskToken && intMode ? 1 : 0;
    const std::int64_t tokenStart = oovStart + m_encoding.oovIndices;
    if (m_encoding.oovIndices > 0)
        m_oovIndex = oovStart;
    const auto &vocabulary = m_encoding.vocabulary;
    for (std::size_t i = static_cast<std::size_t>(tokenStart); i < vocabulary.size(); ++i)
        if (!m_index.emplace(vocabulary[i], static_cast<std::int64_t>(i)).second)
            throw InputFileError(m_encoding.className + " '" + m_encoding.layerName
                + "': the vocabulary holds the term '" + vocabulary[i]
                + "' twice (Keras refuses such a vocabulary too)");
}

Shape StringEncoder::encodedShape(const Shape &input) const
{
    const auto &e = m_encoding;
    const std::string where = e.className + " '" + e.layerName + "'";
    if (input.empty())
        throw ShapeError(where + " takes text with a batch axis");
    if (e.sequence) {
        if (input.size() > 2 || (input.size() == 2 && input[1] != 1))
            throw ShapeError(where + " makes one sequence of each text, so its input must be one "
                + "text per sample (shape (None,) or (None, 1)), not " + shapeToString(input));
        const bool split = e.split != StringEncoding::Split::None;
        return {input[0], e.sequenceLength >= 0 ? e.sequenceLength : split ? -1 : 1};
    }
    if (e.output == StringEncoding::Output::Int)
        return input;
    return categoricalShape(input, categoryOf(e.output), e.depth, where);
}

std::vector<std::string> StringEncoder::terms(std::string_view cell) const
{
    using S = StringEncoding::Standardize;
    std::string text(cell);
    const S standardize = m_encoding.standardize;
    if (standardize == S::Lower || standardize == S::LowerAndStripPunctuation)
        for (char &c : text)
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
    if (standardize == S::StripPunctuation || standardize == S::LowerAndStripPunctuation)
        std::erase_if(
            text, [](char c) { return isAsciiPunctuation(static_cast<unsigned char>(c)); });
    std::vector<std::string> out;
    switch (m_encoding.split) {
    case StringEncoding::Split::None:
        out.push_back(std::move(text));
        break;
    case StringEncoding::Split::Whitespace: {
        std::size_t i = 0;
        while (i < text.size()) {
            while (i < text.size() && isAsciiSpace(static_cast<unsigned char>(text[i])))
                ++i;
            const std::size_t start = i;
            while (i < text.size() && !isAsciiSpace(static_cast<unsigned char>(text[i])))
                ++i;
            if (i > start)
                out.push_back(text.substr(start, i - start));
        }
        break;
    }
    case StringEncoding::Split::Character:
        for (std::size_t i = 0; i < text.size();) {
            const std::size_t n = std::max<std::size_t>(1, utf8Length(text, i));
            out.push_back(text.substr(i, n));
            i += n;
        }
        break;
    }
    return out;
}

std::optional<std::int64_t> StringEncoder::indexOf(const std::string &term) const
{
    if (m_encoding.maskToken && term == *m_encoding.maskToken)
        return m_encoding.output == StringEncoding::Output::Int ? 0 : -1;
    if (const auto it = m_index.find(term); it != m_index.end())
        return it->second;
    if (m_oovIndex < 0)
        return std::nullopt;
    return m_oovIndex;
}

std::vector<std::int64_t> StringEncoder::cellIndices(std::string_view cell, std::int64_t sample,
    std::int64_t c, std::vector<Problem> &problems) const
{
    std::vector<std::int64_t> out;
    if (!isUtf8(cell)) {
        problems.push_back({sample, c, "the text is not UTF-8"});
        return out;
    }
    for (const std::string &term : terms(cell)) {
        const auto index = indexOf(term);
        if (!index) {
            problems.push_back({sample, c,
                "'" + term + "' is not in the vocabulary of " + m_encoding.className + " '"
                    + m_encoding.layerName
                    + "', which has no index for unknown terms (num_oov_indices=0)"});
            return {};
        }
        out.push_back(*index);
    }
    return out;
}

Tensor StringEncoder::encode(const std::vector<std::string> &cells, std::int64_t samples,
    std::int64_t width, const Shape &inputShape, std::vector<Problem> &problems) const
{
    const auto &e = m_encoding;
    std::vector<std::vector<std::int64_t>> indices(cells.size());
    std::int64_t longest = 0;
    for (std::int64_t s = 0; s < samples; ++s) {
        const std::size_t before = problems.size();
        for (std::int64_t c = 0; c < width; ++c) {
            const auto at = static_cast<std::size_t>(s * width + c);
            indices[at] = cellIndices(cells[at], s, c, problems);
            longest = std::max(longest, static_cast<std::int64_t>(indices[at].size()));
        }
        if (problems.size() > before)
            for (std::int64_t c = 0; c < width; ++c)
                indices[static_cast<std::size_t>(s * width + c)].clear();
    }
    Shape shape = encodedShape(inputShape);
    shape[0] = samples;
    if (e.sequence && shape[1] < 0)
        shape[1] = longest;
    if (e.output != StringEncoding::Output::Int)
        shape = inputShape.size() == 1 ? Shape {samples} : Shape {samples, width};
    Tensor ids(shape);
    float *data = ids.data();
    const std::int64_t per = samples > 0 ? ids.size() / samples : 0;
    const bool split = e.sequence;
    for (std::int64_t s = 0; s < samples; ++s) {
        float *row = data + s * per;
        for (std::int64_t c = 0; c < width; ++c) {
            const auto &cell = indices[static_cast<std::size_t>(s * width + c)];
            if (split) {
                for (std::int64_t t = 0; t < per && t < std::int64_t(cell.size()); ++t)
                    row[t] = static_cast<float>(cell[static_cast<std::size_t>(t)]);
            } else {
                // One term per cell; a sample with a problem holds 0 (Int) or nothing (-1).
                const float none = e.output == StringEncoding::Output::Int ? 0.0f : -1.0f;
                row[c] = cell.empty() ? none : static_cast<float>(cell.front());
            }
        }
    }
    if (e.output == StringEncoding::Output::Int)
        return ids;
    return encodeCategorical(
        ids, categoryOf(e.output), e.depth, e.className + " '" + e.layerName + "'");
}

std::string StringEncoder::describe() const
{
    using S = StringEncoding::Standardize;
    const auto &e = m_encoding;
    std::string out = e.className + " '" + e.layerName + "': ";
    if (e.split != StringEncoding::Split::None || e.standardize != S::None) {
        switch (e.standardize) {
        case S::None:
            out += "text as written";
            break;
        case S::Lower:
            out += "lower case";
            break;
        case S::StripPunctuation:
            out += "punctuation stripped";
            break;
        case S::LowerAndStripPunctuation:
            out += "lower case, punctuation stripped";
            break;
        }
        out += e.split == StringEncoding::Split::Whitespace ? ", split on whitespace"
            : e.split == StringEncoding::Split::Character   ? ", split into characters"
                                                            : ", not split";
        out += ", ";
    }
    out += withCommas(static_cast<std::int64_t>(e.vocabulary.size())) + " terms";
    switch (e.output) {
    case StringEncoding::Output::Int:
        if (e.sequence)
            out += e.sequenceLength >= 0 ? ", " + withCommas(e.sequenceLength) + " tokens"
                                         : ", padded to the longest text";
        break;
    case StringEncoding::Output::OneHot:
        out += ", one-hot";
        break;
    case StringEncoding::Output::MultiHot:
        out += ", multi-hot";
        break;
    case StringEncoding::Output::Count:
        out += ", counts";
        break;
    }
    return out;
}

} // namespace attnlens
