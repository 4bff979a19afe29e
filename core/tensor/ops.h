#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/tensor/tensor.h"

// Shape manipulation shared by layers: NumPy broadcasting, transposition.
namespace attnlens {

/// NumPy broadcast of two shapes. Throws ShapeError (prefixed with `where`) when they do not
/// broadcast.
Shape broadcastResultShape(const Shape &a, const Shape &b, const ErrorWhere &where);

/// `t` broadcast (NumPy rules) to `shape`. Throws ShapeError when it does not broadcast.
Tensor broadcastTo(const Tensor &t, const Shape &shape, const ErrorWhere &where);

/// Element-wise `op(a, b)` with NumPy broadcasting.
Tensor broadcastBinary(const Tensor &a, const Tensor &b,
    const std::function<float(float, float)> &op, const ErrorWhere &where);

namespace detail {
/// Strides of `from` seen as a tensor of shape `to` (0 on broadcast axes).
std::vector<std::int64_t> broadcastStrides(const Shape &from, const Shape &to);

/// Calls f(outIndex, offsetA, offsetB) for every element of `shape` in C order.
template <typename F>
void forEachBroadcast(const Shape &shape, const std::vector<std::int64_t> &sa,
    const std::vector<std::int64_t> &sb, F f)
{
    const std::int64_t total = shapeSize(shape);
    if (total == 0)
        return;
    const std::size_t rank = shape.size();
    if (rank == 0) {
        f(0, 0, 0);
        return;
    }
    std::vector<std::int64_t> index(rank, 0);
    std::int64_t oa = 0;
    std::int64_t ob = 0;
    const std::int64_t inner = shape[rank - 1];
    const std::int64_t ia = sa[rank - 1];
    const std::int64_t ib = sb[rank - 1];
    for (std::int64_t n = 0; n < total; n += inner) {
        for (std::int64_t k = 0; k < inner; ++k)
            f(n + k, oa + k * ia, ob + k * ib);
        // advance the outer index (all axes but the last)
        for (std::size_t d = rank - 1; d-- > 0;) {
            ++index[d];
            oa += sa[d];
            ob += sb[d];
            if (index[d] < shape[d])
                break;
            oa -= sa[d] * shape[d];
            ob -= sb[d] * shape[d];
            index[d] = 0;
        }
    }
}
} // namespace detail

/// The same for any callable (a lambda): inlined, so a same-shape `a + b` vectorises. Chosen
/// over the std::function overload whenever the argument is not already a std::function.
template <typename Op>
Tensor broadcastBinary(const Tensor &a, const Tensor &b, Op op, const ErrorWhere &where)
{
    if (a.shape() == b.shape()) {
        Tensor out(a.shape());
        const float *pa = a.data();
        const float *pb = b.data();
        float *o = out.data();
        const std::int64_t n = a.size();
        for (std::int64_t i = 0; i < n; ++i)
            o[i] = op(pa[i], pb[i]);
        return out;
    }
    const Shape shape = broadcastResultShape(a.shape(), b.shape(), where);
    Tensor out(shape);
    const auto sa = detail::broadcastStrides(a.shape(), shape);
    const auto sb = detail::broadcastStrides(b.shape(), shape);
    const float *pa = a.data();
    const float *pb = b.data();
    float *o = out.data();
    detail::forEachBroadcast(shape, sa, sb,
        [&](std::int64_t i, std::int64_t ia, std::int64_t ib) { o[i] = op(pa[ia], pb[ib]); });
    return out;
}

/// Transposes `t`: output axis i is input axis perm[i]. `perm` must be a permutation.
Tensor permuteAxes(const Tensor &t, const std::vector<int> &perm);

/// `t` with a size-1 axis inserted at `axis` (negative counts from the end of the new shape).
Tensor expandDims(const Tensor &t, int axis);

} // namespace attnlens
