#include "core/tensor/ops.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Core>

#include "core/errors.h"

namespace attnlens {

Shape broadcastResultShape(const Shape &a, const Shape &b, const ErrorWhere &where)
{
    const std::size_t rank = std::max(a.size(), b.size());
    Shape out(rank, 1);
    for (std::size_t i = 0; i < rank; ++i) {
        const std::int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
        const std::int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
        if (da != db && da != 1 && db != 1)
            throw ShapeError(where + ": shapes " + shapeToString(a) + " and " + shapeToString(b)
                + " cannot be combined (they do not broadcast).");
        out[i] = da == 1 ? db : da;
    }
    return out;
}

namespace detail {

std::vector<std::int64_t> broadcastStrides(const Shape &from, const Shape &to)
{
    const std::size_t rank = to.size();
    std::vector<std::int64_t> strides(rank, 0);
    std::int64_t stride = 1;
    for (std::size_t k = 0; k < from.size(); ++k) {
        const std::size_t i = from.size() - 1 - k;
        const std::size_t j = rank - 1 - k;
        strides[j] = from[i] == 1 ? 0 : stride;
        stride *= from[i];
    }
    return strides;
}

} // namespace detail

using detail::broadcastStrides;
using detail::forEachBroadcast;

Tensor broadcastTo(const Tensor &t, const Shape &shape, const ErrorWhere &where)
{
    if (t.shape() == shape)
        return t;
    const Shape check = broadcastResultShape(t.shape(), shape, where);
    if (check != shape)
        throw ShapeError(where + ": shape " + shapeToString(t.shape()) + " cannot be broadcast to "
            + shapeToString(shape) + ".");
    Tensor out = Tensor::uninitialized(shape);
    const auto sa = broadcastStrides(t.shape(), shape);
    const float *in = t.data();
    float *o = out.data();
    forEachBroadcast(
        shape, sa, sa, [&](std::int64_t i, std::int64_t a, std::int64_t) { o[i] = in[a]; });
    return out;
}

Tensor permuteAxes(const Tensor &t, const std::vector<int> &perm)
{
    const Shape &in = t.shape();
    const std::size_t rank = in.size();
    bool identity = true;
    Shape outShape(rank);
    for (std::size_t i = 0; i < rank; ++i) {
        outShape[i] = in[static_cast<std::size_t>(perm[i])];
        identity = identity && perm[i] == static_cast<int>(i);
    }
    if (identity)
        return t;
    std::vector<std::int64_t> inStrides(rank, 1);
    for (std::size_t i = rank; i-- > 1;)
        inStrides[i - 1] = inStrides[i] * in[i];
    std::vector<std::int64_t> strides(rank);
    for (std::size_t i = 0; i < rank; ++i)
        strides[i] = inStrides[static_cast<std::size_t>(perm[i])];
    Tensor out = Tensor::uninitialized(outShape);
    const float *src = t.data();
    float *dst = out.data();
    forEachBroadcast(outShape, strides, strides,
        [&](std::int64_t i, std::int64_t a, std::int64_t) { dst[i] = src[a]; });
    return out;
}

Tensor expandDims(const Tensor &t, int axis)
{
    Shape shape = t.shape();
    const int rank = static_cast<int>(shape.size()) + 1;
    const int a = axis < 0 ? axis + rank : axis;
    shape.insert(shape.begin() + std::clamp(a, 0, rank - 1), 1);
    return t.reshaped(shape);
}

namespace {

/// reduce's accumulation for one operator: the walker visits the input in C order with the
/// output offset (stride 0 along reduced axes).
template <typename Accumulate>
void accumulate(
    const Tensor &x, const std::vector<std::int64_t> &outStrides, float *out, Accumulate add)
{
    const float *in = x.data();
    forEachBroadcast(x.shape(), outStrides, outStrides,
        [&](std::int64_t i, std::int64_t o, std::int64_t) { add(out[o], in[i]); });
}

} // namespace

Tensor reduce(const Tensor &x, const std::vector<bool> &axes, bool keepdims, ReduceOp op)
{
    const Shape &in = x.shape();
    const std::size_t rank = in.size();
    Shape kept(rank);
    Shape outShape;
    std::int64_t count = 1;
    for (std::size_t d = 0; d < rank; ++d) {
        const bool reduced = d < axes.size() && axes[d];
        kept[d] = reduced ? 1 : in[d];
        if (reduced)
            count *= in[d];
        if (!reduced || keepdims)
            outShape.push_back(kept[d]);
    }
    float init = 0.0f;
    if (op == ReduceOp::Max)
        init = -std::numeric_limits<float>::infinity();
    else if (op == ReduceOp::Min)
        init = std::numeric_limits<float>::infinity();
    Tensor out(outShape, init);
    const std::vector<std::int64_t> strides = broadcastStrides(kept, in);
    float *po = out.data();
    switch (op) {
    case ReduceOp::Sum:
    case ReduceOp::Mean:
        accumulate(x, strides, po, [](float &acc, float v) { acc += v; });
        break;
    case ReduceOp::Max:
        accumulate(x, strides, po,
            [](float &acc, float v) { acc = (v > acc || std::isnan(v)) ? v : acc; });
        break;
    case ReduceOp::Min:
        accumulate(x, strides, po,
            [](float &acc, float v) { acc = (v < acc || std::isnan(v)) ? v : acc; });
        break;
    }
    if (op == ReduceOp::Mean) {
        const float scale = count == 0 ? std::numeric_limits<float>::quiet_NaN()
                                       : 1.0f / static_cast<float>(count);
        for (std::int64_t i = 0; i < out.size(); ++i)
            po[i] = count == 0 ? scale : po[i] * scale;
    }
    return out;
}

namespace {

using RowArray = Eigen::Map<Eigen::ArrayXf>;

void maskedSoftmaxRow(float *row, std::int64_t n, const std::uint8_t *mask, MaskedSoftmaxMode mode)
{
    // Keras adds (1 - mask) * -1e9 (Keras 2, 3.0-3.12) or selects -1e9 (>= 3.13). In float32
    // x + -1e9 rounds to a multiple of 64, so a fully masked row comes out near uniform.
    constexpr float masked = -1e9f;
    if (mode == MaskedSoftmaxMode::WhereZero) {
        for (std::int64_t i = 0; i < n; ++i)
            if (!mask[i])
                row[i] = masked;
    } else {
        for (std::int64_t i = 0; i < n; ++i)
            if (!mask[i])
                row[i] += masked;
    }
    RowArray x(row, n);
    const float max = x.maxCoeff();
    x = (x - max).exp();
    x *= 1.0f / x.sum();
    if (mode != MaskedSoftmaxMode::AdditiveKeep) {
        for (std::int64_t i = 0; i < n; ++i)
            if (!mask[i])
                row[i] = 0.0f;
    }
}

} // namespace

void softmaxRows(float *rows, std::int64_t count, std::int64_t n, const std::uint8_t *mask,
    MaskedSoftmaxMode mode)
{
    if (n <= 0 || count <= 0)
        return;
    if (mask) {
        for (std::int64_t r = 0; r < count; ++r)
            maskedSoftmaxRow(rows + r * n, n, mask + r * n, mode);
        return;
    }
    // The same arithmetic as maskedSoftmaxRow, but exp runs once over the whole block: short
    // rows (T = 48) spend most of their time in per-row set-up otherwise.
    for (std::int64_t r = 0; r < count; ++r) {
        RowArray x(rows + r * n, n);
        x -= x.maxCoeff();
    }
    RowArray all(rows, count * n);
    all = all.exp();
    for (std::int64_t r = 0; r < count; ++r) {
        RowArray x(rows + r * n, n);
        x *= 1.0f / x.sum();
    }
}

void logSoftmaxRows(float *rows, std::int64_t count, std::int64_t n)
{
    if (n <= 0)
        return;
    for (std::int64_t r = 0; r < count; ++r) {
        RowArray row(rows + r * n, n);
        row -= row.maxCoeff();
        row -= std::log(row.exp().sum());
    }
}

Tensor softmax(const Tensor &x, const std::vector<int> &axes, const Tensor &mask,
    MaskedSoftmaxMode mode, const std::string &where)
{
    // Move the softmax axes last, so that each softmax is one contiguous row.
    std::vector<int> perm;
    for (int a = 0; a < x.rank(); ++a)
        if (std::find(axes.begin(), axes.end(), a) == axes.end())
            perm.push_back(a);
    perm.insert(perm.end(), axes.begin(), axes.end());
    Tensor y = permuteAxes(x, perm); // a copy (tensors are values), softmaxed in place
    std::vector<std::uint8_t> keep;
    if (!mask.empty()) {
        const Tensor m = permuteAxes(broadcastTo(mask, x.shape(), where + " (mask)"), perm);
        keep.resize(static_cast<std::size_t>(m.size()));
        for (std::int64_t i = 0; i < m.size(); ++i)
            keep[static_cast<std::size_t>(i)] = m.data()[i] != 0.0f ? 1 : 0;
    }
    std::int64_t width = 1;
    for (const int a : axes)
        width *= x.shape()[static_cast<std::size_t>(a)];
    const std::int64_t rows = width == 0 ? 0 : y.size() / width;
    softmaxRows(y.data(), rows, width, keep.empty() ? nullptr : keep.data(), mode);
    std::vector<int> inverse(perm.size());
    for (std::size_t i = 0; i < perm.size(); ++i)
        inverse[static_cast<std::size_t>(perm[i])] = static_cast<int>(i);
    return permuteAxes(y, inverse);
}

} // namespace attnlens
