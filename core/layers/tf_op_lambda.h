#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/layers/call_options_binder.h"
#include "core/layers/layer_config.h"
#include "core/layers/numpy_kernels.h"

namespace attnlens {

/// Keras 2 (tf.keras) TFOpLambda: a TensorFlow function applied to Keras tensors, e.g. `x + y`
/// becomes function "__operators__.add". Only this fixed list of functions runs (nothing from
/// the file is executed): __operators__.add, math.add, math.subtract, math.multiply,
/// math.truediv, math.divide, math.pow, math.maximum, math.minimum (x, y); math.reduce_mean,
/// reduce_sum, reduce_max, reduce_min (input_tensor, axis, keepdims); math.sqrt, square, exp,
/// log, abs, negative, tanh, sigmoid, rsqrt, reciprocal (x); nn.relu (features); nn.softmax
/// (logits, axis); expand_dims (input, axis); squeeze (input, axis); reshape (tensor, shape);
/// transpose (a, perm); linalg.matmul (a, b); concat (values, axis); stack (values, axis): a
/// list of tensors, not joined along the batch axis. A leading "tf." is accepted. The first
/// argument is a tensor; `y` may be a tensor or a constant number / nested list written in the
/// node. (`x[:, -1]`, class SlicingOpLambda, is core/layers/get_item.h.)
class TfOpLambda : public Layer, public CallOptionsBinder
{
public:
    /// Config: function. Throws UnsupportedModelError naming the function when it is not in
    /// the list above.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    /// True when `function` (as written in the config) is supported.
    static bool isSupportedFunction(const std::string &function);

    /// A call's constants: TensorFlow's parameter names under applyOperator's NumPy names
    /// (axis, keepdims / keep_dims, perm -> axes, shape), constant operands as tensors.
    struct TfCall : OperatorCall
    {
        bool transposes = false; ///< linalg.matmul with transpose_a or transpose_b
    };

    std::vector<std::string> callSignature() const override { return m_signature; }
    /// A TfCall. Throws InputFileError for a malformed constant operand.
    std::shared_ptr<const CallOptions> bindCallOptions(
        const nlohmann::json &constants) const override;
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override;

private:
    TfOpLambda(std::string name, std::string function, OperatorSpec spec,
        std::vector<std::string> signature);

    ErrorWhere where() const;

    std::string m_function;
    OperatorSpec m_spec;
    std::vector<std::string> m_signature; ///< TensorFlow parameter names, first = the tensor
};

} // namespace attnlens
