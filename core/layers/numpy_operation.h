#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "core/layers/call_options_binder.h"
#include "core/layers/layer_config.h"
#include "core/layers/numpy_kernels.h"

namespace attnlens {

/// What one Keras 3 operation class computes (NumpyOperation's table; the kinds beyond
/// OperatorSpec's are the ones only Keras 3 writes).
struct OperationSpec
{
    enum class Kind
    {
        Classic,    ///< an OperatorSpec shared with TFOpLambda (`classic`)
        Predicate,  ///< comparisons and logical operations of two operands (bool result)
        Where,      ///< where(condition, x1, x2)
        Cast,       ///< cast / convert_to_tensor to the config's dtype
        Clip,       ///< clip(x, x_min, x_max)
        AnyAll,     ///< any (flag false) / all (flag true) over an axis
        Prod,       ///< product over an axis
        ArgReduce,  ///< argmax (flag true) / argmin
        Moments,    ///< std (flag true) / var
        Cumulative, ///< cumprod (flag true) / cumsum
        LogSumExp,  ///< keras.ops.logsumexp
        Tile,
        Repeat,
        BroadcastTo,
        Pad,
        Split,   ///< several outputs
        Unstack, ///< several outputs (keras.ops.unstack)
        Take,
        TakeAlongAxis,
        Einsum,
        Dot,
        Tensordot,
        OneHot,
        LogSoftmax,
        Activation, ///< a keras.ops.nn function computed by ActivationFunction (`activation`)
        Glu,        ///< keras.ops.glu: a * sigmoid(b), the halves of `axis`
        Threshold,  ///< keras.ops.threshold: x where x > threshold, else default_value
        Arange,
        FullLike, ///< zeros_like / ones_like (`value`), full_like (call argument fill_value)
        Identity, ///< stop_gradient, copy
        Flip,
        Roll,
        Moveaxis,
        Swapaxes,
        Triangle, ///< tril (flag true) / triu
    };
    Kind kind = Kind::Classic;
    OperatorSpec classic;
    PredicateOp predicate = PredicateOp::Equal;
    bool flag = false;
    float value = 0.0f; ///< FullLike's fill value; a unary function's default parameter
    int activation = 0; ///< Activation: an ActivationFunction::Kind
};

/// A Keras 3 operation node: what `x + y`, `ops.where(m, x, 0.0)`, `ops.mean(x, axis=1)` or
/// `x @ w` on symbolic tensors become in a functional model. The file writes them as layers
/// with "module": "keras.src.ops.numpy" (or ops.nn, ops.math, ops.core), "registered_name"
/// equal to the class name ("Add", "NotEqual", ...) and a config holding the operation's
/// __init__ arguments (axis, keepdims, dtype, x_min ...); a legacy .h5 drops module and
/// registered_name. Runs the element-wise maths, comparisons and logical operations, where,
/// cast, clip, reductions with axis / keepdims, shape operations, take, einsum, products,
/// one_hot, arange and the keras.ops.nn activations of keras/src/ops/{numpy,nn,math,core}.py
/// (supportedClasses() lists them) on float, int and bool tensors, with NumPy broadcasting and
/// Keras's dtype rules (dtype.h resultType; a Python number operand is weakly typed).
/// Reductions include the batch axis like Keras. No output mask: Keras 3 writes mask flow as
/// operations of their own. (GetItem, `x[:, -1, :]`, is an operation of this module too but has
/// its own class: core/layers/get_item.h.)
class NumpyOperation : public Layer, public CallOptionsBinder
{
public:
    /// True when `config` is an operator node rather than a keras.layers class of the same
    /// name (Add, Subtract, Multiply, Maximum, Minimum, Reshape, Softmax, Concatenate exist in
    /// both): its module is keras.src.ops.*, or its registered_name is exactly the class name,
    /// or (files without either) a supported operator class whose config has no trainable /
    /// dtype.
    static bool isOperation(const LayerConfig &config);
    /// True when `config` is a Keras 3 operation node, supported or not: module
    /// keras.src.ops.*, or (a legacy .h5, which drops the module) the name of a keras.ops class
    /// and a config without "trainable". The registry refuses an unknown class of that form as
    /// an operation (refuse()), so every layout says the same.
    static bool looksLikeOperation(const LayerConfig &config);
    /// True when `className` is one of the supported operator classes above.
    static bool isSupportedClass(std::string_view className);
    /// Every supported operation class, sorted.
    static std::vector<std::string> supportedClasses();

    /// The one message for a Keras 3 operation AttnLens cannot run, in every file layout:
    /// which operation, the supported ones, and what the user can do.
    [[noreturn]] static void refuse(const LayerConfig &config);

    /// Throws UnsupportedModelError naming the class for an operator that is not supported,
    /// InputFileError for a malformed config or any weights.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    std::vector<std::string> callSignature() const override;
    /// An OperatorCall: call keyword arguments (axis=...) override the config, as they would in
    /// Python; constant operands become tensors. Throws InputFileError for a malformed constant.
    std::shared_ptr<const CallOptions> bindCallOptions(
        const nlohmann::json &constants) const override;
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override;

private:
    NumpyOperation(
        std::string name, std::string className, OperationSpec spec, nlohmann::json params);

    ErrorWhere where() const;
    /// The operands' tensors and their Keras dtypes (weak for Python numbers).
    struct Operand
    {
        Tensor tensor;
        OperandType type;
    };
    Operand operand(const CallArgs &args, const OperatorCall *call, const std::string &parameter,
        const ErrorWhere &where) const;
    std::vector<Tensor> compute(
        const CallArgs &args, const OperatorCall *call, const ErrorWhere &where) const;
    Tensor computeClassic(
        const CallArgs &args, const OperatorCall *call, const ErrorWhere &where) const;

    std::string m_className;
    OperationSpec m_spec;
    nlohmann::json m_params; ///< the config's arguments (axis, keepdims, dtype, x_min ...)
};

} // namespace attnlens
