#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/tensor.h"

// Shape manipulation shared by layers: NumPy broadcasting, transposition.
namespace attnlens {

/// NumPy broadcast of two shapes. Throws ShapeError (prefixed with `where`) when they do not
/// broadcast.
Shape broadcastResultShape(const Shape &a, const Shape &b, const std::string &where);

/// `t` broadcast (NumPy rules) to `shape`. Throws ShapeError when it does not broadcast.
Tensor broadcastTo(const Tensor &t, const Shape &shape, const std::string &where);

/// Element-wise `op(a, b)` with NumPy broadcasting.
Tensor broadcastBinary(const Tensor &a, const Tensor &b,
    const std::function<float(float, float)> &op, const std::string &where);

/// Transposes `t`: output axis i is input axis perm[i]. `perm` must be a permutation.
Tensor permuteAxes(const Tensor &t, const std::vector<int> &perm);

/// `t` with a size-1 axis inserted at `axis` (negative counts from the end of the new shape).
Tensor expandDims(const Tensor &t, int axis);

} // namespace attnlens
