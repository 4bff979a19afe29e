#include "core/layers/numpy_kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/errors.h"

namespace attnlens {

namespace {

constexpr std::int64_t maxConstantValues = std::int64_t(1) << 24;

float sigmoid(float x)
{
    return 1.0f / (1.0f + std::exp(-x));
}

void parseNested(const nlohmann::json &value, std::size_t depth, Shape &shape,
    std::vector<float> &values, const ErrorWhere &where)
{
    if (value.is_number() || value.is_boolean()) {
        if (depth != shape.size())
            throw InputFileError(where + ": a constant operand is a ragged nested list.");
        values.push_back(
            value.is_boolean() ? (value.get<bool>() ? 1.0f : 0.0f) : value.get<float>());
        if (static_cast<std::int64_t>(values.size()) > maxConstantValues)
            throw InputFileError(where + ": a constant operand has more than 16M values.");
        return;
    }
    if (!value.is_array() || depth > 32)
        throw InputFileError(where + ": a constant operand is " + value.dump().substr(0, 60)
            + ", expected a number or a nested list of numbers.");
    const auto n = static_cast<std::int64_t>(value.size());
    if (depth == shape.size() && values.empty())
        shape.push_back(n);
    else if (depth >= shape.size() || shape[depth] != n)
        throw InputFileError(where + ": a constant operand is a ragged nested list.");
    for (const auto &item : value)
        parseNested(item, depth + 1, shape, values, where);
}

template <typename Pred>
bool allLeaves(const nlohmann::json &value, Pred pred)
{
    if (!value.is_array())
        return pred(value);
    return std::all_of(value.begin(), value.end(),
        [&](const nlohmann::json &item) { return allLeaves(item, pred); });
}

bool isConstantTensor(const nlohmann::json &value)
{
    return value.is_object() && value.value("class_name", std::string()) == "__tensor__";
}

/// The dtype a `__tensor__` constant's config names (float32 when it names none).
DType constantDType(const nlohmann::json &config, const ErrorWhere &where)
{
    const auto it = config.find("dtype");
    if (it == config.end() || it->is_null())
        return DType::Float32;
    const std::string name = it->is_string() ? it->get<std::string>() : it->dump();
    const std::optional<DType> dtype = dtypeFromName(name);
    if (!dtype)
        throw InputFileError(where + ": a constant tensor has dtype '" + name.substr(0, 40)
            + "', which AttnLens cannot hold (it holds float, int and bool tensors).");
    return *dtype;
}

float erfinv(float y)
{
    if (y <= -1.0f)
        return y == -1.0f ? -std::numeric_limits<float>::infinity()
                          : std::numeric_limits<float>::quiet_NaN();
    if (y >= 1.0f)
        return y == 1.0f ? std::numeric_limits<float>::infinity()
                         : std::numeric_limits<float>::quiet_NaN();
    // Giles' single-precision approximation, then two Newton steps in double.
    const double x = y;
    double w = -std::log((1.0 - x) * (1.0 + x));
    double p;
    if (w < 5.0) {
        w -= 2.5;
        p = 2.81022636e-08;
        p = 3.43273939e-07 + p * w;
        p = -3.5233877e-06 + p * w;
        p = -4.39150654e-06 + p * w;
        p = 0.00021858087 + p * w;
        p = -0.00125372503 + p * w;
        p = -0.00417768164 + p * w;
        p = 0.246640727 + p * w;
        p = 1.50140941 + p * w;
    } else {
        w = std::sqrt(w) - 3.0;
        p = -0.000200214257;
        p = 0.000100950558 + p * w;
        p = 0.00134934322 + p * w;
        p = -0.00367342844 + p * w;
        p = 0.00573950773 + p * w;
        p = -0.0076224613 + p * w;
        p = 0.00943887047 + p * w;
        p = 1.00167406 + p * w;
        p = 2.83297682 + p * w;
    }
    double r = p * x;
    for (int i = 0; i < 2; ++i)
        r -= (std::erf(r) - x) / (2.0 / std::sqrt(M_PI) * std::exp(-r * r));
    return static_cast<float>(r);
}

float roundDecimals(float v, float decimals)
{
    if (decimals == 0.0f)
        return std::nearbyint(v);
    // In float32, as NumPy rounds a float32 array (0.35f * 10 is 3.5f, which rounds to 4).
    const float scale = std::pow(10.0f, decimals);
    return std::nearbyint(v * scale) / scale;
}

float softplus(float v)
{
    return std::max(v, 0.0f) + std::log1p(std::exp(-std::abs(v)));
}

} // namespace

Tensor binaryOp(const Tensor &a, const Tensor &b, BinaryOp op, const ErrorWhere &where)
{
    switch (op) {
    case BinaryOp::Add:
        return broadcastBinary(
            a, b, [](float x, float y) { return x + y; }, where);
    case BinaryOp::Subtract:
        return broadcastBinary(
            a, b, [](float x, float y) { return x - y; }, where);
    case BinaryOp::Multiply:
        return broadcastBinary(
            a, b, [](float x, float y) { return x * y; }, where);
    case BinaryOp::Divide:
        return broadcastBinary(
            a, b, [](float x, float y) { return x / y; }, where);
    case BinaryOp::Power:
        return broadcastBinary(
            a, b, [](float x, float y) { return std::pow(x, y); }, where);
    case BinaryOp::Maximum:
        return broadcastBinary(
            a, b, [](float x, float y) { return std::max(x, y); }, where);
    case BinaryOp::Minimum:
        return broadcastBinary(
            a, b, [](float x, float y) { return std::min(x, y); }, where);
    case BinaryOp::FloorDivide:
        return broadcastBinary(
            a, b, [](float x, float y) { return std::floor(x / y); }, where);
    case BinaryOp::Mod:
        return broadcastBinary(
            a, b,
            [](float x, float y) {
                const float r = std::fmod(x, y);
                return r != 0.0f && ((r < 0.0f) != (y < 0.0f)) ? r + y : r;
            },
            where);
    case BinaryOp::Arctan2:
        return broadcastBinary(
            a, b, [](float x, float y) { return std::atan2(x, y); }, where);
    case BinaryOp::Hypot:
        return broadcastBinary(
            a, b, [](float x, float y) { return std::hypot(x, y); }, where);
    case BinaryOp::Logaddexp:
        return broadcastBinary(
            a, b,
            [](float x, float y) {
                const float m = std::max(x, y);
                return std::isinf(m) ? m : m + std::log1p(std::exp(-std::abs(x - y)));
            },
            where);
    case BinaryOp::Heaviside:
        return broadcastBinary(
            a, b,
            [](float x, float y) {
                return x < 0.0f ? 0.0f : (x > 0.0f ? 1.0f : (x == 0.0f ? y : x));
            },
            where);
    }
    return {};
}

Tensor predicateOp(const Tensor &a, const Tensor &b, PredicateOp op, const ErrorWhere &where)
{
    auto run = [&](auto f) {
        Tensor out = broadcastBinary(
            a, b, [f](float x, float y) { return f(x, y) ? 1.0f : 0.0f; }, where);
        out.setDType(DType::Bool);
        return out;
    };
    switch (op) {
    case PredicateOp::Equal:
        return run([](float x, float y) { return x == y; });
    case PredicateOp::NotEqual:
        return run([](float x, float y) { return x != y; });
    case PredicateOp::Greater:
        return run([](float x, float y) { return x > y; });
    case PredicateOp::GreaterEqual:
        return run([](float x, float y) { return x >= y; });
    case PredicateOp::Less:
        return run([](float x, float y) { return x < y; });
    case PredicateOp::LessEqual:
        return run([](float x, float y) { return x <= y; });
    case PredicateOp::LogicalAnd:
        return run([](float x, float y) { return x != 0.0f && y != 0.0f; });
    case PredicateOp::LogicalOr:
        return run([](float x, float y) { return x != 0.0f || y != 0.0f; });
    case PredicateOp::LogicalXor:
        return run([](float x, float y) { return (x != 0.0f) != (y != 0.0f); });
    }
    return {};
}

bool isPredicate(UnaryOp op)
{
    return op == UnaryOp::LogicalNot || op == UnaryOp::IsNan || op == UnaryOp::IsInf
        || op == UnaryOp::IsFinite || op == UnaryOp::Signbit;
}

bool keepsIntegerDType(UnaryOp op)
{
    switch (op) {
    case UnaryOp::Abs:
    case UnaryOp::Negative:
    case UnaryOp::Square:
    case UnaryOp::Sign:
    case UnaryOp::Round:
    case UnaryOp::Trunc:
    case UnaryOp::Relu:
    case UnaryOp::Identity:
    case UnaryOp::HardTanh:
        return true;
    default:
        return false;
    }
}

Tensor unaryOp(const Tensor &x, UnaryOp op, float param)
{
    Tensor out = x;
    float *p = out.data();
    const std::int64_t n = out.size();
    auto apply = [&](auto f) {
        for (std::int64_t i = 0; i < n; ++i)
            p[i] = f(p[i]);
    };
    switch (op) {
    case UnaryOp::Sqrt:
        apply([](float v) { return std::sqrt(v); });
        break;
    case UnaryOp::Square:
        apply([](float v) { return v * v; });
        break;
    case UnaryOp::Exp:
        apply([](float v) { return std::exp(v); });
        break;
    case UnaryOp::Log:
        apply([](float v) { return std::log(v); });
        break;
    case UnaryOp::Abs:
        apply([](float v) { return std::abs(v); });
        break;
    case UnaryOp::Negative:
        apply([](float v) { return -v; });
        break;
    case UnaryOp::Tanh:
        apply([](float v) { return std::tanh(v); });
        break;
    case UnaryOp::Sigmoid:
        apply(sigmoid);
        break;
    case UnaryOp::Relu:
        apply([](float v) { return v > 0.0f ? v : 0.0f; });
        break;
    case UnaryOp::Rsqrt:
        apply([](float v) { return 1.0f / std::sqrt(v); });
        break;
    case UnaryOp::Reciprocal:
        apply([](float v) { return 1.0f / v; });
        break;
    case UnaryOp::Identity:
        break;
    case UnaryOp::Sin:
        apply([](float v) { return std::sin(v); });
        break;
    case UnaryOp::Cos:
        apply([](float v) { return std::cos(v); });
        break;
    case UnaryOp::Tan:
        apply([](float v) { return std::tan(v); });
        break;
    case UnaryOp::Arcsin:
        apply([](float v) { return std::asin(v); });
        break;
    case UnaryOp::Arccos:
        apply([](float v) { return std::acos(v); });
        break;
    case UnaryOp::Arctan:
        apply([](float v) { return std::atan(v); });
        break;
    case UnaryOp::Sinh:
        apply([](float v) { return std::sinh(v); });
        break;
    case UnaryOp::Cosh:
        apply([](float v) { return std::cosh(v); });
        break;
    case UnaryOp::Arcsinh:
        apply([](float v) { return std::asinh(v); });
        break;
    case UnaryOp::Arccosh:
        apply([](float v) { return std::acosh(v); });
        break;
    case UnaryOp::Arctanh:
        apply([](float v) { return std::atanh(v); });
        break;
    case UnaryOp::Erf:
        apply([](float v) { return std::erf(v); });
        break;
    case UnaryOp::Erfinv:
        apply(erfinv);
        break;
    case UnaryOp::Log1p:
        apply([](float v) { return std::log1p(v); });
        break;
    case UnaryOp::Log2:
        apply([](float v) { return std::log2(v); });
        break;
    case UnaryOp::Log10:
        apply([](float v) { return std::log10(v); });
        break;
    case UnaryOp::Expm1:
        apply([](float v) { return std::expm1(v); });
        break;
    case UnaryOp::Exp2:
        apply([](float v) { return std::exp2(v); });
        break;
    case UnaryOp::Cbrt:
        apply([](float v) { return std::cbrt(v); });
        break;
    case UnaryOp::Floor:
        apply([](float v) { return std::floor(v); });
        break;
    case UnaryOp::Ceil:
        apply([](float v) { return std::ceil(v); });
        break;
    case UnaryOp::Trunc:
        apply([](float v) { return std::trunc(v); });
        break;
    case UnaryOp::Round:
        apply([param](float v) { return roundDecimals(v, param); });
        break;
    case UnaryOp::Sign:
        apply([](float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : v); });
        break;
    case UnaryOp::LogSigmoid:
        apply([](float v) { return -softplus(-v); });
        break;
    case UnaryOp::TanhShrink:
        apply([](float v) { return v - std::tanh(v); });
        break;
    case UnaryOp::Squareplus:
        apply([param](float v) { return (v + std::sqrt(v * v + param)) / 2.0f; });
        break;
    case UnaryOp::SparsePlus:
        apply([](float v) {
            return v <= -1.0f ? 0.0f : (v >= 1.0f ? v : (v + 1.0f) * (v + 1.0f) / 4.0f);
        });
        break;
    case UnaryOp::HardTanh:
        apply([](float v) { return std::clamp(v, -1.0f, 1.0f); });
        break;
    case UnaryOp::SoftShrink:
        apply([param](float v) { return v > param ? v - param : (v < -param ? v + param : 0.0f); });
        break;
    case UnaryOp::HardShrink:
        apply([param](float v) { return std::abs(v) > param ? v : 0.0f; });
        break;
    case UnaryOp::Celu:
        apply([param](float v) {
            return std::max(v, 0.0f) + param * std::expm1(std::min(v, 0.0f) / param);
        });
        break;
    case UnaryOp::LogicalNot:
        apply([](float v) { return v == 0.0f ? 1.0f : 0.0f; });
        break;
    case UnaryOp::IsNan:
        apply([](float v) { return std::isnan(v) ? 1.0f : 0.0f; });
        break;
    case UnaryOp::IsInf:
        apply([](float v) { return std::isinf(v) ? 1.0f : 0.0f; });
        break;
    case UnaryOp::IsFinite:
        apply([](float v) { return std::isfinite(v) ? 1.0f : 0.0f; });
        break;
    case UnaryOp::Signbit:
        apply([](float v) { return std::signbit(v) ? 1.0f : 0.0f; });
        break;
    }
    if (isPredicate(op))
        out.setDType(DType::Bool);
    return out;
}

std::vector<bool> axisFlags(const nlohmann::json &axis, int rank, const ErrorWhere &where)
{
    std::vector<bool> flags(static_cast<std::size_t>(rank), axis.is_null());
    if (axis.is_null())
        return flags;
    std::vector<nlohmann::json> items;
    if (axis.is_array())
        items.assign(axis.begin(), axis.end());
    else
        items.push_back(axis);
    for (const auto &item : items) {
        if (!item.is_number_integer())
            throw InputFileError(where + ": axis " + axis.dump().substr(0, 60)
                + " is not an integer or a list of integers.");
        const std::int64_t a = item.get<std::int64_t>();
        const std::int64_t n = a < 0 ? a + rank : a;
        if (n < 0 || n >= rank)
            throw ShapeError(where + ": axis " + std::to_string(a)
                + " is out of range for an input of rank " + std::to_string(rank) + ".");
        if (flags[static_cast<std::size_t>(n)])
            throw ShapeError(where + ": axis " + std::to_string(a) + " is repeated.");
        flags[static_cast<std::size_t>(n)] = true;
    }
    return flags;
}

Tensor transpose(const Tensor &x, std::vector<int> perm, const ErrorWhere &where)
{
    const int rank = x.rank();
    if (perm.empty())
        for (int d = rank - 1; d >= 0; --d)
            perm.push_back(d);
    std::vector<bool> seen(static_cast<std::size_t>(rank), false);
    if (static_cast<int>(perm.size()) != rank)
        throw ShapeError(where + ": a permutation of " + std::to_string(perm.size())
            + " axes cannot transpose an input of rank " + std::to_string(rank) + ".");
    for (int &p : perm) {
        if (p < 0)
            p += rank;
        if (p < 0 || p >= rank || seen[static_cast<std::size_t>(p)])
            throw ShapeError(where + ": the axes permutation is not a permutation of 0.."
                + std::to_string(rank - 1) + ".");
        seen[static_cast<std::size_t>(p)] = true;
    }
    return permuteAxes(x, perm);
}

Tensor expandDimsAt(const Tensor &x, const nlohmann::json &axis, const ErrorWhere &where)
{
    const int outRank = x.rank() + (axis.is_array() ? static_cast<int>(axis.size()) : 1);
    const std::vector<bool> inserted = axisFlags(axis, outRank, where);
    Shape shape;
    std::size_t next = 0;
    for (int d = 0; d < outRank; ++d)
        shape.push_back(inserted[static_cast<std::size_t>(d)] ? 1 : x.shape()[next++]);
    return x.reshaped(shape);
}

Tensor squeeze(const Tensor &x, const nlohmann::json &axis, const ErrorWhere &where)
{
    std::vector<bool> flags;
    if (axis.is_null()) {
        for (const std::int64_t d : x.shape())
            flags.push_back(d == 1);
    } else {
        flags = axisFlags(axis, x.rank(), where);
    }
    Shape shape;
    for (std::size_t d = 0; d < x.shape().size(); ++d) {
        if (!flags[d]) {
            shape.push_back(x.shape()[d]);
        } else if (x.shape()[d] != 1) {
            throw ShapeError(where + ": cannot squeeze axis " + std::to_string(d) + " of shape "
                + shapeToString(x.shape()) + ", its size is not 1.");
        }
    }
    return x.reshaped(shape);
}

Tensor matmul(const Tensor &a, const Tensor &b, const ErrorWhere &where)
{
    if (a.rank() == 0 || b.rank() == 0)
        throw ShapeError(where + ": matmul needs operands of rank 1 or more, got "
            + shapeToString(a.shape()) + " and " + shapeToString(b.shape()) + ".");
    const bool vectorA = a.rank() == 1;
    const bool vectorB = b.rank() == 1;
    const Tensor ma = vectorA ? a.reshaped({1, a.dim(0)}) : a;
    const Tensor mb = vectorB ? b.reshaped({b.dim(0), 1}) : b;
    const std::int64_t n = ma.dim(-2);
    const std::int64_t k = ma.dim(-1);
    const std::int64_t m = mb.dim(-1);
    if (mb.dim(-2) != k)
        throw ShapeError(where + ": cannot multiply shapes " + shapeToString(a.shape()) + " and "
            + shapeToString(b.shape()) + ", the inner dimensions differ.");
    const Shape batchA(ma.shape().begin(), ma.shape().end() - 2);
    const Shape batchB(mb.shape().begin(), mb.shape().end() - 2);
    const Shape batch = broadcastResultShape(batchA, batchB, where);
    Shape outShape = batch;
    outShape.push_back(n);
    outShape.push_back(m);
    Tensor out(outShape);
    const std::int64_t batches = shapeSize(batch);
    // Which matrix of each operand feeds output matrix i: broadcast with index tensors.
    Tensor indexA(batchA);
    Tensor indexB(batchB);
    for (std::int64_t i = 0; i < indexA.size(); ++i)
        indexA.data()[i] = static_cast<float>(i);
    for (std::int64_t i = 0; i < indexB.size(); ++i)
        indexB.data()[i] = static_cast<float>(i);
    const Tensor pickA = broadcastTo(indexA, batch, where);
    const Tensor pickB = broadcastTo(indexB, batch, where);
    for (std::int64_t i = 0; i < batches; ++i) {
        const auto ia = static_cast<std::int64_t>(pickA.data()[i]);
        const auto ib = static_cast<std::int64_t>(pickB.data()[i]);
        ConstMatrixMap left(ma.data() + ia * n * k, n, k);
        ConstMatrixMap right(mb.data() + ib * k * m, k, m);
        MatrixMap(out.data() + i * n * m, n, m).noalias() = left * right;
    }
    if (vectorA || vectorB) {
        Shape squeezed = batch;
        if (!vectorA)
            squeezed.push_back(n);
        if (!vectorB)
            squeezed.push_back(m);
        return out.reshaped(squeezed);
    }
    return out;
}

Tensor tensorFromJson(const nlohmann::json &value, const ErrorWhere &where)
{
    if (isConstantTensor(value)) {
        const auto config = value.find("config");
        if (config == value.end() || !config->is_object() || !config->contains("value"))
            throw InputFileError(where + ": a constant tensor (__tensor__) has no value.");
        const DType dtype = constantDType(*config, where);
        Tensor t = tensorFromJson(config->at("value"), where);
        convertValues(t.data(), t.size(), dtype);
        t.setDType(dtype);
        return t;
    }
    Shape shape;
    std::vector<float> values;
    parseNested(value, 0, shape, values, where);
    if (values.empty() && shape.empty())
        throw InputFileError(where + ": a constant operand is empty.");
    Tensor t(shape, std::move(values));
    // A list of Python bools is a bool tensor, of Python ints an int32 one (NumPy makes it
    // int64, which Keras narrows to int32), else float32. A bare number is weakly typed
    // (constantOperandType), its tensor float32.
    if (value.is_array()
        && allLeaves(value, [](const nlohmann::json &v) { return v.is_boolean(); }))
        t.setDType(DType::Bool);
    else if (value.is_array()
        && allLeaves(value, [](const nlohmann::json &v) { return v.is_number_integer(); }))
        t.setDType(DType::Int32);
    return t;
}

OperandType constantOperandType(const nlohmann::json &value, const Tensor &parsed)
{
    if (value.is_number_integer())
        return {DType::Int32, true};
    if (value.is_number())
        return {DType::Float32, true};
    return {parsed.dtype(), false};
}

Tensor softmax(const Tensor &x, int axis, const ErrorWhere &where)
{
    const std::vector<bool> flags = axisFlags(nlohmann::json(axis), x.rank(), where);
    const auto a = static_cast<int>(std::find(flags.begin(), flags.end(), true) - flags.begin());
    return attnlens::softmax(x, {a}, Tensor(), MaskedSoftmaxMode::WhereZero, where);
}

Tensor applyOperator(const OperatorSpec &spec, const Tensor &x, const Tensor *y,
    const nlohmann::json &params, const ErrorWhere &where)
{
    auto param = [&](const char *key) {
        const auto it = params.find(key);
        return it == params.end() ? nlohmann::json() : *it;
    };
    using Kind = OperatorSpec::Kind;
    if ((spec.kind == Kind::Binary || spec.kind == Kind::Matmul) && y == nullptr)
        throw ShapeError(where + ": the second operand is missing.");
    switch (spec.kind) {
    case Kind::Binary:
        return binaryOp(x, *y, spec.binary, where);
    case Kind::Unary:
        return unaryOp(x, spec.unary);
    case Kind::Reduce: {
        const nlohmann::json keep = param("keepdims");
        if (!keep.is_null() && !keep.is_boolean())
            throw InputFileError(where + ": keepdims is " + keep.dump() + ", not true or false.");
        return reduce(x, axisFlags(param("axis"), x.rank(), where),
            keep.is_boolean() && keep.get<bool>(), spec.reduce);
    }
    case Kind::Matmul:
        return matmul(x, *y, where);
    case Kind::Transpose: {
        std::vector<int> perm;
        const nlohmann::json axes = param("axes");
        if (!axes.is_null()) {
            if (!axes.is_array() || axes.size() > 64)
                throw InputFileError(
                    where + ": axes " + axes.dump().substr(0, 60) + " is not a list of integers.");
            for (const auto &a : axes) {
                if (!a.is_number_integer() || std::abs(a.get<std::int64_t>()) > 64)
                    throw InputFileError(where + ": axes " + axes.dump().substr(0, 60)
                        + " is not a list of axis numbers.");
                perm.push_back(a.get<int>());
            }
        }
        return transpose(x, perm, where);
    }
    case Kind::ExpandDims:
        return expandDimsAt(x, param("axis"), where);
    case Kind::Squeeze:
        return squeeze(x, param("axis"), where);
    case Kind::Reshape:
        return reshapeTo(x, param("shape"), where);
    case Kind::Softmax: {
        const nlohmann::json axis = param("axis");
        if (!axis.is_null() && !axis.is_number_integer())
            throw InputFileError(
                where + ": softmax axis " + axis.dump().substr(0, 60) + " is not an integer.");
        return softmax(x, axis.is_null() ? -1 : axis.get<int>(), where);
    }
    case Kind::Concatenate:
    case Kind::Stack:
        return applyJoin(spec, {x}, param("axis"), 0, where);
    }
    return {};
}

Tensor reshapeTo(const Tensor &x, const nlohmann::json &shape, const ErrorWhere &where)
{
    if (!shape.is_array() || shape.size() > 32)
        throw InputFileError(
            where + ": the target shape " + shape.dump().substr(0, 60) + " is not a list.");
    Shape target;
    for (const auto &d : shape) {
        if (d.is_null())
            target.push_back(-1);
        else if (d.is_number_integer() && d.get<std::int64_t>() >= -1)
            target.push_back(d.get<std::int64_t>());
        else
            throw InputFileError(where + ": the target shape " + shape.dump().substr(0, 60)
                + " is not a list of sizes.");
    }
    try {
        return x.reshaped(target);
    } catch (const ShapeError &) {
        throw ShapeError(where + ": cannot reshape an input of shape " + shapeToString(x.shape())
            + " to " + shapeToString(target) + ".");
    }
}

Tensor operandTensor(const CallArgs &args, const OperatorCall *call, const std::string &parameter,
    const ErrorWhere &where)
{
    if (args.has(parameter))
        return args.one(parameter);
    if (call != nullptr)
        if (const auto it = call->operands.find(parameter); it != call->operands.end())
            return it->second;
    throw ShapeError(where + ": the call argument '" + parameter + "' is missing.");
}

Tensor concatenateTensors(
    const std::vector<Tensor> &parts, std::int64_t axis, const ErrorWhere &where)
{
    if (parts.empty())
        throw ShapeError(where + ": there is nothing to concatenate (an empty list).");
    const Shape &first = parts[0].shape();
    const auto rank = static_cast<std::int64_t>(first.size());
    if (rank == 0)
        throw ShapeError(where + ": zero-dimensional tensors cannot be concatenated.");
    if (axis < -rank || axis >= rank)
        throw ShapeError(where + ": axis " + std::to_string(axis)
            + " is out of range for tensors of rank " + std::to_string(rank) + ".");
    const auto a = static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
    Shape shape = first;
    shape[a] = 0;
    for (const Tensor &t : parts) {
        Shape other = t.shape();
        if (other.size() != first.size())
            throw ShapeError(where + ": inputs " + shapeToString(first) + " and "
                + shapeToString(t.shape()) + " have different ranks.");
        shape[a] += other[a];
        other[a] = first[a];
        if (other != first)
            throw ShapeError(where + ": inputs " + shapeToString(first) + " and "
                + shapeToString(t.shape()) + " differ on an axis other than the concatenation axis "
                + std::to_string(a) + ".");
    }
    Tensor out = Tensor::uninitialized(shape);
    std::int64_t outer = 1;
    for (std::size_t d = 0; d < a; ++d)
        outer *= shape[d];
    if (out.size() == 0)
        return out;
    const std::int64_t outRow = out.size() / outer;
    std::int64_t offset = 0;
    for (const Tensor &t : parts) {
        const std::int64_t row = t.size() / outer;
        for (std::int64_t o = 0; o < outer; ++o)
            std::copy_n(t.data() + o * row, row, out.data() + o * outRow + offset);
        offset += row;
    }
    return out;
}

Tensor stackTensors(const std::vector<Tensor> &parts, std::int64_t axis, const ErrorWhere &where)
{
    if (parts.empty())
        throw ShapeError(where + ": there is nothing to stack (an empty list).");
    const Shape &first = parts[0].shape();
    const auto rank = static_cast<std::int64_t>(first.size());
    if (axis < -(rank + 1) || axis > rank)
        throw ShapeError(where + ": axis " + std::to_string(axis)
            + " is out of range for stacking tensors of rank " + std::to_string(rank) + ".");
    const auto a = static_cast<std::size_t>(axis < 0 ? axis + rank + 1 : axis);
    Shape expanded = first;
    expanded.insert(expanded.begin() + static_cast<std::ptrdiff_t>(a), 1);
    std::vector<Tensor> views;
    views.reserve(parts.size());
    for (const Tensor &t : parts) {
        if (t.shape() != first)
            throw ShapeError(where + ": inputs " + shapeToString(first) + " and "
                + shapeToString(t.shape()) + " differ; stacked tensors must have equal shapes.");
        views.push_back(t.reshaped(expanded));
    }
    return concatenateTensors(views, static_cast<std::int64_t>(a), where);
}

Tensor applyJoin(const OperatorSpec &spec, const std::vector<Tensor> &parts,
    const nlohmann::json &axis, std::int64_t defaultAxis, const ErrorWhere &where)
{
    const bool stack = spec.kind == OperatorSpec::Kind::Stack;
    const char *what = stack ? "stack" : "concatenation";
    if (!axis.is_null() && (!axis.is_number_integer() || std::abs(axis.get<std::int64_t>()) > 64))
        throw InputFileError(where + ": the " + what + " axis " + axis.dump().substr(0, 60)
            + " is not an axis number. The model file is damaged.");
    const std::int64_t a = axis.is_null() ? defaultAxis : axis.get<std::int64_t>();
    if (parts.empty())
        throw ShapeError(where + ": the " + what
            + " got no tensors (a list that mixes tensors and constants is not supported).");
    const auto rank = static_cast<std::int64_t>(parts[0].rank()) + (stack ? 1 : 0);
    if (a == 0 || a == -rank)
        throw UnsupportedModelError(where + ": the " + what
            + " is along axis 0, the batch axis: it would mix the samples of a batch, so its "
              "result would depend on how AttnLens groups rows into batches. Join along another "
              "axis (e.g. axis=-1) and save the model again.");
    return stack ? stackTensors(parts, a, where) : concatenateTensors(parts, a, where);
}

namespace {

std::string sliceBound(const std::optional<std::int64_t> &v)
{
    return v ? std::to_string(*v) : std::string();
}

struct SliceRange
{
    std::int64_t start = 0;
    std::int64_t step = 1;
    std::int64_t count = 0;
};

/// Python's slice.indices(length) and len(range(...)).
SliceRange sliceRange(const IndexItem &item, std::int64_t length)
{
    SliceRange r;
    r.step = item.step;
    if (r.step > 0) {
        auto clamp = [&](std::int64_t v) {
            if (v < 0)
                return std::max<std::int64_t>(v + length, 0);
            return std::min(v, length);
        };
        r.start = item.start ? clamp(*item.start) : 0;
        const std::int64_t stop = item.stop ? clamp(*item.stop) : length;
        r.count = stop > r.start ? (stop - r.start + r.step - 1) / r.step : 0;
    } else {
        auto clamp = [&](std::int64_t v) {
            if (v < 0)
                return std::max<std::int64_t>(v + length, -1);
            return std::min(v, length - 1);
        };
        r.start = item.start ? clamp(*item.start) : length - 1;
        const std::int64_t stop = item.stop ? clamp(*item.stop) : -1;
        r.count = r.start > stop ? (r.start - stop - r.step - 1) / -r.step : 0;
    }
    return r;
}

} // namespace

std::string indexKeyToString(const std::vector<IndexItem> &key)
{
    std::string text = "[";
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (i > 0)
            text += ", ";
        const IndexItem &item = key[i];
        switch (item.kind) {
        case IndexItem::Kind::Integer:
            text += std::to_string(item.index);
            break;
        case IndexItem::Kind::NewAxis:
            text += "None";
            break;
        case IndexItem::Kind::Ellipsis:
            text += "...";
            break;
        case IndexItem::Kind::Slice:
            text += sliceBound(item.start) + ":" + sliceBound(item.stop);
            if (item.step != 1)
                text += ":" + std::to_string(item.step);
            break;
        }
    }
    return text + "]";
}

std::vector<IndexItem> expandIndexKey(
    const std::vector<IndexItem> &key, int rank, const ErrorWhere &where)
{
    int consumed = 0;
    int ellipses = 0;
    for (const IndexItem &item : key) {
        if (item.kind == IndexItem::Kind::Integer || item.kind == IndexItem::Kind::Slice)
            ++consumed;
        else if (item.kind == IndexItem::Kind::Ellipsis)
            ++ellipses;
    }
    if (ellipses > 1)
        throw ShapeError(where + ": the index " + indexKeyToString(key)
            + " has more than one ellipsis ('...').");
    if (consumed > rank)
        throw ShapeError(where + ": the index " + indexKeyToString(key) + " indexes "
            + std::to_string(consumed) + " axes, but the input has only " + std::to_string(rank)
            + ".");
    std::vector<IndexItem> expanded;
    const IndexItem full; // ':'
    bool filled = false;
    for (const IndexItem &item : key) {
        if (item.kind == IndexItem::Kind::Ellipsis) {
            expanded.insert(expanded.end(), static_cast<std::size_t>(rank - consumed), full);
            filled = true;
        } else {
            expanded.push_back(item);
        }
    }
    if (!filled)
        expanded.insert(expanded.end(), static_cast<std::size_t>(rank - consumed), full);
    return expanded;
}

Tensor getItem(const Tensor &x, const std::vector<IndexItem> &key, const ErrorWhere &where)
{
    const std::vector<IndexItem> items = expandIndexKey(key, x.rank(), where);
    const Shape &in = x.shape();
    const std::size_t rank = in.size();
    std::vector<std::int64_t> first;
    std::vector<std::int64_t> step;
    std::vector<std::int64_t> count;
    Shape outShape;
    for (const IndexItem &item : items) {
        if (item.kind == IndexItem::Kind::NewAxis) {
            outShape.push_back(1);
            continue;
        }
        const std::size_t axis = first.size();
        const std::int64_t length = in[axis];
        if (item.kind == IndexItem::Kind::Integer) {
            const std::int64_t i = item.index < 0 ? item.index + length : item.index;
            if (i < 0 || i >= length)
                throw ShapeError(where + ": index " + std::to_string(item.index) + " of "
                    + indexKeyToString(key) + " is out of range for axis " + std::to_string(axis)
                    + " of size " + std::to_string(length) + " (input shape " + shapeToString(in)
                    + ").");
            first.push_back(i);
            step.push_back(1);
            count.push_back(1);
        } else {
            const SliceRange r = sliceRange(item, length);
            first.push_back(r.start);
            step.push_back(r.step);
            count.push_back(r.count);
            outShape.push_back(r.count);
        }
    }
    Tensor out = Tensor::uninitialized(outShape);
    if (out.size() == 0)
        return out;
    const float *src = x.data();
    float *dst = out.data();
    if (rank == 0) {
        dst[0] = src[0];
        return out;
    }
    std::vector<std::int64_t> stride(rank, 1);
    for (std::size_t d = rank - 1; d > 0; --d)
        stride[d - 1] = stride[d] * in[d];
    std::int64_t offset = 0;
    for (std::size_t d = 0; d < rank; ++d)
        offset += first[d] * stride[d];
    const std::size_t last = rank - 1;
    const std::int64_t inner = count[last];
    const std::int64_t innerStep = step[last];
    std::vector<std::int64_t> index(rank, 0);
    const std::int64_t total = out.size();
    for (std::int64_t n = 0; n < total; n += inner) {
        if (innerStep == 1) {
            std::copy_n(src + offset, inner, dst + n);
        } else {
            for (std::int64_t k = 0; k < inner; ++k)
                dst[n + k] = src[offset + k * innerStep];
        }
        for (std::size_t d = last; d-- > 0;) {
            ++index[d];
            offset += step[d] * stride[d];
            if (index[d] < count[d])
                break;
            offset -= step[d] * stride[d] * count[d];
            index[d] = 0;
        }
    }
    return out;
}

} // namespace attnlens
