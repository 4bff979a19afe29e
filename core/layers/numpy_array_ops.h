#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/tensor/tensor.h"

// The NumPy array functions of the Keras 3 operations beyond element-wise arithmetic and the
// basic shape operations of numpy_kernels.h: selection (where, take, take_along_axis), more
// reductions (any/all, prod, argmax/argmin, std/var, cumsum/cumprod, logsumexp), rearranging
// (tile, repeat, pad, split, flip, roll, moveaxis, swapaxes, tril/triu), products (einsum,
// tensordot, dot) and constructors (one_hot, arange). Each follows NumPy's semantics, which Keras
// 3's numpy backend calls; Keras's own dtype rules are applied by NumpyOperation. Every function
// takes `where` (the layer, for messages) and throws ShapeError naming it when the shapes or
// arguments do not fit, InputFileError when an argument from the file is malformed.
namespace attnlens {

/// numpy.where(condition, x1, x2) with the three broadcast together (condition nonzero = true).
Tensor whereSelect(
    const Tensor &condition, const Tensor &x1, const Tensor &x2, const ErrorWhere &where);

/// numpy.clip: min(max(x, low), high), element by element, low and high broadcast against x.
Tensor clipValues(const Tensor &x, const Tensor &low, const Tensor &high, const ErrorWhere &where);

/// Reductions over the axes flagged in `axes` (numpy_kernels.h axisFlags): any / all (bool
/// result), the product, logsumexp, and the variance or standard deviation (ddof 0, float).
Tensor reduceAnyAll(const Tensor &x, const std::vector<bool> &axes, bool keepdims, bool all);
Tensor reduceProduct(const Tensor &x, const std::vector<bool> &axes, bool keepdims);
Tensor reduceLogSumExp(const Tensor &x, const std::vector<bool> &axes, bool keepdims);
Tensor reduceMoments(
    const Tensor &x, const std::vector<bool> &axes, bool keepdims, bool standardDeviation);

/// numpy.argmax / argmin along `axis` (an integer, or null: the flattened tensor); the first
/// index of the extreme, NaN counting as the extreme. The result is int32.
Tensor argReduce(const Tensor &x, const nlohmann::json &axis, bool keepdims, bool argmax,
    const ErrorWhere &where);

/// numpy.cumsum / cumprod along `axis` (null: the flattened tensor).
Tensor cumulative(
    const Tensor &x, const nlohmann::json &axis, bool product, const ErrorWhere &where);

/// numpy.tile: `repeats` (an int or a list) times along each axis.
Tensor tile(const Tensor &x, const nlohmann::json &repeats, const ErrorWhere &where);

/// numpy.repeat: each element `repeats` (an int, or one per position) times along `axis`
/// (null: the flattened tensor).
Tensor repeatValues(const Tensor &x, const nlohmann::json &repeats, const nlohmann::json &axis,
    const ErrorWhere &where);

/// numpy.pad with `padWidth` (an int, [before, after], or one pair per axis) in `mode`
/// "constant" (filled with `constant`), "edge", "reflect", "symmetric" or "wrap".
Tensor pad(const Tensor &x, const nlohmann::json &padWidth, const std::string &mode, float constant,
    const ErrorWhere &where);

/// numpy.split into `indicesOrSections` equal parts (an int) or at the listed indices.
std::vector<Tensor> split(const Tensor &x, const nlohmann::json &indicesOrSections,
    const nlohmann::json &axis, const ErrorWhere &where);

/// numpy.take: the positions `indices` (any shape; negative counts from the end) along `axis`
/// (null: the flattened tensor). Out-of-range indices are refused.
Tensor take(
    const Tensor &x, const Tensor &indices, const nlohmann::json &axis, const ErrorWhere &where);

/// numpy.take_along_axis: indices of x's rank (broadcast against x on the other axes).
Tensor takeAlongAxis(
    const Tensor &x, const Tensor &indices, const nlohmann::json &axis, const ErrorWhere &where);

/// numpy.einsum with explicit ("ij,jk->ik") or implicit output, "..." broadcasting and repeated
/// labels (a diagonal). Accumulates in double.
Tensor einsum(
    const std::string &subscripts, const std::vector<Tensor> &operands, const ErrorWhere &where);

/// numpy.tensordot with `axes` an int (the last n of a with the first n of b) or a pair of
/// axis lists.
Tensor tensordot(
    const Tensor &a, const Tensor &b, const nlohmann::json &axes, const ErrorWhere &where);

/// numpy.dot: a product of scalars, an inner product of vectors, or the sum over a's last axis
/// and b's second-to-last.
Tensor dot(const Tensor &a, const Tensor &b, const ErrorWhere &where);

/// keras.ops.one_hot: a new axis of `classes` at `axis` (of the output), 1 where the class is
/// x's value; negative or too large values give a row of zeros.
Tensor oneHot(const Tensor &x, std::int64_t classes, int axis, const ErrorWhere &where);

/// numpy.flip along the axes `axis` names (null: every axis).
Tensor flip(const Tensor &x, const nlohmann::json &axis, const ErrorWhere &where);

/// numpy.roll by `shift` (an int or one per axis) along `axis` (null: the flattened tensor).
Tensor roll(const Tensor &x, const nlohmann::json &shift, const nlohmann::json &axis,
    const ErrorWhere &where);

/// numpy.moveaxis and numpy.swapaxes.
Tensor moveAxes(const Tensor &x, const nlohmann::json &source, const nlohmann::json &destination,
    const ErrorWhere &where);
Tensor swapAxes(const Tensor &x, std::int64_t axis1, std::int64_t axis2, const ErrorWhere &where);

/// numpy.tril (lower) / triu: zeros above (below) diagonal k of the last two axes.
Tensor triangle(const Tensor &x, std::int64_t k, bool lower, const ErrorWhere &where);

/// numpy.arange(start, stop, step). Throws ShapeError for step 0 or more than 16M values.
Tensor arange(double start, double stop, double step, const ErrorWhere &where);

} // namespace attnlens
