#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/tensor/dtype.h"
#include "core/tensor/tensor_allocator.h"

namespace attnlens {

/// Dimensions of a tensor, outermost first (C order, as HDF5, NumPy and Keras store them).
using Shape = std::vector<std::int64_t>;

/// Row-major float matrix: maps HDF5/NumPy memory without copying.
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<RowMatrix>;
using ConstMatrixMap = Eigen::Map<const RowMatrix>;

/// "(2, 30, 16)"; a negative dimension (unknown, e.g. the batch) prints as "None" like Keras.
std::string shapeToString(const Shape &shape);

/// Product of the dimensions. Throws ShapeError if a dimension is negative or the product
/// overflows, so absurd shapes from a file are refused before anything is allocated.
std::int64_t shapeSize(const Shape &shape);

/// Dense tensor in C order, its values held as float32. A value type: copy is a deep copy, move
/// is cheap. Its dtype() is the one Keras gives it (float32 unless an operation made a bool or
/// int tensor, see dtype.h); only the Keras 3 operations read it, every layer computes in float.
class Tensor
{
public:
    Tensor() = default;
    /// Allocates shapeSize(shape) elements set to `fill`.
    explicit Tensor(Shape shape, float fill = 0.0f);
    /// Takes `values`; throws ShapeError if values.size() != shapeSize(shape).
    Tensor(Shape shape, TensorValues values);
    /// Copies `values`; throws ShapeError if values.size() != shapeSize(shape).
    Tensor(Shape shape, const std::vector<float> &values);
    Tensor(Shape shape, std::initializer_list<float> values);
    /// shapeSize(shape) elements with unspecified values, for a kernel that writes every one:
    /// no pass over the memory before the kernel's own.
    static Tensor uninitialized(Shape shape);

    const Shape &shape() const { return m_shape; }
    int rank() const { return static_cast<int>(m_shape.size()); }
    /// Dimension `axis`; a negative axis counts from the end (-1 = last). Throws ShapeError if out
    /// of range.
    std::int64_t dim(int axis) const;
    std::int64_t size() const { return static_cast<std::int64_t>(m_values.size()); }
    bool empty() const { return m_values.empty() && m_shape.empty(); }

    /// The dtype Keras gives these values (float32 unless set). Reshaping and slicing keep it.
    DType dtype() const { return m_dtype; }
    /// Sets the tag only; the values must already be what `dtype` holds (convertValues).
    void setDType(DType dtype) { m_dtype = dtype; }

    float *data() { return m_values.data(); }
    const float *data() const { return m_values.data(); }
    TensorValues &values() { return m_values; }
    const TensorValues &values() const { return m_values; }

    /// Same values, new shape of the same size (one dimension may be -1 and is inferred).
    /// Throws ShapeError otherwise.
    Tensor reshaped(Shape shape) const;

    /// The tensor seen as (size / last dim) x (last dim), row-major. A rank-0 tensor is 1 x 1.
    MatrixMap matrix();
    ConstMatrixMap matrix() const;

    /// Sample `index` of the leading (batch) axis, as a tensor of shape (1, ...).
    Tensor sample(std::int64_t index) const;
    /// Rows [begin, end) of the leading axis.
    Tensor slice(std::int64_t begin, std::int64_t end) const;

private:
    void checkSize() const;

    Shape m_shape;
    TensorValues m_values;
    DType m_dtype = DType::Float32;
};

/// A Keras mask: 1 = keep, 0 = masked. Its shape is the masked tensor's shape without the last
/// axis, e.g. (N, T) for a (N, T, C) sequence. An empty Mask means "no mask".
using Mask = Tensor;

} // namespace attnlens
