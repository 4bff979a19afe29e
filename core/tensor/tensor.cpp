#include "core/tensor/tensor.h"

#include <limits>
#include <sstream>

#include "core/errors.h"

namespace attnlens {

std::string shapeToString(const Shape &shape)
{
    std::ostringstream out;
    out << '(';
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0)
            out << ", ";
        if (shape[i] < 0)
            out << "None";
        else
            out << shape[i];
    }
    if (shape.size() == 1)
        out << ',';
    out << ')';
    return out.str();
}

std::int64_t shapeSize(const Shape &shape)
{
    std::int64_t n = 1;
    for (const std::int64_t d : shape) {
        if (d < 0)
            throw ShapeError("shape " + shapeToString(shape) + " has an unknown dimension");
        if (d != 0 && n > std::numeric_limits<std::int64_t>::max() / d)
            throw ShapeError("shape " + shapeToString(shape) + " is too large to hold in memory");
        n *= d;
    }
    return n;
}

Tensor::Tensor(Shape shape, float fill)
    : m_shape(std::move(shape))
    , m_values(static_cast<std::size_t>(shapeSize(m_shape)), fill)
{
}

Tensor::Tensor(Shape shape, TensorValues values)
    : m_shape(std::move(shape))
    , m_values(std::move(values))
{
    checkSize();
}

Tensor::Tensor(Shape shape, const std::vector<float> &values)
    : m_shape(std::move(shape))
    , m_values(values.begin(), values.end())
{
    checkSize();
}

Tensor::Tensor(Shape shape, std::initializer_list<float> values)
    : m_shape(std::move(shape))
    , m_values(values)
{
    checkSize();
}

Tensor Tensor::uninitialized(Shape shape)
{
    Tensor t;
    t.m_values = TensorValues(static_cast<std::size_t>(shapeSize(shape)));
    t.m_shape = std::move(shape);
    return t;
}

void Tensor::checkSize() const
{
    if (static_cast<std::int64_t>(m_values.size()) != shapeSize(m_shape))
        throw ShapeError("tensor of shape " + shapeToString(m_shape) + " cannot hold "
            + std::to_string(m_values.size()) + " values");
}

std::int64_t Tensor::dim(int axis) const
{
    const int r = rank();
    const int a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r)
        throw ShapeError("axis " + std::to_string(axis) + " is out of range for shape "
            + shapeToString(m_shape));
    return m_shape[static_cast<std::size_t>(a)];
}

Tensor Tensor::reshaped(Shape shape) const
{
    int inferred = -1;
    std::int64_t known = 1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == -1) {
            if (inferred >= 0)
                throw ShapeError("reshape to " + shapeToString(shape) + ": more than one -1");
            inferred = static_cast<int>(i);
        } else {
            known *= shape[i];
        }
    }
    if (inferred >= 0) {
        if (known == 0 || size() % known != 0)
            throw ShapeError(
                "cannot reshape " + shapeToString(m_shape) + " to " + shapeToString(shape));
        shape[static_cast<std::size_t>(inferred)] = size() / known;
    }
    if (shapeSize(shape) != size())
        throw ShapeError(
            "cannot reshape " + shapeToString(m_shape) + " to " + shapeToString(shape));
    Tensor out(std::move(shape), m_values);
    out.m_dtype = m_dtype;
    return out;
}

MatrixMap Tensor::matrix()
{
    const std::int64_t cols = m_shape.empty() ? 1 : m_shape.back();
    const std::int64_t rows = cols == 0 ? 0 : size() / cols;
    return MatrixMap(m_values.data(), rows, cols);
}

ConstMatrixMap Tensor::matrix() const
{
    const std::int64_t cols = m_shape.empty() ? 1 : m_shape.back();
    const std::int64_t rows = cols == 0 ? 0 : size() / cols;
    return ConstMatrixMap(m_values.data(), rows, cols);
}

Tensor Tensor::slice(std::int64_t begin, std::int64_t end) const
{
    if (m_shape.empty() || begin < 0 || end < begin || end > m_shape[0])
        throw ShapeError("rows " + std::to_string(begin) + ":" + std::to_string(end)
            + " are out of range for shape " + shapeToString(m_shape));
    Shape s = m_shape;
    s[0] = end - begin;
    const std::int64_t stride = m_shape[0] == 0 ? 0 : size() / m_shape[0];
    TensorValues v(m_values.begin() + begin * stride, m_values.begin() + end * stride);
    Tensor out(std::move(s), std::move(v));
    out.m_dtype = m_dtype;
    return out;
}

Tensor Tensor::sample(std::int64_t index) const
{
    return slice(index, index + 1);
}

} // namespace attnlens
