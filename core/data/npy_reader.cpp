#include "core/data/npy_reader.h"

#include <bit>
#include <cmath>
#include <cstring>

#include "core/data/text_util.h"
#include "core/errors.h"
#include "core/io/mapped_file.h"
#include "core/io/zip_archive.h"
#include "core/tensor/format_bytes.h"

namespace attnlens {

namespace {

struct Header
{
    std::string descr;
    bool fortran = false;
    Shape shape;
    bool hasDescr = false, hasOrder = false, hasShape = false;
};

/// The header is a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderParser
{
public:
    HeaderParser(std::string_view text, const std::string &where)
        : m_s(text)
        , m_where(where)
    {
    }

    Header parse()
    {
        Header h;
        expect('{');
        for (;;) {
            skipSpace();
            if (peek() == '}')
                break;
            const std::string key = quoted();
            expect(':');
            skipSpace();
            if (key == "descr") {
                if (peek() == '[')
                    fail("structured dtypes (records) are not supported; save a plain numeric "
                         "array");
                h.descr = quoted();
                h.hasDescr = true;
            } else if (key == "fortran_order") {
                h.fortran = boolean();
                h.hasOrder = true;
            } else if (key == "shape") {
                h.shape = tuple();
                h.hasShape = true;
            } else {
                fail("unknown header key '" + key + "'");
            }
            skipSpace();
            if (peek() == ',') {
                ++m_i;
                continue;
            }
            skipSpace();
            if (peek() != '}')
                fail("expected ',' or '}' at character " + std::to_string(m_i + 1));
        }
        if (!h.hasDescr || !h.hasOrder || !h.hasShape)
            fail("'descr', 'fortran_order' or 'shape' is missing");
        return h;
    }

private:
    [[noreturn]] void fail(const std::string &what) const
    {
        throw InputFileError(
            m_where + ": corrupt .npy header (" + what + "); save the array again with numpy.save");
    }
    char peek() const { return m_i < m_s.size() ? m_s[m_i] : '\0'; }
    void skipSpace()
    {
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\n' || m_s[m_i] == '\t'))
            ++m_i;
    }
    void expect(char c)
    {
        skipSpace();
        if (peek() != c)
            fail(std::string("expected '") + c + "' at character " + std::to_string(m_i + 1));
        ++m_i;
    }
    std::string quoted()
    {
        skipSpace();
        const char q = peek();
        if (q != '\'' && q != '"')
            fail("expected a quoted name at character " + std::to_string(m_i + 1));
        const std::size_t end = m_s.find(q, m_i + 1);
        if (end == std::string_view::npos)
            fail("unclosed quote");
        std::string out(m_s.substr(m_i + 1, end - m_i - 1));
        m_i = end + 1;
        return out;
    }
    bool boolean()
    {
        if (m_s.substr(m_i, 4) == "True") {
            m_i += 4;
            return true;
        }
        if (m_s.substr(m_i, 5) == "False") {
            m_i += 5;
            return false;
        }
        fail("fortran_order is neither True nor False");
    }
    Shape tuple()
    {
        expect('(');
        Shape shape;
        for (;;) {
            skipSpace();
            if (peek() == ')') {
                ++m_i;
                return shape;
            }
            std::int64_t v = 0;
            int digits = 0;
            while (m_i < m_s.size() && m_s[m_i] >= '0' && m_s[m_i] <= '9') {
                if (v > (std::int64_t(1) << 56))
                    fail("a dimension is too large");
                v = v * 10 + (m_s[m_i] - '0');
                ++m_i;
                ++digits;
            }
            if (digits == 0)
                fail("the shape is not a tuple of integers");
            shape.push_back(v);
            skipSpace();
            if (peek() == ',')
                ++m_i;
            else if (peek() != ')')
                fail("the shape is not a tuple of integers");
        }
    }

    std::string_view m_s;
    const std::string &m_where;
    std::size_t m_i = 0;
};

template <typename T>
T load(const unsigned char *p, bool swap)
{
    unsigned char b[sizeof(T)];
    std::memcpy(b, p, sizeof(T));
    if (swap)
        for (std::size_t i = 0; i < sizeof(T) / 2; ++i)
            std::swap(b[i], b[sizeof(T) - 1 - i]);
    T v;
    std::memcpy(&v, b, sizeof(T));
    return v;
}

float halfToFloat(std::uint16_t h)
{
    const int exponent = (h >> 10) & 0x1F;
    const int mantissa = h & 0x3FF;
    float v;
    if (exponent == 0)
        v = std::ldexp(static_cast<float>(mantissa), -24);
    else if (exponent == 31)
        v = mantissa == 0 ? INFINITY : NAN;
    else
        v = std::ldexp(static_cast<float>(mantissa + 1024), exponent - 25);
    return (h & 0x8000) ? -v : v;
}

void appendUtf8(std::string &out, std::uint32_t c)
{
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

/// Fortran-order values (first index fastest) to C order.
template <typename T>
std::vector<T> fortranToC(const std::vector<T> &in, const Shape &shape)
{
    std::vector<T> out(in.size());
    const std::size_t rank = shape.size();
    std::vector<std::int64_t> index(rank, 0);
    std::vector<std::int64_t> cStride(rank, 1);
    for (std::size_t k = rank; k-- > 1;)
        cStride[k - 1] = cStride[k] * shape[k];
    for (std::size_t f = 0; f < in.size(); ++f) {
        std::int64_t c = 0;
        for (std::size_t k = 0; k < rank; ++k)
            c += index[k] * cStride[k];
        out[static_cast<std::size_t>(c)] = in[f];
        for (std::size_t k = 0; k < rank; ++k) {
            if (++index[k] < shape[k])
                break;
            index[k] = 0;
        }
    }
    return out;
}

} // namespace

ArrayData parseNpy(std::string_view bytes, const std::string &where, std::int64_t memoryCapBytes)
{
    const auto *u = reinterpret_cast<const unsigned char *>(bytes.data());
    if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
        throw InputFileError(where
            + ": not a NumPy .npy file (the first bytes are not \\x93NUMPY); "
              "save the array with numpy.save");
    const int major = u[6];
    std::size_t headerLength = 0;
    std::size_t headerStart = 0;
    if (major == 1) {
        headerLength = std::size_t(u[8]) | (std::size_t(u[9]) << 8);
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12)
            throw InputFileError(where + ": corrupt .npy header (the file ends inside it)");
        headerLength = std::size_t(u[8]) | (std::size_t(u[9]) << 8) | (std::size_t(u[10]) << 16)
            | (std::size_t(u[11]) << 24);
        headerStart = 12;
    } else {
        throw InputFileError(where + ": .npy format version " + std::to_string(major) + "."
            + std::to_string(u[7]) + " is not supported (1.0, 2.0 and 3.0 are)");
    }
    if (headerStart + headerLength > bytes.size())
        throw InputFileError(where + ": corrupt .npy header (it claims "
            + std::to_string(headerLength) + " bytes, the file ends before)");
    const Header h = HeaderParser(bytes.substr(headerStart, headerLength), where).parse();

    ArrayData array;
    array.shape = h.shape;
    array.dtype = h.descr;
    if (h.descr.size() < 2)
        throw InputFileError(where + ": corrupt .npy header (dtype '" + h.descr + "')");
    char order = h.descr[0];
    std::string_view code(h.descr);
    if (order == '<' || order == '>' || order == '|' || order == '=')
        code.remove_prefix(1);
    else
        order = '=';
    const char kind = code.empty() ? '?' : code[0];
    if (kind == 'O')
        throw InputFileError(where + ": dtype '" + h.descr
            + "' is an object array, a Python pickle, which AttnLens never loads; save a float, "
              "int, bool or text array");
    std::size_t itemSize = 0;
    {
        std::size_t i = 1;
        while (i < code.size() && code[i] >= '0' && code[i] <= '9' && itemSize < 100000000)
            itemSize = itemSize * 10 + static_cast<std::size_t>(code[i++] - '0');
        if (i != code.size() || itemSize == 0)
            throw InputFileError(where + ": dtype '" + h.descr
                + "' is not supported (float, int, uint, bool or text arrays are)");
    }
    const bool bigEndian = order == '>';
    const bool swap = bigEndian != (std::endian::native == std::endian::big);
    const bool supported = (kind == 'f' && (itemSize == 2 || itemSize == 4 || itemSize == 8))
        || ((kind == 'i' || kind == 'u')
            && (itemSize == 1 || itemSize == 2 || itemSize == 4 || itemSize == 8))
        || (kind == 'b' && itemSize == 1) || kind == 'U' || kind == 'S';
    if (!supported) {
        const std::string why = kind == 'O' ? " (object arrays are Python pickles, which "
                                              "AttnLens never loads)"
                                            : "";
        throw InputFileError(where + ": dtype '" + h.descr + "' is not supported" + why
            + "; save a float, int, bool or text array");
    }
    const std::int64_t count = shapeSize(h.shape);
    const std::size_t elementBytes = kind == 'U' ? itemSize * 4 : itemSize;
    const std::int64_t outBytes = count * std::int64_t(kind == 'U' || kind == 'S' ? 32 : 4);
    if (count > 0 && (outBytes / count == 0 || outBytes > memoryCapBytes))
        throw InputFileError(where + ": the array " + shapeToString(h.shape) + " would need "
            + formatBytes(outBytes) + ", more than the " + formatBytes(memoryCapBytes)
            + " allowed");
    const std::size_t dataStart = headerStart + headerLength;
    const std::size_t needed = static_cast<std::size_t>(count) * elementBytes;
    const std::size_t available = bytes.size() - dataStart;
    if (available < needed)
        throw InputFileError(where + ": the data is truncated: the header says "
            + shapeToString(h.shape) + " " + h.descr + " = " + std::to_string(needed)
            + " bytes, the file holds " + std::to_string(available)
            + "; the file was cut short, save it again");
    const unsigned char *data = u + dataStart;
    const auto n = static_cast<std::size_t>(count);

    if (kind == 'U' || kind == 'S') {
        array.isText = true;
        array.strings.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            std::string &s = array.strings[i];
            const unsigned char *e = data + i * elementBytes;
            if (kind == 'S') {
                std::size_t len = itemSize;
                while (len > 0 && e[len - 1] == 0)
                    --len;
                s.assign(reinterpret_cast<const char *>(e), len);
            } else {
                for (std::size_t k = 0; k < itemSize; ++k) {
                    const auto c = load<std::uint32_t>(e + 4 * k, swap);
                    if (c == 0)
                        break;
                    appendUtf8(s, c > 0x10FFFF ? 0xFFFD : c);
                }
            }
        }
        if (h.fortran && h.shape.size() > 1)
            array.strings = fortranToC(array.strings, h.shape);
        return array;
    }

    array.integers = kind != 'f';
    array.values.resize(n);
    float *out = array.values.data();
    if (kind == 'f' && itemSize == 4 && !swap) {
        if (n > 0) // an empty array's data() may be null, and memcpy's pointers must not be
            std::memcpy(out, data, n * 4);
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            const unsigned char *e = data + i * itemSize;
            float v = 0;
            switch (kind) {
            case 'f':
                v = itemSize == 2   ? halfToFloat(load<std::uint16_t>(e, swap))
                    : itemSize == 4 ? load<float>(e, swap)
                                    : static_cast<float>(load<double>(e, swap));
                break;
            case 'i':
                v = itemSize == 1   ? static_cast<float>(static_cast<std::int8_t>(e[0]))
                    : itemSize == 2 ? static_cast<float>(load<std::int16_t>(e, swap))
                    : itemSize == 4 ? static_cast<float>(load<std::int32_t>(e, swap))
                                    : static_cast<float>(load<std::int64_t>(e, swap));
                break;
            case 'u':
                v = itemSize == 1   ? static_cast<float>(e[0])
                    : itemSize == 2 ? static_cast<float>(load<std::uint16_t>(e, swap))
                    : itemSize == 4 ? static_cast<float>(load<std::uint32_t>(e, swap))
                                    : static_cast<float>(load<std::uint64_t>(e, swap));
                break;
            default: // 'b'
                v = e[0] != 0 ? 1.0f : 0.0f;
                break;
            }
            out[i] = v;
        }
    }
    if (h.fortran && h.shape.size() > 1)
        array.values = fortranToC(array.values, h.shape);
    return array;
}

ArrayData readNpy(const std::filesystem::path &file, std::int64_t memoryCapBytes)
{
    MappedFile map(file);
    if (map.size() == 0)
        throw InputFileError(file.string() + ": the file is empty; save the array with numpy.save");
    return parseNpy(std::string_view(map.data(), map.size()), file.string(), memoryCapBytes);
}

std::vector<std::pair<std::string, ArrayData>> readNpz(
    const std::filesystem::path &file, std::int64_t memoryCapBytes)
{
    ZipArchive zip(file);
    std::vector<std::pair<std::string, ArrayData>> arrays;
    for (const std::string &member : zip.names()) {
        if (member.size() < 4 || member.compare(member.size() - 4, 4, ".npy") != 0)
            continue;
        const std::string bytes = zip.read(member, static_cast<std::uint64_t>(memoryCapBytes));
        arrays.emplace_back(member.substr(0, member.size() - 4),
            parseNpy(bytes, file.string() + ":" + member, memoryCapBytes));
    }
    if (arrays.empty())
        throw InputFileError(
            file.string() + ": the .npz archive holds no .npy arrays; save it with numpy.savez");
    return arrays;
}

} // namespace attnlens
