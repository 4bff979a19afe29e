#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "core/layers/call_options_binder.h"
#include "core/layers/layer_config.h"
#include "core/layers/numpy_kernels.h"

namespace attnlens {

/// A Keras 3 operator node: what `x + y`, `ops.mean(x, axis=1)` or `x @ w` on symbolic tensors
/// become in a functional model. The file writes them as layers with "module":
/// "keras.src.ops.numpy" (or "keras.src.ops.nn"), "registered_name" equal to the class name
/// ("Add", "Mean", ...) and a config holding the operation's __init__ arguments (axis,
/// keepdims, axes, newshape). Supported classes: Add, Subtract, Multiply, Divide, TrueDivide,
/// Power, Maximum, Minimum, Matmul (call arguments x1, x2; a constant operand may come as an
/// option x1 / x2), Sqrt, Square, Exp, Log, Abs, Absolute, Negative, Tanh, Reciprocal, Relu,
/// Sigmoid, Softmax, Mean, Sum, Max, Amax, Min, Amin, Transpose, ExpandDims, Squeeze, Reshape
/// (call argument x), Concatenate, Stack (call argument xs, a list of tensors; config axis,
/// default 0 as in Keras; joining along the batch axis is refused). NumPy broadcasting;
/// reductions include the batch axis like Keras. No output mask. (GetItem, `x[:, -1, :]`, is
/// an operation of this module too but has its own class: core/layers/get_item.h.)
class NumpyOperation : public Layer, public CallOptionsBinder
{
public:
    /// True when `config` is an operator node rather than a keras.layers class of the same
    /// name (Add, Subtract, Multiply, Maximum, Minimum, Reshape, Softmax, Concatenate exist in
    /// both): its module is keras.src.ops.*, or its registered_name is exactly the class name,
    /// or (files without either) a supported operator class whose config has no trainable /
    /// dtype.
    static bool isOperation(const LayerConfig &config);
    /// True when `className` is one of the supported operator classes above.
    static bool isSupportedClass(std::string_view className);

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
        std::string name, std::string className, OperatorSpec spec, nlohmann::json params);

    ErrorWhere where() const;

    std::string m_className;
    OperatorSpec m_spec;
    nlohmann::json m_params; ///< axis, keepdims, axes, shape (applyOperator's names)
};

} // namespace attnlens
