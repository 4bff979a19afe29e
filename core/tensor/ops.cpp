#include "core/tensor/ops.h"

#include <algorithm>

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

Tensor broadcastBinary(const Tensor &a, const Tensor &b,
    const std::function<float(float, float)> &op, const ErrorWhere &where)
{
    if (a.shape() == b.shape()) {
        Tensor out = Tensor::uninitialized(a.shape());
        const float *pa = a.data();
        const float *pb = b.data();
        float *o = out.data();
        for (std::int64_t i = 0; i < a.size(); ++i)
            o[i] = op(pa[i], pb[i]);
        return out;
    }
    const Shape shape = broadcastResultShape(a.shape(), b.shape(), where);
    Tensor out(shape);
    const auto sa = broadcastStrides(a.shape(), shape);
    const auto sb = broadcastStrides(b.shape(), shape);
    const float *pa = a.data();
    const float *pb = b.data();
    float *o = out.data();
    forEachBroadcast(shape, sa, sb,
        [&](std::int64_t i, std::int64_t ia, std::int64_t ib) { o[i] = op(pa[ia], pb[ib]); });
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

} // namespace attnlens
