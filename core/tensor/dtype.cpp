#include "core/tensor/dtype.h"

#include <array>
#include <cmath>

#include <Eigen/Core>

namespace attnlens {

namespace {

struct NamedDType
{
    std::string_view name;
    DType dtype;
};

constexpr std::array<NamedDType, 13> kNames = {{
    {"float32", DType::Float32},
    {"float16", DType::Float16},
    {"bfloat16", DType::BFloat16},
    {"float64", DType::Float64},
    {"bool", DType::Bool},
    {"int8", DType::Int8},
    {"int16", DType::Int16},
    {"int32", DType::Int32},
    {"int64", DType::Int64},
    {"uint8", DType::UInt8},
    {"uint16", DType::UInt16},
    {"uint32", DType::UInt32},
    {"uint64", DType::UInt64},
}};

// The nodes of Keras's type promotion lattice (dtypes.py _type_promotion_lattice, complex types
// left out): the dtypes, plus the weak Python int (i_) and float (f_).
enum Node : int
{
    B1,
    U1,
    U2,
    U4,
    U8,
    IWeak,
    I1,
    I2,
    I4,
    I8,
    FWeak,
    BF,
    F2,
    F4,
    F8,
    NodeCount
};

using Bits = std::uint32_t;

constexpr Bits bit(int node)
{
    return Bits(1) << node;
}

/// UB(n): every node at or above n (the closure of the lattice's edges).
const std::array<Bits, NodeCount> &upperBounds()
{
    static const std::array<Bits, NodeCount> bounds = [] {
        std::array<Bits, NodeCount> up {};
        up[B1] = bit(IWeak);
        up[U1] = bit(I2) | bit(U2);
        up[U2] = bit(I4) | bit(U4);
        up[U4] = bit(I8) | bit(U8);
        up[U8] = bit(FWeak);
        up[IWeak] = bit(U1) | bit(I1);
        up[I1] = bit(I2);
        up[I2] = bit(I4);
        up[I4] = bit(I8);
        up[I8] = bit(FWeak);
        up[FWeak] = bit(BF) | bit(F2);
        up[BF] = bit(F4);
        up[F2] = bit(F4);
        up[F4] = bit(F8);
        up[F8] = 0;
        std::array<Bits, NodeCount> closure {};
        for (int n = 0; n < NodeCount; ++n) {
            Bits set = bit(n);
            for (;;) {
                Bits next = set;
                for (int m = 0; m < NodeCount; ++m)
                    if (set & bit(m))
                        next |= up[m];
                if (next == set)
                    break;
                set = next;
            }
            closure[n] = set;
        }
        return closure;
    }();
    return bounds;
}

Node nodeOf(DType dtype)
{
    switch (dtype) {
    case DType::Bool:
        return B1;
    case DType::UInt8:
        return U1;
    case DType::UInt16:
        return U2;
    case DType::UInt32:
        return U4;
    case DType::UInt64:
        return U8;
    case DType::Int8:
        return I1;
    case DType::Int16:
        return I2;
    case DType::Int32:
        return I4;
    case DType::Int64:
        return I8;
    case DType::BFloat16:
        return BF;
    case DType::Float16:
        return F2;
    case DType::Float32:
        return F4;
    case DType::Float64:
        return F8;
    }
    return F4;
}

/// _respect_weak_type: a weak operand stands for the weak int or float node (bool stays bool).
Node weakNodeOf(const OperandType &t)
{
    if (!t.weak || t.dtype == DType::Bool)
        return nodeOf(t.dtype);
    return isFloating(t.dtype) ? FWeak : IWeak;
}

/// _least_upper_bound of the nodes in `set`.
Node leastUpperBound(Bits set)
{
    const auto &up = upperBounds();
    Bits common = ~Bits(0);
    for (int n = 0; n < NodeCount; ++n)
        if (set & bit(n))
            common &= up[n];
    if (const Bits inSet = common & set; inSet != 0)
        for (int n = 0; n < NodeCount; ++n)
            if (inSet & bit(n))
                return static_cast<Node>(n);
    for (int n = 0; n < NodeCount; ++n)
        if ((common & bit(n)) && (common & ~up[n]) == 0)
            return static_cast<Node>(n);
    return F4; // unreachable on this lattice: every set of nodes has a bound below f8
}

/// The dtype of a non-weak node, 64-bit dtypes narrowed (BIT64_TO_BIT32_DTYPE).
DType narrowed(Node node)
{
    switch (node) {
    case B1:
        return DType::Bool;
    case U1:
        return DType::UInt8;
    case U2:
        return DType::UInt16;
    case U4:
    case U8:
        return DType::UInt32;
    case I1:
        return DType::Int8;
    case I2:
        return DType::Int16;
    case IWeak:
    case I4:
    case I8:
        return DType::Int32;
    case BF:
        return DType::BFloat16;
    case F2:
        return DType::Float16;
    default:
        return DType::Float32;
    }
}

/// _resolve_weak_type with precision 32: the kind of the node at 32 bits.
DType resolveWeak(Node node)
{
    if (node == B1)
        return DType::Bool;
    if (node == U1 || node == U2 || node == U4 || node == U8)
        return DType::UInt32;
    if (node == IWeak || (node >= I1 && node <= I8))
        return DType::Int32;
    return DType::Float32;
}

template <int Bits>
float wrapSigned(double v)
{
    const double range = std::ldexp(1.0, Bits);
    double w = std::fmod(v, range);
    if (w < 0)
        w += range;
    if (w >= range / 2)
        w -= range;
    return static_cast<float>(w);
}

template <int Bits>
float wrapUnsigned(double v)
{
    const double range = std::ldexp(1.0, Bits);
    double w = std::fmod(v, range);
    if (w < 0)
        w += range;
    return static_cast<float>(w);
}

} // namespace

std::string_view dtypeName(DType dtype)
{
    for (const NamedDType &n : kNames)
        if (n.dtype == dtype)
            return n.name;
    return "float32";
}

std::optional<DType> dtypeFromName(std::string_view name)
{
    for (const NamedDType &n : kNames)
        if (n.name == name)
            return n.dtype;
    if (name == "float" || name == "float_")
        return DType::Float32;
    if (name == "double")
        return DType::Float64;
    if (name == "half")
        return DType::Float16;
    if (name == "int")
        return DType::Int32;
    if (name == "bool_" || name == "boolean")
        return DType::Bool;
    return std::nullopt;
}

bool isFloating(DType dtype)
{
    return dtype == DType::Float32 || dtype == DType::Float16 || dtype == DType::BFloat16
        || dtype == DType::Float64;
}

bool isInteger(DType dtype)
{
    return !isFloating(dtype) && dtype != DType::Bool;
}

DType resultType(const std::vector<OperandType> &operands)
{
    if (operands.empty())
        return DType::Float32;
    bool allWeak = true;
    bool allSame = true;
    for (const OperandType &t : operands) {
        allWeak = allWeak && t.weak;
        allSame = allSame && t.dtype == operands.front().dtype;
    }
    Node out;
    bool weak;
    if (operands.size() == 1) {
        out = nodeOf(operands.front().dtype);
        weak = operands.front().weak;
    } else if (allSame && !allWeak) {
        out = nodeOf(operands.front().dtype);
        weak = false;
    } else if (allWeak) {
        Bits set = 0;
        for (const OperandType &t : operands)
            set |= bit(nodeOf(t.dtype));
        out = leastUpperBound(set);
        weak = true;
    } else {
        Bits set = 0;
        for (const OperandType &t : operands)
            set |= bit(weakNodeOf(t));
        out = leastUpperBound(set);
        weak = out == IWeak || out == FWeak;
    }
    if (weak && out != B1)
        return resolveWeak(out);
    return narrowed(out);
}

void convertValues(float *values, std::int64_t count, DType dtype)
{
    auto apply = [&](auto f) {
        for (std::int64_t i = 0; i < count; ++i)
            values[i] = f(values[i]);
    };
    auto truncated = [](float v) { return std::isnan(v) ? 0.0 : std::trunc(double(v)); };
    switch (dtype) {
    case DType::Float32:
    case DType::Float64:
        return;
    case DType::Float16:
        apply([](float v) { return static_cast<float>(Eigen::half(v)); });
        return;
    case DType::BFloat16:
        apply([](float v) { return static_cast<float>(Eigen::bfloat16(v)); });
        return;
    case DType::Bool:
        apply([](float v) { return v != 0.0f ? 1.0f : 0.0f; });
        return;
    case DType::Int8:
        apply([&](float v) { return wrapSigned<8>(truncated(v)); });
        return;
    case DType::Int16:
        apply([&](float v) { return wrapSigned<16>(truncated(v)); });
        return;
    case DType::UInt8:
        apply([&](float v) { return wrapUnsigned<8>(truncated(v)); });
        return;
    case DType::UInt16:
        apply([&](float v) { return wrapUnsigned<16>(truncated(v)); });
        return;
    case DType::Int32:
    case DType::Int64:
    case DType::UInt32:
    case DType::UInt64:
        apply([&](float v) { return static_cast<float>(truncated(v)); });
        return;
    }
}

} // namespace attnlens
