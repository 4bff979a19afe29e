#include "core/layers/tf_op_lambda.h"

#include <map>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

namespace {

using Kind = OperatorSpec::Kind;

struct FunctionRow
{
    OperatorSpec spec;
    std::vector<std::string> signature;
};

FunctionRow binary(BinaryOp op)
{
    OperatorSpec s;
    s.kind = Kind::Binary;
    s.binary = op;
    return {s, {"x", "y"}};
}

FunctionRow unary(UnaryOp op, std::string parameter = "x")
{
    OperatorSpec s;
    s.kind = Kind::Unary;
    s.unary = op;
    return {s, {std::move(parameter)}};
}

FunctionRow reduction(ReduceOp op)
{
    OperatorSpec s;
    s.kind = Kind::Reduce;
    s.reduce = op;
    return {s, {"input_tensor", "axis", "keepdims"}};
}

FunctionRow shaped(Kind kind, std::vector<std::string> signature)
{
    OperatorSpec s;
    s.kind = kind;
    return {s, std::move(signature)};
}

// TensorFlow's canonical symbol names, as TFOpLambda writes them in "function".
const std::map<std::string, FunctionRow, std::less<>> &functions()
{
    static const std::map<std::string, FunctionRow, std::less<>> table = {
        {"__operators__.add", binary(BinaryOp::Add)},
        {"math.add", binary(BinaryOp::Add)},
        {"math.subtract", binary(BinaryOp::Subtract)},
        {"math.multiply", binary(BinaryOp::Multiply)},
        {"math.truediv", binary(BinaryOp::Divide)},
        {"math.divide", binary(BinaryOp::Divide)},
        {"math.pow", binary(BinaryOp::Power)},
        {"math.maximum", binary(BinaryOp::Maximum)},
        {"math.minimum", binary(BinaryOp::Minimum)},
        {"math.reduce_mean", reduction(ReduceOp::Mean)},
        {"math.reduce_sum", reduction(ReduceOp::Sum)},
        {"math.reduce_max", reduction(ReduceOp::Max)},
        {"math.reduce_min", reduction(ReduceOp::Min)},
        {"math.sqrt", unary(UnaryOp::Sqrt)},
        {"math.square", unary(UnaryOp::Square)},
        {"math.exp", unary(UnaryOp::Exp)},
        {"math.log", unary(UnaryOp::Log)},
        {"math.abs", unary(UnaryOp::Abs)},
        {"math.negative", unary(UnaryOp::Negative)},
        {"math.tanh", unary(UnaryOp::Tanh)},
        {"math.sigmoid", unary(UnaryOp::Sigmoid)},
        {"math.rsqrt", unary(UnaryOp::Rsqrt)},
        {"math.reciprocal", unary(UnaryOp::Reciprocal)},
        {"nn.relu", unary(UnaryOp::Relu, "features")},
        {"nn.softmax", shaped(Kind::Softmax, {"logits", "axis"})},
        {"math.softmax", shaped(Kind::Softmax, {"logits", "axis"})},
        {"expand_dims", shaped(Kind::ExpandDims, {"input", "axis"})},
        {"squeeze", shaped(Kind::Squeeze, {"input", "axis"})},
        {"compat.v1.squeeze", shaped(Kind::Squeeze, {"input", "axis"})},
        {"reshape", shaped(Kind::Reshape, {"tensor", "shape"})},
        {"transpose", shaped(Kind::Transpose, {"a", "perm"})},
        {"linalg.matmul", shaped(Kind::Matmul, {"a", "b"})},
        {"concat", shaped(Kind::Concatenate, {"values", "axis"})},
        {"stack", shaped(Kind::Stack, {"values", "axis"})},
    };
    return table;
}

std::string canonical(std::string function)
{
    if (function.rfind("tf.", 0) == 0)
        function.erase(0, 3);
    return function;
}

std::string supportedList()
{
    std::string list;
    for (const auto &row : functions())
        list += (list.empty() ? "tf." : ", tf.") + row.first;
    return list;
}

} // namespace

TfOpLambda::TfOpLambda(
    std::string name, std::string function, OperatorSpec spec, std::vector<std::string> signature)
    : Layer(std::move(name))
    , m_function(std::move(function))
    , m_spec(spec)
    , m_signature(std::move(signature))
{
}

bool TfOpLambda::isSupportedFunction(const std::string &function)
{
    return functions().count(canonical(function)) > 0;
}

std::unique_ptr<Layer> TfOpLambda::fromKeras(const LayerConfig &config)
{
    const nlohmann::json &c = config.config;
    if (!c.is_object() || !c.contains("function") || !c["function"].is_string())
        throw InputFileError(layerWhere(config)
            + ": TFOpLambda config has no 'function' name. The model file is damaged.");
    const std::string function = canonical(c["function"].get<std::string>());
    const auto it = functions().find(function);
    if (it == functions().end())
        throw UnsupportedModelError(layerWhere(config) + " applies the TensorFlow function 'tf."
            + function.substr(0, 80)
            + "', which AttnLens cannot run. Supported TensorFlow functions: " + supportedList()
            + ". Rebuild the model with Keras layers for this step.");
    requireWeightCount(config, {0});
    return std::unique_ptr<Layer>(
        new TfOpLambda(config.name, function, it->second.spec, it->second.signature));
}

/// Element-wise TensorFlow functions (tf.math.add, tf.nn.relu, ...) keep every position;
/// reductions, softmax, reshapes, transposes, products and joins (tf.concat, tf.stack) move or
/// merge them.
PositionRule TfOpLambda::positions() const
{
    const std::string &f = m_function;
    if (f.rfind("math.reduce_", 0) == 0 || f == "math.softmax")
        return PositionRule::none();
    const bool elementwise
        = f.rfind("math.", 0) == 0 || f.rfind("__operators__.", 0) == 0 || f == "nn.relu";
    return elementwise ? PositionRule::elementwise() : PositionRule::none();
}

ErrorWhere TfOpLambda::where() const
{
    return ErrorWhere::ofLayer(name(), "TFOpLambda tf." + m_function);
}

std::shared_ptr<const CallOptions> TfOpLambda::bindCallOptions(
    const nlohmann::json &constants) const
{
    auto option = [&](const char *key) {
        const auto it = constants.find(key);
        return it == constants.end() ? nlohmann::json() : *it;
    };
    auto call = std::make_shared<TfCall>();
    nlohmann::json &params = call->params;
    params["axis"] = option("axis");
    nlohmann::json keep = option("keepdims");
    if (keep.is_null())
        keep = option("keep_dims");
    params["keepdims"] = keep;
    params["axes"] = option("perm");
    params["shape"] = option("shape");
    auto flag = [&](const char *key) {
        const nlohmann::json v = option(key);
        return v.is_boolean() && v.get<bool>();
    };
    call->transposes = flag("transpose_a") || flag("transpose_b");
    // The operands: the first parameter, and the second of a binary function (`y`).
    std::vector<std::string> operands;
    if (m_spec.kind != Kind::Concatenate && m_spec.kind != Kind::Stack) {
        operands.push_back(m_signature.front());
        if (m_spec.kind == Kind::Binary || m_spec.kind == Kind::Matmul)
            operands.push_back(m_signature.at(1));
    }
    for (const std::string &parameter : operands)
        if (const auto it = constants.find(parameter); it != constants.end() && !it->is_null())
            call->operands[parameter] = tensorFromJson(*it, where());
    return call;
}

CallResult TfOpLambda::call(const CallArgs &args, const CallContext &) const
{
    const ErrorWhere where = this->where();
    // Unbound calls (a layer run outside a graph) have no constants.
    std::shared_ptr<const CallOptions> unbound;
    const TfCall *bound = args.optionsAs<TfCall>();
    if (bound == nullptr) {
        unbound = bindCallOptions(nlohmann::json::object());
        bound = static_cast<const TfCall *>(unbound.get());
    }
    auto operand = [&](const std::string &parameter) {
        return operandTensor(args, bound, parameter, where);
    };
    const nlohmann::json &params = bound->params;
    if (m_spec.kind == Kind::Reshape && params.at("shape").is_null())
        throw ShapeError(where + ": the target shape is missing.");
    if (m_spec.kind == Kind::Matmul && bound->transposes)
        throw UnsupportedModelError(where + ": transpose_a / transpose_b are not supported.");

    CallResult result;
    if (m_spec.kind == Kind::Concatenate || m_spec.kind == Kind::Stack) {
        // tf.concat(values, axis) has no default axis; tf.stack(values, axis=0).
        if (m_spec.kind == Kind::Concatenate && params.at("axis").is_null())
            throw InputFileError(where + ": tf.concat is called without an axis.");
        result.outputs.push_back(
            applyJoin(m_spec, args.all("values"), params.at("axis"), 0, where));
        return result;
    }
    const Tensor x = operand(m_signature.front());
    if (m_spec.kind == Kind::Binary || m_spec.kind == Kind::Matmul) {
        const Tensor y = operand(m_signature[1]);
        result.outputs.push_back(applyOperator(m_spec, x, &y, params, where));
    } else {
        result.outputs.push_back(applyOperator(m_spec, x, nullptr, params, where));
    }
    return result;
}

} // namespace attnlens
