#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/layers/layer_config.h"
#include "core/runtime/layer.h"
#include "core/tensor/ops.h"
#include "core/tensor/tensor.h"

// The NumPy side of the Keras 3 operator layers (keras.src.ops.numpy) and the Keras 2 TFOpLambda
// layer: NumPy operator names and axis arguments (JSON ints, lists, null) resolved onto the
// kernels of core/tensor/ops.h, the shape operations (transpose, expand_dims, squeeze, matmul,
// concatenate, stack), constants from JSON and basic indexing (x[:, -1, :], used by GetItem /
// SlicingOpLambda). Every function takes `where` (the layer, for messages) and throws ShapeError
// naming it when the shapes do not fit.
namespace attnlens {

enum class BinaryOp
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Power,
    Maximum,
    Minimum,
    FloorDivide, ///< floor(a / b); an integer division by zero gives 0, as NumPy
    Mod,         ///< a - floor(a / b) * b: the sign of b, as numpy.mod
    Arctan2,
    Hypot,
    Logaddexp,
    Heaviside ///< 0 where a < 0, b where a == 0, 1 where a > 0
};
/// Element-wise predicates: their results are bool (0 or 1).
enum class PredicateOp
{
    Equal,
    NotEqual,
    Greater,
    GreaterEqual,
    Less,
    LessEqual,
    LogicalAnd,
    LogicalOr,
    LogicalXor
};
enum class UnaryOp
{
    Sqrt,
    Square,
    Exp,
    Log,
    Abs,
    Negative,
    Tanh,
    Sigmoid,
    Relu,
    Rsqrt,
    Reciprocal,
    Identity,
    // the rest of keras.ops.numpy / keras.ops.math element-wise functions
    Sin,
    Cos,
    Tan,
    Arcsin,
    Arccos,
    Arctan,
    Sinh,
    Cosh,
    Arcsinh,
    Arccosh,
    Arctanh,
    Erf,
    Erfinv,
    Log1p,
    Log2,
    Log10,
    Expm1,
    Exp2,
    Cbrt,
    Floor,
    Ceil,
    Trunc,
    Round, ///< half to even, as numpy.round; `param` is the number of decimals
    Sign,
    // keras.ops.nn functions without a Keras activation of the same formula
    LogSigmoid,
    TanhShrink,
    Squareplus, ///< (x + sqrt(x^2 + b)) / 2, b = `param`
    SparsePlus, ///< 0 for x <= -1, x for x >= 1, (x + 1)^2 / 4 between
    HardTanh,   ///< clip(x, -1, 1)
    SoftShrink, ///< threshold `param`
    HardShrink, ///< threshold `param`
    Celu,       ///< alpha `param`
    // predicates (bool results)
    LogicalNot,
    IsNan,
    IsInf,
    IsFinite,
    Signbit
};

/// True for the unary functions whose result is bool (LogicalNot, IsNan ...).
bool isPredicate(UnaryOp op);
/// True for the unary functions that keep an integer or bool input's dtype (abs, negative,
/// square, sign, round, trunc of an integer is an integer); the others compute in float and
/// give float32 for an integer input, as Keras does.
bool keepsIntegerDType(UnaryOp op);

/// Element-wise predicate with NumPy broadcasting; the result is a bool tensor. Comparisons
/// read the values as they are (a comparison after Keras's dtype promotion gives the same
/// answers for the values AttnLens holds); logical operations read nonzero as true.
Tensor predicateOp(const Tensor &a, const Tensor &b, PredicateOp op, const ErrorWhere &where);
/// Element-wise `a op b` with NumPy broadcasting (ops.h broadcastBinary). A rank-0 tensor is a
/// scalar.
Tensor binaryOp(const Tensor &a, const Tensor &b, BinaryOp op, const ErrorWhere &where);

/// Element-wise f(x); shape unchanged. `param` is the decimals of Round, b of Squareplus, the
/// threshold of SoftShrink / HardShrink and alpha of Celu. Predicates give 0 or 1.
Tensor unaryOp(const Tensor &x, UnaryOp op, float param = 0.0f);

/// The axes a NumPy `axis` argument names, as one flag per dimension of a rank-`rank` tensor:
/// null = every axis, an integer, or a list of integers (negative counts from the end).
/// Throws ShapeError when an axis is out of range or repeated.
std::vector<bool> axisFlags(const nlohmann::json &axis, int rank, const ErrorWhere &where);

/// NumPy transpose: output axis i is input axis perm[i] (negative counts from the end); an empty
/// perm reverses the axes. Throws ShapeError naming `where` unless perm is a permutation.
Tensor transpose(const Tensor &x, std::vector<int> perm, const ErrorWhere &where);

/// NumPy expand_dims: inserts size-1 axes at the positions `axis` (an int or a list) names in
/// the output (ops.h expandDims inserts one at an int position).
Tensor expandDimsAt(const Tensor &x, const nlohmann::json &axis, const ErrorWhere &where);

/// Removes the size-1 axes `axis` names (null = every size-1 axis).
Tensor squeeze(const Tensor &x, const nlohmann::json &axis, const ErrorWhere &where);

/// NumPy matmul: (..., n, k) x (..., k, m) -> (..., n, m) with broadcast batch dimensions; a
/// rank-1 operand is a row (left) or a column (right) vector whose axis is then dropped.
Tensor matmul(const Tensor &a, const Tensor &b, const ErrorWhere &where);

/// A number or a nested list of numbers from a model config (a constant operand such as the `y`
/// of `x * 2.0`) as a tensor, or a Keras 3 constant tensor `{"class_name": "__tensor__",
/// "config": {"value": [[...]], "dtype": "float32"}}` with its dtype. A bare number or list is
/// float32 (true / false give a bool tensor). Throws InputFileError when it is ragged, not
/// numeric, of a dtype AttnLens has not, or larger than 16M values.
Tensor tensorFromJson(const nlohmann::json &value, const ErrorWhere &where);

/// How Keras's type promotion sees a constant operand: a Python number (`x + 1`, `x > 0.5`) is
/// weakly typed (int32 or float32), a bool is bool, a `__tensor__` has its dtype.
OperandType constantOperandType(const nlohmann::json &value, const Tensor &parsed);

/// The constants of one operator call (NumpyOperation, TfOpLambda), resolved once when the graph
/// is wired: the operation's arguments under applyOperator's names (axis, keepdims, axes, shape)
/// and the constant operands written into the node (`x * 2.0`), by call parameter.
struct OperatorCall : CallOptions
{
    nlohmann::json params = nlohmann::json::object();
    std::map<std::string, Tensor> operands;
    /// The Keras dtype of each constant operand, weak for Python numbers.
    std::map<std::string, OperandType> operandTypes;
};

/// Operand `parameter` of an operator call: the tensor bound to it, or its constant in `call`
/// (may be null). Throws ShapeError naming `where` when it is neither.
Tensor operandTensor(const CallArgs &args, const OperatorCall *call, const std::string &parameter,
    const ErrorWhere &where);

/// Softmax along `axis` (negative counts from the end), as keras.ops.softmax and tf.nn.softmax:
/// ops.h softmax on one axis.
Tensor softmax(const Tensor &x, int axis, const ErrorWhere &where);

/// One operator of an operator layer (Keras 3 `keras.src.ops.numpy.*`, Keras 2 `TFOpLambda`).
struct OperatorSpec
{
    enum class Kind
    {
        Binary,
        Unary,
        Reduce,
        Matmul,
        Transpose,
        ExpandDims,
        Squeeze,
        Reshape,
        Softmax,
        Concatenate, ///< a list of tensors joined along an existing axis
        Stack        ///< a list of tensors joined along a new axis
    };
    Kind kind = Kind::Unary;
    BinaryOp binary = BinaryOp::Add;
    UnaryOp unary = UnaryOp::Identity;
    ReduceOp reduce = ReduceOp::Sum;
};

/// Joins `parts` for a Concatenate or Stack `spec` along `axis` (an integer; null takes
/// `defaultAxis`), as numpy.concatenate / numpy.stack, tf.concat / tf.stack. Throws
/// InputFileError for an axis that is not an integer, ShapeError when the shapes do not fit or
/// the list is empty, and UnsupportedModelError when the join is along the batch axis (axis 0 of
/// the inputs, or a new leading axis): the result would mix samples, and depend on how AttnLens
/// groups rows into batches.
Tensor applyJoin(const OperatorSpec &spec, const std::vector<Tensor> &parts,
    const nlohmann::json &axis, std::int64_t defaultAxis, const ErrorWhere &where);

/// Applies `spec` to `x` (and `y` for binary operators and matmul). `params` holds the
/// operator's non-tensor arguments under NumPy names: "axis" (int, list or null), "keepdims"
/// (bool), "axes" (a transpose permutation or null), "shape" (a reshape target).
/// Throws ShapeError naming `where` when the shapes do not fit.
Tensor applyOperator(const OperatorSpec &spec, const Tensor &x, const Tensor *y,
    const nlohmann::json &params, const ErrorWhere &where);

/// Reshape with a NumPy/Keras target shape (a list, -1 infers one dimension) applied to the
/// whole tensor including its batch axis.
Tensor reshapeTo(const Tensor &x, const nlohmann::json &shape, const ErrorWhere &where);

/// NumPy concatenate of `parts` along `axis` (negative counts from the end): equal ranks, equal
/// dimensions except on `axis`. Throws ShapeError naming `where` otherwise.
Tensor concatenateTensors(
    const std::vector<Tensor> &parts, std::int64_t axis, const ErrorWhere &where);

/// NumPy stack of equally shaped `parts` along a new axis `axis` in [-(rank + 1), rank].
Tensor stackTensors(const std::vector<Tensor> &parts, std::int64_t axis, const ErrorWhere &where);

/// One element of a NumPy basic-indexing key, as in `x[1:5:2, ..., None, -1]`.
struct IndexItem
{
    enum class Kind
    {
        Integer,  ///< selects one position and drops the axis
        Slice,    ///< start:stop:step, bounds clamped like Python's slice.indices
        NewAxis,  ///< None / np.newaxis: inserts a size-1 axis, consumes none
        Ellipsis, ///< ...: as many full slices as the other items leave axes
    };
    Kind kind = Kind::Slice;
    std::int64_t index = 0;            ///< Integer; negative counts from the end
    std::optional<std::int64_t> start; ///< Slice; nullopt is None
    std::optional<std::int64_t> stop;  ///< Slice; nullopt is None
    std::int64_t step = 1;             ///< Slice; never 0
};

/// `key` written back in Python syntax ("[:, -1, :]"), for messages.
std::string indexKeyToString(const std::vector<IndexItem> &key);

/// `key` for a rank-`rank` tensor with its Ellipsis (or an implicit one at the end, as NumPy)
/// replaced by full slices: one Integer or Slice item per axis, NewAxis items kept. Throws
/// ShapeError naming `where` for a second Ellipsis or more indices than axes.
std::vector<IndexItem> expandIndexKey(
    const std::vector<IndexItem> &key, int rank, const ErrorWhere &where);

/// x[key] with NumPy basic-indexing semantics (the same as TensorFlow's for these keys):
/// negative indices count from the end, slice bounds are clamped like Python's (an empty
/// result is allowed), negative steps walk backwards, an integer drops its axis, None inserts a
/// size-1 axis. Every axis of `x` is indexed, the leading one included. Throws ShapeError naming
/// `where` and the index when an integer index is out of range.
Tensor getItem(const Tensor &x, const std::vector<IndexItem> &key, const ErrorWhere &where);

} // namespace attnlens
