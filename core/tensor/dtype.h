#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The dtypes Keras gives tensors, and Keras's rules for combining them.
namespace attnlens {

/// The dtype Keras gives a tensor. AttnLens holds every tensor's values as float32 (the fast
/// path every layer uses); the tag says how Keras sees them. Integer and bool tensors hold
/// integral floats (bool: 0 or 1), exact up to 2^24 in magnitude; float16 and bfloat16 tensors
/// hold values rounded to their precision; float64 ones are computed in float32.
enum class DType : std::uint8_t
{
    Float32,
    Float16,
    BFloat16,
    Float64,
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
};

/// Keras's name of `dtype` ("float32", "bool", "int64").
std::string_view dtypeName(DType dtype);

/// The dtype a Keras config names ("float32", "int64", "bool"; also "float", "int", "double",
/// "half" as keras.backend.standardize_dtype reads them), or nullopt when AttnLens has none
/// of that name (string, complex, float8).
std::optional<DType> dtypeFromName(std::string_view name);

bool isFloating(DType dtype);
/// Signed or unsigned integer (not bool).
bool isInteger(DType dtype);

/// A dtype as Keras's type promotion sees an operand: a Python scalar (the `1` of `x + 1`) is
/// weakly typed, and gives way to the tensor's dtype.
struct OperandType
{
    DType dtype = DType::Float32;
    bool weak = false;
};

/// keras.backend.result_type (keras/src/backend/common/dtypes.py) for a backend other than
/// TensorFlow, with floatx float32: the least upper bound on Keras's (JAX's) promotion lattice,
/// weak types resolved to 32 bits, and 64-bit results narrowed to 32 (int64 -> int32, uint64 ->
/// uint32, float64 -> float32). No operands: float32.
DType resultType(const std::vector<OperandType> &operands);

/// Rounds `values` in place to what a tensor of `dtype` can hold, as NumPy's astype does from
/// float32: bool is value != 0, integers truncate toward zero and wrap modulo 2^bits (8 and 16
/// bits; wider ones keep the truncated value), float16 and bfloat16 round to nearest even.
/// Float32 and float64 leave the values as they are. NaN becomes 0 for integer dtypes.
void convertValues(float *values, std::int64_t count, DType dtype);

} // namespace attnlens
