#include "core/layers/numpy_operation.h"

#include <map>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

namespace {

using Kind = OperatorSpec::Kind;

OperatorSpec binary(BinaryOp op)
{
    OperatorSpec s;
    s.kind = Kind::Binary;
    s.binary = op;
    return s;
}

OperatorSpec unary(UnaryOp op)
{
    OperatorSpec s;
    s.kind = Kind::Unary;
    s.unary = op;
    return s;
}

OperatorSpec reduction(ReduceOp op)
{
    OperatorSpec s;
    s.kind = Kind::Reduce;
    s.reduce = op;
    return s;
}

OperatorSpec shaped(Kind kind)
{
    OperatorSpec s;
    s.kind = kind;
    return s;
}

// Class names of keras/src/ops/numpy.py (and Relu, Sigmoid, Softmax of keras/src/ops/nn.py).
const std::map<std::string, OperatorSpec, std::less<>> &operators()
{
    static const std::map<std::string, OperatorSpec, std::less<>> table = {
        {"Add", binary(BinaryOp::Add)},
        {"Subtract", binary(BinaryOp::Subtract)},
        {"Multiply", binary(BinaryOp::Multiply)},
        {"Divide", binary(BinaryOp::Divide)},
        {"TrueDivide", binary(BinaryOp::Divide)},
        {"Power", binary(BinaryOp::Power)},
        {"Maximum", binary(BinaryOp::Maximum)},
        {"Minimum", binary(BinaryOp::Minimum)},
        {"Matmul", shaped(Kind::Matmul)},
        {"Sqrt", unary(UnaryOp::Sqrt)},
        {"Square", unary(UnaryOp::Square)},
        {"Exp", unary(UnaryOp::Exp)},
        {"Log", unary(UnaryOp::Log)},
        {"Abs", unary(UnaryOp::Abs)},
        {"Absolute", unary(UnaryOp::Abs)},
        {"Negative", unary(UnaryOp::Negative)},
        {"Tanh", unary(UnaryOp::Tanh)},
        {"Reciprocal", unary(UnaryOp::Reciprocal)},
        {"Relu", unary(UnaryOp::Relu)},
        {"Sigmoid", unary(UnaryOp::Sigmoid)},
        {"Softmax", shaped(Kind::Softmax)},
        {"Mean", reduction(ReduceOp::Mean)},
        {"Sum", reduction(ReduceOp::Sum)},
        {"Max", reduction(ReduceOp::Max)},
        {"Amax", reduction(ReduceOp::Max)},
        {"Min", reduction(ReduceOp::Min)},
        {"Amin", reduction(ReduceOp::Min)},
        {"Transpose", shaped(Kind::Transpose)},
        {"ExpandDims", shaped(Kind::ExpandDims)},
        {"Squeeze", shaped(Kind::Squeeze)},
        {"Reshape", shaped(Kind::Reshape)},
        {"Concatenate", shaped(Kind::Concatenate)},
        {"Stack", shaped(Kind::Stack)},
    };
    return table;
}

bool startsWith(const std::string &s, std::string_view prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

/// The operation's arguments from its config, under applyOperator's names.
nlohmann::json paramsFrom(const nlohmann::json &config)
{
    nlohmann::json params = nlohmann::json::object();
    if (!config.is_object())
        return params;
    for (const char *key : {"axis", "keepdims", "axes"})
        if (config.contains(key))
            params[key] = config[key];
    // Reshape's target is `newshape` (Keras 3.0-3.x) or `new_shape` in later releases.
    for (const char *key : {"newshape", "new_shape", "shape"})
        if (config.contains(key) && !config[key].is_null())
            params["shape"] = config[key];
    return params;
}

} // namespace

NumpyOperation::NumpyOperation(
    std::string name, std::string className, OperatorSpec spec, nlohmann::json params)
    : Layer(std::move(name))
    , m_className(std::move(className))
    , m_spec(spec)
    , m_params(std::move(params))
{
}

bool NumpyOperation::isOperation(const LayerConfig &config)
{
    if (startsWith(config.module, "keras.src.ops") || startsWith(config.module, "keras.ops"))
        return true;
    if (!config.module.empty())
        return false; // keras.layers, keras.src.layers..., or a custom package
    if (!config.registeredName.empty())
        return config.registeredName == config.className;
    // Files that drop module and registered_name (Keras 3 legacy .h5): every keras.layers class
    // serializes "trainable" and "dtype", an operation only its name and __init__ arguments.
    return isSupportedClass(config.className) && config.config.is_object()
        && !config.config.contains("trainable") && !config.config.contains("dtype");
}

bool NumpyOperation::isSupportedClass(std::string_view className)
{
    return operators().find(className) != operators().end();
}

std::unique_ptr<Layer> NumpyOperation::fromKeras(const LayerConfig &config)
{
    const auto it = operators().find(config.className);
    if (it == operators().end()) {
        std::string list;
        for (const auto &row : operators())
            list += (list.empty() ? "" : ", ") + row.first;
        throw UnsupportedModelError(layerWhere(config) + " is the Keras operation '"
            + config.className + "' (module " + (config.module.empty() ? "?" : config.module)
            + "), which AttnLens cannot run. Supported operations: " + list + ".");
    }
    requireWeightCount(config, {0});
    const nlohmann::json params = paramsFrom(config.config);
    if (it->second.kind == Kind::Reshape && !params.contains("shape"))
        throw InputFileError(layerWhere(config)
            + ": the Reshape operation has no target shape (newshape) in its config.");
    return std::unique_ptr<Layer>(
        new NumpyOperation(config.name, config.className, it->second, params));
}

std::vector<std::string> NumpyOperation::callSignature() const
{
    if (m_spec.kind == Kind::Binary || m_spec.kind == Kind::Matmul)
        return {"x1", "x2"};
    if (m_spec.kind == Kind::Concatenate || m_spec.kind == Kind::Stack)
        return {"xs"};
    return {"x"};
}

/// Unary and binary operators map element by element (a broadcast operand keeps the tensor's
/// positions); softmax and a join along the last axis keep all but the last axis.
PositionRule NumpyOperation::positions() const
{
    switch (m_spec.kind) {
    case Kind::Binary:
    case Kind::Unary:
        return PositionRule::elementwise();
    case Kind::Softmax:
        return PositionRule::positionwise();
    case Kind::Concatenate:
        return m_params.value("axis", nlohmann::json(0)) == -1 ? PositionRule::positionwise()
                                                               : PositionRule::none();
    default:
        return PositionRule::none();
    }
}

ErrorWhere NumpyOperation::where() const
{
    return ErrorWhere::ofLayer(name(), "operation " + m_className);
}

std::shared_ptr<const CallOptions> NumpyOperation::bindCallOptions(
    const nlohmann::json &constants) const
{
    auto call = std::make_shared<OperatorCall>();
    call->params = m_params;
    const nlohmann::json fromCall = paramsFrom(constants);
    for (auto it = fromCall.begin(); it != fromCall.end(); ++it)
        call->params[it.key()] = it.value();
    // The operands x1, x2 or x (a join's list `xs` holds tensors only).
    if (m_spec.kind != Kind::Concatenate && m_spec.kind != Kind::Stack)
        for (const std::string &parameter : callSignature())
            if (const auto it = constants.find(parameter); it != constants.end() && !it->is_null())
                call->operands[parameter] = tensorFromJson(*it, where());
    return call;
}

CallResult NumpyOperation::call(const CallArgs &args, const CallContext &) const
{
    const ErrorWhere where = this->where();
    // Unbound calls (a layer run outside a graph) have the config's arguments only.
    std::shared_ptr<const CallOptions> unbound;
    const OperatorCall *bound = args.optionsAs<OperatorCall>();
    if (bound == nullptr) {
        unbound = bindCallOptions(nlohmann::json::object());
        bound = static_cast<const OperatorCall *>(unbound.get());
    }
    // An operand is a tensor, or a constant written into the node (`x * 2.0`).
    auto operand = [&](const std::string &parameter) {
        return operandTensor(args, bound, parameter, where);
    };
    const nlohmann::json &params = bound->params;
    CallResult result;
    if (m_spec.kind == Kind::Concatenate || m_spec.kind == Kind::Stack) {
        // ops.concatenate(xs, axis=0) / ops.stack(xs, axis=0): Keras's default axis is 0.
        const nlohmann::json axis = params.contains("axis") ? params.at("axis") : nlohmann::json(0);
        if (axis.is_null())
            throw InputFileError(where + ": the axis is null; Keras requires an integer axis.");
        result.outputs.push_back(applyJoin(m_spec, args.all("xs"), axis, 0, where));
    } else if (m_spec.kind == Kind::Binary || m_spec.kind == Kind::Matmul) {
        const Tensor y = operand("x2");
        result.outputs.push_back(applyOperator(m_spec, operand("x1"), &y, params, where));
    } else {
        result.outputs.push_back(applyOperator(m_spec, operand("x"), nullptr, params, where));
    }
    return result;
}

} // namespace attnlens
