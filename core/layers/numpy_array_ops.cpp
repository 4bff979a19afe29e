#include "core/layers/numpy_array_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "core/layers/numpy_kernels.h"
#include "core/tensor/ops.h"

namespace attnlens {

namespace {

constexpr std::int64_t maxValues = std::int64_t(1) << 24;

std::string text(const nlohmann::json &j)
{
    return j.dump().substr(0, 60);
}

/// An integer argument from the file; throws InputFileError otherwise.
std::int64_t integer(const nlohmann::json &j, const char *what, const ErrorWhere &where)
{
    if (j.is_number_integer())
        return j.get<std::int64_t>();
    if (j.is_number_float() && std::floor(j.get<double>()) == j.get<double>()
        && std::abs(j.get<double>()) < 1e15)
        return static_cast<std::int64_t>(j.get<double>());
    throw InputFileError(where + ": " + what + " " + text(j) + " is not an integer.");
}

/// An int or a list of ints.
std::vector<std::int64_t> integers(
    const nlohmann::json &j, const char *what, const ErrorWhere &where)
{
    std::vector<std::int64_t> out;
    if (j.is_array()) {
        if (j.size() > 64)
            throw InputFileError(where + ": " + what + " " + text(j) + " is too long.");
        for (const auto &item : j)
            out.push_back(integer(item, what, where));
    } else {
        out.push_back(integer(j, what, where));
    }
    return out;
}

/// `axis` in [-rank, rank) as an index in [0, rank).
int normalAxis(std::int64_t axis, int rank, const ErrorWhere &where)
{
    if (axis < -rank || axis >= rank)
        throw ShapeError(where + ": axis " + std::to_string(axis)
            + " is out of range for an input of rank " + std::to_string(rank) + ".");
    return static_cast<int>(axis < 0 ? axis + rank : axis);
}

std::vector<std::int64_t> stridesOf(const Shape &shape)
{
    std::vector<std::int64_t> strides(shape.size(), 1);
    for (std::size_t d = shape.size(); d-- > 1;)
        strides[d - 1] = strides[d] * shape[d];
    return strides;
}

/// out[i_0, ..., i_n] = x[maps[0][i_0], ..., maps[n][i_n]], or `fill` where a map says -1.
/// maps[d].size() is the output's dimension d.
Tensor gatherAxes(const Tensor &x, const std::vector<std::vector<std::int64_t>> &maps, float fill)
{
    Shape outShape;
    for (const auto &m : maps)
        outShape.push_back(static_cast<std::int64_t>(m.size()));
    Tensor out = Tensor::uninitialized(outShape);
    out.setDType(x.dtype());
    const std::int64_t total = out.size();
    if (total == 0)
        return out;
    const std::size_t rank = maps.size();
    if (rank == 0) {
        out.data()[0] = x.data()[0];
        return out;
    }
    const auto strides = stridesOf(x.shape());
    const float *src = x.data();
    float *dst = out.data();
    std::vector<std::int64_t> index(rank, 0);
    const auto &inner = maps[rank - 1];
    const auto innerCount = static_cast<std::int64_t>(inner.size());
    for (std::int64_t n = 0; n < total; n += innerCount) {
        bool outside = false;
        std::int64_t base = 0;
        for (std::size_t d = 0; d + 1 < rank; ++d) {
            const std::int64_t s = maps[d][static_cast<std::size_t>(index[d])];
            outside = outside || s < 0;
            base += s * strides[d];
        }
        for (std::int64_t k = 0; k < innerCount; ++k) {
            const std::int64_t s = inner[static_cast<std::size_t>(k)];
            dst[n + k] = outside || s < 0 ? fill : src[base + s * strides[rank - 1]];
        }
        for (std::size_t d = rank - 1; d-- > 0;) {
            if (++index[d] < static_cast<std::int64_t>(maps[d].size()))
                break;
            index[d] = 0;
        }
    }
    return out;
}

/// The identity map of every axis of `shape`.
std::vector<std::vector<std::int64_t>> identityMaps(const Shape &shape)
{
    std::vector<std::vector<std::int64_t>> maps;
    for (const std::int64_t d : shape) {
        std::vector<std::int64_t> m(static_cast<std::size_t>(d));
        std::iota(m.begin(), m.end(), 0);
        maps.push_back(std::move(m));
    }
    return maps;
}

/// f(row, count) over the flagged axes taken together, for every position of the others.
template <typename F>
Tensor reduceRows(const Tensor &x, const std::vector<bool> &axes, bool keepdims, F f)
{
    const Shape &in = x.shape();
    std::vector<int> perm;
    Shape outShape;
    std::int64_t count = 1;
    for (std::size_t d = 0; d < in.size(); ++d)
        if (!(d < axes.size() && axes[d]))
            perm.push_back(static_cast<int>(d));
    for (std::size_t d = 0; d < in.size(); ++d)
        if (d < axes.size() && axes[d]) {
            perm.push_back(static_cast<int>(d));
            count *= in[d];
        }
    for (std::size_t d = 0; d < in.size(); ++d) {
        if (!(d < axes.size() && axes[d]))
            outShape.push_back(in[d]);
        else if (keepdims)
            outShape.push_back(1);
    }
    const Tensor p = permuteAxes(x, perm);
    Tensor out = Tensor::uninitialized(outShape);
    const std::int64_t rows = out.size();
    for (std::int64_t r = 0; r < rows; ++r)
        out.data()[r] = f(p.data() + r * count, count);
    return out;
}

/// `x` with axis `axis` moved last (and the permutation that moves it back).
std::pair<Tensor, std::vector<int>> axisLast(const Tensor &x, int axis)
{
    std::vector<int> perm;
    for (int d = 0; d < x.rank(); ++d)
        if (d != axis)
            perm.push_back(d);
    perm.push_back(axis);
    std::vector<int> back(perm.size());
    for (std::size_t i = 0; i < perm.size(); ++i)
        back[static_cast<std::size_t>(perm[i])] = static_cast<int>(i);
    return {permuteAxes(x, perm), back};
}

Tensor flattened(const Tensor &x)
{
    return x.reshaped({x.size()});
}

} // namespace

Tensor whereSelect(
    const Tensor &condition, const Tensor &x1, const Tensor &x2, const ErrorWhere &where)
{
    const Shape shape = broadcastResultShape(
        broadcastResultShape(condition.shape(), x1.shape(), where), x2.shape(), where);
    const Tensor c = broadcastTo(condition, shape, where);
    const Tensor a = broadcastTo(x1, shape, where);
    const Tensor b = broadcastTo(x2, shape, where);
    Tensor out = Tensor::uninitialized(shape);
    const std::int64_t n = out.size();
    for (std::int64_t i = 0; i < n; ++i)
        out.data()[i] = c.data()[i] != 0.0f ? a.data()[i] : b.data()[i];
    return out;
}

Tensor clipValues(const Tensor &x, const Tensor &low, const Tensor &high, const ErrorWhere &where)
{
    const Tensor lower = binaryOp(x, low, BinaryOp::Maximum, where);
    return binaryOp(lower, high, BinaryOp::Minimum, where);
}

Tensor reduceAnyAll(const Tensor &x, const std::vector<bool> &axes, bool keepdims, bool all)
{
    Tensor out = reduceRows(x, axes, keepdims, [all](const float *row, std::int64_t n) {
        for (std::int64_t i = 0; i < n; ++i)
            if ((row[i] != 0.0f) != all)
                return all ? 0.0f : 1.0f;
        return all ? 1.0f : 0.0f;
    });
    out.setDType(DType::Bool);
    return out;
}

Tensor reduceProduct(const Tensor &x, const std::vector<bool> &axes, bool keepdims)
{
    return reduceRows(x, axes, keepdims, [](const float *row, std::int64_t n) {
        double p = 1.0;
        for (std::int64_t i = 0; i < n; ++i)
            p *= row[i];
        return static_cast<float>(p);
    });
}

Tensor reduceLogSumExp(const Tensor &x, const std::vector<bool> &axes, bool keepdims)
{
    return reduceRows(x, axes, keepdims, [](const float *row, std::int64_t n) {
        float m = -std::numeric_limits<float>::infinity();
        for (std::int64_t i = 0; i < n; ++i)
            m = std::isnan(row[i]) || row[i] > m ? row[i] : m;
        if (std::isinf(m) || std::isnan(m))
            return n == 0 ? -std::numeric_limits<float>::infinity() : m;
        double s = 0.0;
        for (std::int64_t i = 0; i < n; ++i)
            s += std::exp(static_cast<double>(row[i] - m));
        return static_cast<float>(m + std::log(s));
    });
}

Tensor reduceMoments(
    const Tensor &x, const std::vector<bool> &axes, bool keepdims, bool standardDeviation)
{
    return reduceRows(x, axes, keepdims, [standardDeviation](const float *row, std::int64_t n) {
        double mean = 0.0;
        for (std::int64_t i = 0; i < n; ++i)
            mean += row[i];
        mean /= static_cast<double>(n);
        double v = 0.0;
        for (std::int64_t i = 0; i < n; ++i)
            v += (row[i] - mean) * (row[i] - mean);
        v /= static_cast<double>(n);
        return static_cast<float>(standardDeviation ? std::sqrt(v) : v);
    });
}

Tensor argReduce(const Tensor &x, const nlohmann::json &axis, bool keepdims, bool argmax,
    const ErrorWhere &where)
{
    if (x.size() == 0)
        throw ShapeError(where + ": argmax / argmin of an empty tensor.");
    std::vector<bool> flags(static_cast<std::size_t>(x.rank()), axis.is_null());
    if (!axis.is_null())
        flags[static_cast<std::size_t>(
            normalAxis(integer(axis, "axis", where), std::max(x.rank(), 1), where))]
            = true;
    Tensor out = reduceRows(x, flags, keepdims, [argmax](const float *row, std::int64_t n) {
        std::int64_t best = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            if (std::isnan(row[i])) {
                best = i;
                break;
            }
            if (argmax ? row[i] > row[best] : row[i] < row[best])
                best = i;
        }
        return static_cast<float>(best);
    });
    out.setDType(DType::Int32);
    return out;
}

Tensor cumulative(
    const Tensor &x, const nlohmann::json &axis, bool product, const ErrorWhere &where)
{
    if (axis.is_null())
        return cumulative(flattened(x), nlohmann::json(0), product, where);
    const int a = normalAxis(integer(axis, "axis", where), x.rank(), where);
    auto [moved, back] = axisLast(x, a);
    const std::int64_t n = x.shape()[static_cast<std::size_t>(a)];
    float *p = moved.data();
    for (std::int64_t r = 0; n > 0 && r < moved.size() / n; ++r) {
        double acc = product ? 1.0 : 0.0;
        for (std::int64_t i = 0; i < n; ++i) {
            acc = product ? acc * p[r * n + i] : acc + p[r * n + i];
            p[r * n + i] = static_cast<float>(acc);
        }
    }
    Tensor out = permuteAxes(moved, back);
    out.setDType(x.dtype());
    return out;
}

Tensor tile(const Tensor &x, const nlohmann::json &repeats, const ErrorWhere &where)
{
    std::vector<std::int64_t> reps = integers(repeats, "repeats", where);
    Shape shape = x.shape();
    while (shape.size() < reps.size())
        shape.insert(shape.begin(), 1);
    while (reps.size() < shape.size())
        reps.insert(reps.begin(), 1);
    std::vector<std::vector<std::int64_t>> maps;
    std::int64_t total = 1;
    for (std::size_t d = 0; d < shape.size(); ++d) {
        if (reps[d] < 0)
            throw ShapeError(where + ": tile repeats " + text(repeats) + " has a negative count.");
        const std::int64_t n = shape[d] * reps[d];
        total *= std::max<std::int64_t>(n, 1);
        if (total > 64 * maxValues)
            throw ShapeError(where + ": tile would make more than 1G values.");
        std::vector<std::int64_t> m(static_cast<std::size_t>(n));
        for (std::int64_t i = 0; i < n; ++i)
            m[static_cast<std::size_t>(i)] = i % shape[d];
        maps.push_back(std::move(m));
    }
    return gatherAxes(x.reshaped(shape), maps, 0.0f);
}

Tensor repeatValues(const Tensor &x, const nlohmann::json &repeats, const nlohmann::json &axis,
    const ErrorWhere &where)
{
    if (axis.is_null())
        return repeatValues(flattened(x), repeats, nlohmann::json(0), where);
    const int a = normalAxis(integer(axis, "axis", where), x.rank(), where);
    const std::int64_t n = x.shape()[static_cast<std::size_t>(a)];
    std::vector<std::int64_t> counts = integers(repeats, "repeats", where);
    if (counts.size() == 1)
        counts.assign(static_cast<std::size_t>(n), counts[0]);
    if (static_cast<std::int64_t>(counts.size()) != n)
        throw ShapeError(where + ": repeats " + text(repeats) + " has "
            + std::to_string(counts.size()) + " counts for an axis of size " + std::to_string(n)
            + ".");
    auto maps = identityMaps(x.shape());
    std::vector<std::int64_t> m;
    for (std::int64_t i = 0; i < n; ++i) {
        if (counts[static_cast<std::size_t>(i)] < 0
            || counts[static_cast<std::size_t>(i)] > maxValues)
            throw ShapeError(where + ": repeats " + text(repeats) + " is out of range.");
        m.insert(m.end(), static_cast<std::size_t>(counts[static_cast<std::size_t>(i)]), i);
    }
    maps[static_cast<std::size_t>(a)] = std::move(m);
    return gatherAxes(x, maps, 0.0f);
}

namespace {

std::int64_t padSource(std::int64_t i, std::int64_t n, const std::string &mode)
{
    if (i >= 0 && i < n)
        return i;
    if (mode == "constant" || n == 0)
        return -1;
    if (mode == "edge")
        return i < 0 ? 0 : n - 1;
    if (mode == "wrap")
        return ((i % n) + n) % n;
    if (mode == "symmetric") {
        const std::int64_t period = 2 * n;
        std::int64_t k = ((i % period) + period) % period;
        return k < n ? k : period - 1 - k;
    }
    // reflect
    if (n == 1)
        return 0;
    const std::int64_t period = 2 * (n - 1);
    std::int64_t k = ((i % period) + period) % period;
    return k < n ? k : period - k;
}

} // namespace

Tensor pad(const Tensor &x, const nlohmann::json &padWidth, const std::string &mode, float constant,
    const ErrorWhere &where)
{
    static const char *const modes[] = {"constant", "edge", "reflect", "symmetric", "wrap"};
    if (std::find(std::begin(modes), std::end(modes), mode) == std::end(modes))
        throw UnsupportedModelError(where + ": pad mode '" + mode
            + "' is not supported (AttnLens pads in modes constant, edge, reflect, symmetric and "
              "wrap).");
    const auto rank = static_cast<std::size_t>(x.rank());
    std::vector<std::pair<std::int64_t, std::int64_t>> widths;
    auto pairOf = [&](const nlohmann::json &j) -> std::pair<std::int64_t, std::int64_t> {
        if (j.is_array() && j.size() == 2)
            return {integer(j[0], "pad width", where), integer(j[1], "pad width", where)};
        if (j.is_array() && j.size() == 1)
            return {integer(j[0], "pad width", where), integer(j[0], "pad width", where)};
        const std::int64_t w = integer(j, "pad width", where);
        return {w, w};
    };
    if (padWidth.is_array() && padWidth.size() == rank && rank > 0 && padWidth[0].is_array()) {
        for (const auto &p : padWidth)
            widths.push_back(pairOf(p));
    } else if (padWidth.is_array() && !padWidth.empty() && padWidth.size() <= 2
        && !padWidth[0].is_array()) {
        widths.assign(rank, pairOf(padWidth));
    } else if (padWidth.is_array() && padWidth.size() == 1 && padWidth[0].is_array()) {
        widths.assign(rank, pairOf(padWidth[0]));
    } else if (padWidth.is_number()) {
        widths.assign(rank, pairOf(padWidth));
    } else {
        throw ShapeError(where + ": pad width " + text(padWidth) + " does not fit an input of rank "
            + std::to_string(rank) + ".");
    }
    std::vector<std::vector<std::int64_t>> maps;
    for (std::size_t d = 0; d < rank; ++d) {
        const auto [before, after] = widths[d];
        if (before < 0 || after < 0 || before > maxValues || after > maxValues)
            throw ShapeError(where + ": pad width " + text(padWidth) + " is out of range.");
        const std::int64_t n = x.shape()[d];
        if (n == 0 && mode != "constant" && before + after > 0)
            throw ShapeError(where + ": cannot pad an empty axis in mode " + mode + ".");
        std::vector<std::int64_t> m;
        for (std::int64_t i = -before; i < n + after; ++i)
            m.push_back(padSource(i, n, mode));
        maps.push_back(std::move(m));
    }
    return gatherAxes(x, maps, constant);
}

std::vector<Tensor> split(const Tensor &x, const nlohmann::json &indicesOrSections,
    const nlohmann::json &axis, const ErrorWhere &where)
{
    const int a = normalAxis(axis.is_null() ? 0 : integer(axis, "axis", where), x.rank(), where);
    const std::int64_t n = x.shape()[static_cast<std::size_t>(a)];
    std::vector<std::int64_t> bounds {0};
    if (indicesOrSections.is_array()) {
        for (std::int64_t i : integers(indicesOrSections, "split indices", where)) {
            if (i < 0)
                i += n;
            bounds.push_back(std::clamp<std::int64_t>(i, bounds.back(), n));
        }
    } else {
        const std::int64_t sections = integer(indicesOrSections, "sections", where);
        if (sections <= 0 || n % sections != 0)
            throw ShapeError(where + ": an axis of size " + std::to_string(n)
                + " cannot be split into " + std::to_string(sections) + " equal parts.");
        for (std::int64_t s = 1; s < sections; ++s)
            bounds.push_back(s * (n / sections));
    }
    bounds.push_back(n);
    std::vector<Tensor> parts;
    for (std::size_t p = 0; p + 1 < bounds.size(); ++p) {
        auto maps = identityMaps(x.shape());
        std::vector<std::int64_t> m;
        for (std::int64_t i = bounds[p]; i < bounds[p + 1]; ++i)
            m.push_back(i);
        maps[static_cast<std::size_t>(a)] = std::move(m);
        parts.push_back(gatherAxes(x, maps, 0.0f));
    }
    return parts;
}

Tensor take(
    const Tensor &x, const Tensor &indices, const nlohmann::json &axis, const ErrorWhere &where)
{
    if (axis.is_null())
        return take(flattened(x), indices, nlohmann::json(0), where);
    const int a = normalAxis(integer(axis, "axis", where), x.rank(), where);
    const std::int64_t n = x.shape()[static_cast<std::size_t>(a)];
    auto maps = identityMaps(x.shape());
    std::vector<std::int64_t> m;
    for (std::int64_t i = 0; i < indices.size(); ++i) {
        const float v = indices.data()[i];
        auto k = static_cast<std::int64_t>(v);
        if (k < 0)
            k += n;
        if (std::floor(v) != v || k < 0 || k >= n)
            throw ShapeError(where + ": index " + std::to_string(v) + " is out of range for axis "
                + std::to_string(a) + " of size " + std::to_string(n) + ".");
        m.push_back(k);
    }
    maps[static_cast<std::size_t>(a)] = std::move(m);
    const Tensor gathered = gatherAxes(x, maps, 0.0f);
    Shape shape(x.shape().begin(), x.shape().begin() + a);
    shape.insert(shape.end(), indices.shape().begin(), indices.shape().end());
    shape.insert(shape.end(), x.shape().begin() + a + 1, x.shape().end());
    return gathered.reshaped(shape);
}

Tensor takeAlongAxis(
    const Tensor &x, const Tensor &indices, const nlohmann::json &axis, const ErrorWhere &where)
{
    if (axis.is_null())
        return takeAlongAxis(flattened(x), flattened(indices), nlohmann::json(0), where);
    if (indices.rank() != x.rank())
        throw ShapeError(where + ": take_along_axis needs indices of the input's rank, got "
            + shapeToString(indices.shape()) + " for " + shapeToString(x.shape()) + ".");
    const int a = normalAxis(integer(axis, "axis", where), x.rank(), where);
    Shape xs = x.shape();
    Shape is = indices.shape();
    xs[static_cast<std::size_t>(a)] = 1;
    is[static_cast<std::size_t>(a)] = 1;
    Shape common = broadcastResultShape(xs, is, where);
    Shape xShape = common;
    Shape iShape = common;
    xShape[static_cast<std::size_t>(a)] = x.shape()[static_cast<std::size_t>(a)];
    iShape[static_cast<std::size_t>(a)] = indices.shape()[static_cast<std::size_t>(a)];
    const auto [xm, back] = axisLast(broadcastTo(x, xShape, where), a);
    const auto im = axisLast(broadcastTo(indices, iShape, where), a).first;
    const std::int64_t n = xShape[static_cast<std::size_t>(a)];
    const std::int64_t k = iShape[static_cast<std::size_t>(a)];
    Tensor out = Tensor::uninitialized(im.shape());
    for (std::int64_t r = 0; k > 0 && r < im.size() / k; ++r)
        for (std::int64_t j = 0; j < k; ++j) {
            const float v = im.data()[r * k + j];
            auto i = static_cast<std::int64_t>(v);
            if (i < 0)
                i += n;
            if (i < 0 || i >= n)
                throw ShapeError(where + ": index " + std::to_string(v)
                    + " is out of range for axis " + std::to_string(a) + " of size "
                    + std::to_string(n) + ".");
            out.data()[r * k + j] = xm.data()[r * n + i];
        }
    Tensor result = permuteAxes(out, back);
    result.setDType(x.dtype());
    return result;
}

Tensor einsum(
    const std::string &subscripts, const std::vector<Tensor> &operands, const ErrorWhere &where)
{
    std::string spec;
    for (const char c : subscripts)
        if (c != ' ')
            spec += c;
    const auto arrow = spec.find("->");
    const std::string inputs = spec.substr(0, arrow);
    std::vector<std::string> terms;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= inputs.size(); ++i)
        if (i == inputs.size() || inputs[i] == ',') {
            terms.push_back(inputs.substr(start, i - start));
            start = i + 1;
        }
    if (terms.size() != operands.size())
        throw ShapeError(where + ": einsum '" + subscripts + "' names "
            + std::to_string(terms.size()) + " operands but has " + std::to_string(operands.size())
            + ".");
    // Ellipsis dimensions become the labels '0', '1', ... (right-aligned across operands).
    int ellipsisRank = 0;
    for (std::size_t t = 0; t < terms.size(); ++t) {
        const auto e = terms[t].find("...");
        if (e != std::string::npos)
            ellipsisRank = std::max(
                ellipsisRank, operands[t].rank() - static_cast<int>(terms[t].size() - 3));
    }
    auto ellipsisLabels = [&](int count) {
        std::string s;
        for (int i = ellipsisRank - count; i < ellipsisRank; ++i)
            s += static_cast<char>('0' + i);
        return s;
    };
    std::map<char, std::int64_t> sizes;
    std::map<char, int> occurrences;
    std::vector<std::string> labels;
    for (std::size_t t = 0; t < terms.size(); ++t) {
        std::string term = terms[t];
        const auto e = term.find("...");
        if (e != std::string::npos)
            term.replace(
                e, 3, ellipsisLabels(operands[t].rank() - static_cast<int>(term.size() - 3)));
        if (static_cast<int>(term.size()) != operands[t].rank())
            throw ShapeError(where + ": einsum term '" + terms[t]
                + "' does not fit an operand of shape " + shapeToString(operands[t].shape()) + ".");
        for (std::size_t d = 0; d < term.size(); ++d) {
            const char c = term[d];
            if (!std::isalpha(static_cast<unsigned char>(c))
                && !std::isdigit(static_cast<unsigned char>(c)))
                throw InputFileError(
                    where + ": einsum subscripts '" + subscripts + "' are malformed.");
            const std::int64_t n = operands[t].shape()[d];
            auto [it, fresh] = sizes.emplace(c, n);
            if (!fresh && it->second != n) {
                if (it->second == 1)
                    it->second = n;
                else if (n != 1)
                    throw ShapeError(where + ": einsum '" + subscripts + "': label '"
                        + std::string(1, c) + "' has sizes " + std::to_string(it->second) + " and "
                        + std::to_string(n) + ".");
            }
            ++occurrences[c];
        }
        labels.push_back(term);
    }
    std::string output;
    if (arrow != std::string::npos) {
        output = spec.substr(arrow + 2);
        const auto e = output.find("...");
        if (e != std::string::npos)
            output.replace(e, 3, ellipsisLabels(ellipsisRank));
    } else {
        output = ellipsisLabels(ellipsisRank);
        for (const auto &[c, count] : occurrences)
            if (count == 1 && !std::isdigit(static_cast<unsigned char>(c)))
                output += c;
    }
    std::string all = output;
    for (const auto &[c, n] : sizes) {
        if (output.find(c) == std::string::npos)
            all += c;
    }
    for (const char c : output)
        if (sizes.find(c) == sizes.end())
            throw ShapeError(
                where + ": einsum output label '" + std::string(1, c) + "' is in no operand.");
    Shape outShape;
    for (const char c : output)
        outShape.push_back(sizes[c]);
    std::vector<std::int64_t> dims;
    std::int64_t work = 1;
    for (const char c : all) {
        dims.push_back(sizes[c]);
        work *= std::max<std::int64_t>(sizes[c], 1);
        if (work > (std::int64_t(1) << 34))
            throw ShapeError(where + ": einsum '" + subscripts + "' is too large to compute.");
    }
    // Each operand's stride per label of `all` (0 where it lacks the label or broadcasts).
    std::vector<std::vector<std::int64_t>> strides(
        operands.size(), std::vector<std::int64_t>(all.size(), 0));
    for (std::size_t t = 0; t < operands.size(); ++t) {
        const auto st = stridesOf(operands[t].shape());
        for (std::size_t d = 0; d < labels[t].size(); ++d) {
            if (operands[t].shape()[d] == 1)
                continue;
            strides[t][all.find(labels[t][d])] += st[d];
        }
    }
    Tensor out(outShape, 0.0f);
    const std::int64_t total = shapeSize(dims);
    if (total == 0)
        return out;
    const std::size_t outRank = output.size();
    std::int64_t outerCount = 1;
    for (std::size_t d = 0; d < outRank; ++d)
        outerCount *= dims[d];
    const std::int64_t innerCount = total / std::max<std::int64_t>(outerCount, 1);
    std::vector<std::int64_t> index(all.size(), 0);
    std::vector<std::int64_t> offset(operands.size(), 0);
    for (std::int64_t o = 0; o < outerCount; ++o) {
        double acc = 0.0;
        for (std::int64_t inner = 0; inner < innerCount; ++inner) {
            double product = 1.0;
            for (std::size_t t = 0; t < operands.size(); ++t)
                product *= operands[t].data()[offset[t]];
            acc += product;
            // advance the odometer over all labels (the summed ones turn fastest)
            for (std::size_t d = all.size(); d-- > 0;) {
                ++index[d];
                for (std::size_t t = 0; t < operands.size(); ++t)
                    offset[t] += strides[t][d];
                if (index[d] < dims[d])
                    break;
                for (std::size_t t = 0; t < operands.size(); ++t)
                    offset[t] -= strides[t][d] * dims[d];
                index[d] = 0;
            }
        }
        out.data()[o] = static_cast<float>(acc);
    }
    return out;
}

Tensor tensordot(
    const Tensor &a, const Tensor &b, const nlohmann::json &axes, const ErrorWhere &where)
{
    std::vector<std::int64_t> axesA;
    std::vector<std::int64_t> axesB;
    if (axes.is_array() && axes.size() == 2) {
        axesA = integers(axes[0], "tensordot axes", where);
        axesB = integers(axes[1], "tensordot axes", where);
    } else {
        const std::int64_t n = axes.is_null() ? 2 : integer(axes, "tensordot axes", where);
        if (n < 0 || n > a.rank() || n > b.rank())
            throw ShapeError(where + ": tensordot over " + std::to_string(n) + " axes of shapes "
                + shapeToString(a.shape()) + " and " + shapeToString(b.shape()) + ".");
        for (std::int64_t i = 0; i < n; ++i) {
            axesA.push_back(a.rank() - n + i);
            axesB.push_back(i);
        }
    }
    if (axesA.size() != axesB.size())
        throw ShapeError(where + ": tensordot axes " + text(axes) + " differ in length.");
    std::vector<bool> summedA(static_cast<std::size_t>(a.rank()), false);
    std::vector<bool> summedB(static_cast<std::size_t>(b.rank()), false);
    std::vector<int> permA;
    std::vector<int> permB;
    std::int64_t k = 1;
    for (std::size_t i = 0; i < axesA.size(); ++i) {
        const int da = normalAxis(axesA[i], a.rank(), where);
        const int db = normalAxis(axesB[i], b.rank(), where);
        if (a.shape()[static_cast<std::size_t>(da)] != b.shape()[static_cast<std::size_t>(db)]
            || summedA[static_cast<std::size_t>(da)] || summedB[static_cast<std::size_t>(db)])
            throw ShapeError(where + ": tensordot axes " + text(axes) + " do not fit shapes "
                + shapeToString(a.shape()) + " and " + shapeToString(b.shape()) + ".");
        summedA[static_cast<std::size_t>(da)] = summedB[static_cast<std::size_t>(db)] = true;
        k *= a.shape()[static_cast<std::size_t>(da)];
    }
    Shape outShape;
    for (int d = 0; d < a.rank(); ++d)
        if (!summedA[static_cast<std::size_t>(d)]) {
            permA.push_back(d);
            outShape.push_back(a.shape()[static_cast<std::size_t>(d)]);
        }
    for (const std::int64_t d : axesA)
        permA.push_back(normalAxis(d, a.rank(), where));
    for (const std::int64_t d : axesB)
        permB.push_back(normalAxis(d, b.rank(), where));
    for (int d = 0; d < b.rank(); ++d)
        if (!summedB[static_cast<std::size_t>(d)]) {
            permB.push_back(d);
            outShape.push_back(b.shape()[static_cast<std::size_t>(d)]);
        }
    const Tensor pa = permuteAxes(a, permA);
    const Tensor pb = permuteAxes(b, permB);
    const std::int64_t rows = k == 0 ? 0 : a.size() / k;
    const std::int64_t cols = k == 0 ? 0 : b.size() / k;
    Tensor out(outShape, 0.0f);
    if (k > 0 && rows > 0 && cols > 0)
        MatrixMap(out.data(), rows, cols).noalias()
            = ConstMatrixMap(pa.data(), rows, k) * ConstMatrixMap(pb.data(), k, cols);
    return out;
}

Tensor dot(const Tensor &a, const Tensor &b, const ErrorWhere &where)
{
    if (a.rank() == 0 || b.rank() == 0)
        return binaryOp(a, b, BinaryOp::Multiply, where);
    const std::int64_t axisB = b.rank() == 1 ? 0 : b.rank() - 2;
    return tensordot(a, b,
        nlohmann::json::array(
            {nlohmann::json::array({a.rank() - 1}), nlohmann::json::array({axisB})}),
        where);
}

Tensor oneHot(const Tensor &x, std::int64_t classes, int axis, const ErrorWhere &where)
{
    if (classes <= 0 || classes > maxValues)
        throw ShapeError(where + ": one_hot with " + std::to_string(classes) + " classes.");
    const int rank = x.rank() + 1;
    const int a = normalAxis(axis, rank, where);
    Shape last = x.shape();
    last.push_back(classes);
    Tensor out(last, 0.0f);
    for (std::int64_t i = 0; i < x.size(); ++i) {
        const float v = x.data()[i];
        if (v >= 0.0f && v < static_cast<float>(classes))
            out.data()[i * classes + static_cast<std::int64_t>(v)] = 1.0f;
    }
    if (a == rank - 1)
        return out;
    std::vector<int> perm;
    for (int d = 0; d < rank - 1; ++d) {
        if (d == a)
            perm.push_back(rank - 1);
        perm.push_back(d);
    }
    return permuteAxes(out, perm);
}

Tensor flip(const Tensor &x, const nlohmann::json &axis, const ErrorWhere &where)
{
    const std::vector<bool> flags = axisFlags(axis, x.rank(), where);
    auto maps = identityMaps(x.shape());
    for (std::size_t d = 0; d < maps.size(); ++d)
        if (flags[d])
            std::reverse(maps[d].begin(), maps[d].end());
    return gatherAxes(x, maps, 0.0f);
}

Tensor roll(const Tensor &x, const nlohmann::json &shift, const nlohmann::json &axis,
    const ErrorWhere &where)
{
    if (axis.is_null())
        return roll(flattened(x), shift, nlohmann::json(0), where).reshaped(x.shape());
    std::vector<std::int64_t> shifts = integers(shift, "shift", where);
    const std::vector<std::int64_t> axes = integers(axis, "axis", where);
    if (shifts.size() == 1)
        shifts.assign(axes.size(), shifts[0]);
    if (shifts.size() != axes.size())
        throw ShapeError(
            where + ": roll shift " + text(shift) + " does not fit axis " + text(axis) + ".");
    std::vector<std::int64_t> total(static_cast<std::size_t>(x.rank()), 0);
    for (std::size_t i = 0; i < axes.size(); ++i)
        total[static_cast<std::size_t>(normalAxis(axes[i], x.rank(), where))] += shifts[i];
    auto maps = identityMaps(x.shape());
    for (std::size_t d = 0; d < maps.size(); ++d) {
        const std::int64_t n = x.shape()[d];
        for (std::int64_t i = 0; i < n; ++i)
            maps[d][static_cast<std::size_t>(i)] = (((i - total[d]) % n) + n) % n;
    }
    return gatherAxes(x, maps, 0.0f);
}

Tensor moveAxes(const Tensor &x, const nlohmann::json &source, const nlohmann::json &destination,
    const ErrorWhere &where)
{
    const std::vector<std::int64_t> src = integers(source, "source", where);
    const std::vector<std::int64_t> dst = integers(destination, "destination", where);
    if (src.size() != dst.size())
        throw ShapeError(where + ": moveaxis source and destination differ in length.");
    const int rank = x.rank();
    std::vector<int> perm(static_cast<std::size_t>(rank), -1);
    std::vector<bool> used(static_cast<std::size_t>(rank), false);
    for (std::size_t i = 0; i < src.size(); ++i) {
        const int s = normalAxis(src[i], rank, where);
        const int d = normalAxis(dst[i], rank, where);
        if (perm[static_cast<std::size_t>(d)] >= 0 || used[static_cast<std::size_t>(s)])
            throw ShapeError(where + ": moveaxis repeats an axis.");
        perm[static_cast<std::size_t>(d)] = s;
        used[static_cast<std::size_t>(s)] = true;
    }
    int next = 0;
    for (int &p : perm) {
        if (p >= 0)
            continue;
        while (used[static_cast<std::size_t>(next)])
            ++next;
        p = next++;
    }
    Tensor out = permuteAxes(x, perm);
    out.setDType(x.dtype());
    return out;
}

Tensor swapAxes(const Tensor &x, std::int64_t axis1, std::int64_t axis2, const ErrorWhere &where)
{
    std::vector<int> perm(static_cast<std::size_t>(x.rank()));
    std::iota(perm.begin(), perm.end(), 0);
    std::swap(perm[static_cast<std::size_t>(normalAxis(axis1, x.rank(), where))],
        perm[static_cast<std::size_t>(normalAxis(axis2, x.rank(), where))]);
    Tensor out = permuteAxes(x, perm);
    out.setDType(x.dtype());
    return out;
}

Tensor triangle(const Tensor &x, std::int64_t k, bool lower, const ErrorWhere &where)
{
    if (x.rank() < 2)
        throw ShapeError(where + ": tril / triu need an input of rank 2 or more, got "
            + shapeToString(x.shape()) + ".");
    Tensor out = x;
    const std::int64_t rows = x.dim(-2);
    const std::int64_t cols = x.dim(-1);
    const std::int64_t matrices = rows * cols == 0 ? 0 : x.size() / (rows * cols);
    for (std::int64_t m = 0; m < matrices; ++m)
        for (std::int64_t i = 0; i < rows; ++i)
            for (std::int64_t j = 0; j < cols; ++j) {
                const bool keep = lower ? j - i <= k : j - i >= k;
                if (!keep)
                    out.data()[(m * rows + i) * cols + j] = 0.0f;
            }
    return out;
}

Tensor arange(double start, double stop, double step, const ErrorWhere &where)
{
    if (step == 0.0 || !std::isfinite(start) || !std::isfinite(stop) || !std::isfinite(step))
        throw ShapeError(where + ": arange with step 0 or an infinite bound.");
    const double count = std::max(0.0, std::ceil((stop - start) / step));
    if (count > static_cast<double>(maxValues))
        throw ShapeError(where + ": arange would make more than 16M values.");
    Tensor out({static_cast<std::int64_t>(count)});
    for (std::int64_t i = 0; i < out.size(); ++i)
        out.data()[i] = static_cast<float>(start + static_cast<double>(i) * step);
    return out;
}

} // namespace attnlens
