#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/tensor/tensor.h"

// The tensor kernels every layer shares, written once: NumPy broadcasting (shape, strides, the
// walker, element-wise maths), axis permutation, expandDims, reductions over axes and the
// (masked) softmax. Framework-neutral: the Keras-specific parsing of axis arguments lives in
// core/layers/numpy_kernels.h, which calls these.
namespace attnlens {

/// NumPy broadcast of two shapes, e.g. (2, 1, 4) and (3, 1) -> (2, 3, 4). Throws ShapeError
/// (prefixed with `where`) when they do not broadcast.
Shape broadcastResultShape(const Shape &a, const Shape &b, const ErrorWhere &where);

/// `t` broadcast (NumPy rules) to `shape`. Throws ShapeError when it does not broadcast.
Tensor broadcastTo(const Tensor &t, const Shape &shape, const ErrorWhere &where);

namespace detail {
/// Strides (C order) of a tensor of shape `from` read as one of shape `to`, aligned to the last
/// axes: 0 on broadcast (size-1 or missing) axes.
std::vector<std::int64_t> broadcastStrides(const Shape &from, const Shape &to);

/// The broadcast walker: calls f(outIndex, offsetA, offsetB) for every element of `shape` in C
/// order, where the offsets advance by the strides `sa` and `sb` (one per axis of `shape`).
/// The innermost axis is a tight loop.
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

/// Element-wise `op(a, b)` with NumPy broadcasting (a rank-0 tensor is a scalar). `op` is any
/// callable, inlined, so a same-shape `a + b` vectorises. Throws ShapeError naming `where` when
/// the shapes do not broadcast.
template <typename Op>
Tensor broadcastBinary(const Tensor &a, const Tensor &b, Op op, const ErrorWhere &where)
{
    if (a.shape() == b.shape()) {
        Tensor out = Tensor::uninitialized(a.shape());
        const float *pa = a.data();
        const float *pb = b.data();
        float *o = out.data();
        const std::int64_t n = a.size();
        for (std::int64_t i = 0; i < n; ++i)
            o[i] = op(pa[i], pb[i]);
        return out;
    }
    const Shape shape = broadcastResultShape(a.shape(), b.shape(), where);
    Tensor out = Tensor::uninitialized(shape);
    const auto sa = detail::broadcastStrides(a.shape(), shape);
    const auto sb = detail::broadcastStrides(b.shape(), shape);
    const float *pa = a.data();
    const float *pb = b.data();
    float *o = out.data();
    detail::forEachBroadcast(shape, sa, sb,
        [&](std::int64_t i, std::int64_t ia, std::int64_t ib) { o[i] = op(pa[ia], pb[ib]); });
    return out;
}

/// Transposes `t`: output axis i is input axis perm[i]. `perm` must be a permutation of
/// 0..rank-1 (callers validate user input first, see numpy_kernels.h transpose).
Tensor permuteAxes(const Tensor &t, const std::vector<int> &perm);

/// `t` with a size-1 axis inserted at `axis` of the new shape (negative counts from the end of
/// the new shape; out-of-range values are clamped to the first or last position).
Tensor expandDims(const Tensor &t, int axis);

enum class ReduceOp
{
    Sum,
    Mean,
    Max,
    Min
};

/// Reduces the axes flagged in `axes` (one flag per axis of `x`; missing flags are false);
/// keepdims leaves them as size 1. Max and Min propagate NaN; the mean of nothing is NaN and
/// the sum of nothing 0, like NumPy.
Tensor reduce(const Tensor &x, const std::vector<bool> &axes, bool keepdims, ReduceOp op);

/// How a masked softmax treats masked logits. The three variants are what Keras versions did
/// (docs/keras-format.md §2; layers/layer_util.h maskedSoftmaxMode picks one for a version).
enum class MaskedSoftmaxMode
{
    AdditiveKeep, ///< x - 1e9 (Keras 2, Keras 3.0-3.9); a fully masked row is near uniform
    AdditiveZero, ///< x - 1e9, then masked outputs set to 0 (Keras 3.10-3.12)
    WhereZero,    ///< where(mask, x, -1e9), then masked outputs set to 0 (Keras >= 3.13)
};

/// Softmax in place of `count` consecutive rows of `n` logits each: exp(x - max) / sum per row.
/// `mask` (count x n bytes, 1 = keep) may be null; masked logits are treated as `mode` says,
/// a fully masked row included. Serial: callers split large inputs over threads.
void softmaxRows(float *rows, std::int64_t count, std::int64_t n,
    const std::uint8_t *mask = nullptr, MaskedSoftmaxMode mode = MaskedSoftmaxMode::WhereZero);

/// log(softmax(x)) in place of `count` rows of `n`: x - max - log(sum(exp(x - max))).
void logSoftmaxRows(float *rows, std::int64_t count, std::int64_t n);

/// Softmax of `x` over the distinct axes `axes` (in [0, rank), taken together as one row of
/// their combined size). `mask` (empty = none) broadcasts to x's shape; nonzero = keep.
/// Throws ShapeError naming `where` when the mask does not broadcast.
Tensor softmax(const Tensor &x, const std::vector<int> &axes, const Tensor &mask,
    MaskedSoftmaxMode mode, const std::string &where);

} // namespace attnlens
