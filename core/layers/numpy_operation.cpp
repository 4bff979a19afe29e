#include "core/layers/numpy_operation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/errors.h"
#include "core/layers/activation_function.h"
#include "core/layers/layer_util.h"
#include "core/layers/numpy_array_ops.h"

namespace attnlens {

namespace {

using Kind = OperationSpec::Kind;
using ClassicKind = OperatorSpec::Kind;
using ActKind = ActivationFunction::Kind;

/// One operation class: what it computes and its call parameters in Keras's positional order.
struct Definition
{
    OperationSpec spec;
    std::vector<std::string> signature;
};

const std::vector<std::string> kX = {"x"};
const std::vector<std::string> kX1X2 = {"x1", "x2"};

Definition classic(OperatorSpec s, std::vector<std::string> signature)
{
    OperationSpec spec;
    spec.classic = s;
    return {spec, std::move(signature)};
}

Definition binary(BinaryOp op)
{
    OperatorSpec s;
    s.kind = ClassicKind::Binary;
    s.binary = op;
    return classic(s, kX1X2);
}

Definition unary(UnaryOp op, float defaultParam = 0.0f)
{
    OperatorSpec s;
    s.kind = ClassicKind::Unary;
    s.unary = op;
    Definition d = classic(s, kX);
    d.spec.value = defaultParam;
    return d;
}

Definition reduction(ReduceOp op)
{
    OperatorSpec s;
    s.kind = ClassicKind::Reduce;
    s.reduce = op;
    return classic(s, kX);
}

Definition shaped(ClassicKind kind, std::vector<std::string> signature = kX)
{
    OperatorSpec s;
    s.kind = kind;
    return classic(s, std::move(signature));
}

Definition predicate(PredicateOp op)
{
    Definition d {{}, kX1X2};
    d.spec.kind = Kind::Predicate;
    d.spec.predicate = op;
    return d;
}

Definition of(
    Kind kind, std::vector<std::string> signature = kX, bool flag = false, float value = 0)
{
    Definition d {{}, std::move(signature)};
    d.spec.kind = kind;
    d.spec.flag = flag;
    d.spec.value = value;
    return d;
}

Definition activation(ActKind kind, float alpha = 0.0f)
{
    Definition d = of(Kind::Activation, kX, false, alpha);
    d.spec.activation = static_cast<int>(kind);
    return d;
}

// Class names of keras/src/ops/numpy.py, nn.py, math.py and core.py (Keras 3.15).
const std::map<std::string, Definition, std::less<>> &operators()
{
    static const std::map<std::string, Definition, std::less<>> table = {
        // element-wise arithmetic of two operands
        {"Add", binary(BinaryOp::Add)},
        {"Subtract", binary(BinaryOp::Subtract)},
        {"Multiply", binary(BinaryOp::Multiply)},
        {"Divide", binary(BinaryOp::Divide)},
        {"TrueDivide", binary(BinaryOp::Divide)},
        {"FloorDivide", binary(BinaryOp::FloorDivide)},
        {"Mod", binary(BinaryOp::Mod)},
        {"Power", binary(BinaryOp::Power)},
        {"Maximum", binary(BinaryOp::Maximum)},
        {"Minimum", binary(BinaryOp::Minimum)},
        {"Arctan2", binary(BinaryOp::Arctan2)},
        {"Hypot", binary(BinaryOp::Hypot)},
        {"Logaddexp", binary(BinaryOp::Logaddexp)},
        {"Heaviside", binary(BinaryOp::Heaviside)},
        // comparisons and logical operations
        {"Equal", predicate(PredicateOp::Equal)},
        {"NotEqual", predicate(PredicateOp::NotEqual)},
        {"Greater", predicate(PredicateOp::Greater)},
        {"GreaterEqual", predicate(PredicateOp::GreaterEqual)},
        {"Less", predicate(PredicateOp::Less)},
        {"LessEqual", predicate(PredicateOp::LessEqual)},
        {"LogicalAnd", predicate(PredicateOp::LogicalAnd)},
        {"LogicalOr", predicate(PredicateOp::LogicalOr)},
        {"LogicalXor", predicate(PredicateOp::LogicalXor)},
        {"LogicalNot", unary(UnaryOp::LogicalNot)},
        {"Isnan", unary(UnaryOp::IsNan)},
        {"Isinf", unary(UnaryOp::IsInf)},
        {"Isfinite", unary(UnaryOp::IsFinite)},
        {"Signbit", unary(UnaryOp::Signbit)},
        {"Where", of(Kind::Where, {"condition", "x1", "x2"})},
        // element-wise functions
        {"Sqrt", unary(UnaryOp::Sqrt)},
        {"Rsqrt", unary(UnaryOp::Rsqrt)},
        {"Square", unary(UnaryOp::Square)},
        {"Exp", unary(UnaryOp::Exp)},
        {"Exp2", unary(UnaryOp::Exp2)},
        {"Expm1", unary(UnaryOp::Expm1)},
        {"Log", unary(UnaryOp::Log)},
        {"Log1p", unary(UnaryOp::Log1p)},
        {"Log2", unary(UnaryOp::Log2)},
        {"Log10", unary(UnaryOp::Log10)},
        {"Abs", unary(UnaryOp::Abs)},
        {"Absolute", unary(UnaryOp::Abs)},
        {"Negative", unary(UnaryOp::Negative)},
        {"Reciprocal", unary(UnaryOp::Reciprocal)},
        {"Sign", unary(UnaryOp::Sign)},
        {"Floor", unary(UnaryOp::Floor)},
        {"Ceil", unary(UnaryOp::Ceil)},
        {"Trunc", unary(UnaryOp::Trunc)},
        {"Round", unary(UnaryOp::Round)},
        {"Cbrt", unary(UnaryOp::Cbrt)},
        {"Sin", unary(UnaryOp::Sin)},
        {"Cos", unary(UnaryOp::Cos)},
        {"Tan", unary(UnaryOp::Tan)},
        {"Arcsin", unary(UnaryOp::Arcsin)},
        {"Arccos", unary(UnaryOp::Arccos)},
        {"Arctan", unary(UnaryOp::Arctan)},
        {"Sinh", unary(UnaryOp::Sinh)},
        {"Cosh", unary(UnaryOp::Cosh)},
        {"Tanh", unary(UnaryOp::Tanh)},
        {"Arcsinh", unary(UnaryOp::Arcsinh)},
        {"Arccosh", unary(UnaryOp::Arccosh)},
        {"Arctanh", unary(UnaryOp::Arctanh)},
        {"Erf", unary(UnaryOp::Erf)},
        {"Erfinv", unary(UnaryOp::Erfinv)},
        {"Clip", of(Kind::Clip)},
        {"Cast", of(Kind::Cast)},
        {"ConvertToTensor", of(Kind::Cast)},
        {"StopGradient", of(Kind::Identity, {"variable"})},
        {"Copy", of(Kind::Identity)},
        // keras.ops.nn
        {"Relu", unary(UnaryOp::Relu)},
        {"Sigmoid", unary(UnaryOp::Sigmoid)},
        {"LogSigmoid", unary(UnaryOp::LogSigmoid)},
        {"TanhShrink", unary(UnaryOp::TanhShrink)},
        {"Squareplus", unary(UnaryOp::Squareplus, 4.0f)},
        {"SparsePlus", unary(UnaryOp::SparsePlus)},
        {"HardTanh", unary(UnaryOp::HardTanh)},
        {"SoftShrink", unary(UnaryOp::SoftShrink, 0.5f)},
        {"HardShrink", unary(UnaryOp::HardShrink, 0.5f)},
        {"Celu", unary(UnaryOp::Celu, 1.0f)},
        {"Relu6", activation(ActKind::Relu6)},
        {"Softplus", activation(ActKind::Softplus)},
        {"Softsign", activation(ActKind::Softsign)},
        {"Silu", activation(ActKind::Silu)},
        {"HardSigmoid", activation(ActKind::HardSigmoid)},
        {"HardSilu", activation(ActKind::HardSilu)},
        {"Elu", activation(ActKind::Elu, 1.0f)},
        {"Selu", activation(ActKind::Selu)},
        {"Gelu", activation(ActKind::GeluTanh)},
        {"LeakyRelu", activation(ActKind::LeakyRelu, 0.2f)},
        {"Mish", activation(ActKind::Mish)},
        {"Softmax", shaped(ClassicKind::Softmax)},
        {"LogSoftmax", of(Kind::LogSoftmax)},
        {"Glu", of(Kind::Glu)},
        {"Threshold", of(Kind::Threshold)},
        {"OneHot", of(Kind::OneHot)},
        // reductions
        {"Mean", reduction(ReduceOp::Mean)},
        {"Sum", reduction(ReduceOp::Sum)},
        {"Max", reduction(ReduceOp::Max)},
        {"Amax", reduction(ReduceOp::Max)},
        {"Min", reduction(ReduceOp::Min)},
        {"Amin", reduction(ReduceOp::Min)},
        {"Any", of(Kind::AnyAll, kX, false)},
        {"All", of(Kind::AnyAll, kX, true)},
        {"Prod", of(Kind::Prod)},
        {"Argmax", of(Kind::ArgReduce, kX, true)},
        {"Argmin", of(Kind::ArgReduce, kX, false)},
        {"Std", of(Kind::Moments, kX, true)},
        {"Var", of(Kind::Moments, kX, false)},
        {"Cumsum", of(Kind::Cumulative, kX, false)},
        {"Cumprod", of(Kind::Cumulative, kX, true)},
        {"Logsumexp", of(Kind::LogSumExp)},
        // shapes and rearranging
        {"Transpose", shaped(ClassicKind::Transpose)},
        {"ExpandDims", shaped(ClassicKind::ExpandDims)},
        {"Squeeze", shaped(ClassicKind::Squeeze)},
        {"Reshape", shaped(ClassicKind::Reshape)},
        {"Concatenate", shaped(ClassicKind::Concatenate, {"xs"})},
        {"Stack", shaped(ClassicKind::Stack, {"xs"})},
        {"Tile", of(Kind::Tile)},
        {"Repeat", of(Kind::Repeat)},
        {"BroadcastTo", of(Kind::BroadcastTo)},
        {"Pad", of(Kind::Pad, {"x", "constant_values"})},
        {"Split", of(Kind::Split)},
        {"Unstack", of(Kind::Unstack)},
        {"Flip", of(Kind::Flip)},
        {"Roll", of(Kind::Roll)},
        {"Moveaxis", of(Kind::Moveaxis)},
        {"Swapaxes", of(Kind::Swapaxes)},
        {"Tril", of(Kind::Triangle, kX, true)},
        {"Triu", of(Kind::Triangle, kX, false)},
        {"Take", of(Kind::Take, {"x", "indices"})},
        {"TakeAlongAxis", of(Kind::TakeAlongAxis, {"x", "indices"})},
        // products
        {"Matmul", shaped(ClassicKind::Matmul, kX1X2)},
        {"Dot", of(Kind::Dot, kX1X2)},
        {"Tensordot", of(Kind::Tensordot, kX1X2)},
        {"Einsum",
            of(Kind::Einsum,
                {"operands_0", "operands_1", "operands_2", "operands_3", "operands_4", "operands_5",
                    "operands_6", "operands_7"})},
        // constructors
        {"Arange", of(Kind::Arange, {"start", "stop", "step"})},
        {"ZerosLike", of(Kind::FullLike, kX, false, 0.0f)},
        {"OnesLike", of(Kind::FullLike, kX, false, 1.0f)},
        {"FullLike", of(Kind::FullLike, {"x", "fill_value"}, true)},
    };
    return table;
}

/// Operation classes of keras/src/ops (numpy, nn, math, core, linalg, image) that AttnLens does
/// not run: with data-dependent shapes, sorting, loops, signal and linear algebra. Knowing their
/// names lets a legacy .h5 (no module) be refused as an operation rather than an unknown layer.
const std::set<std::string, std::less<>> &refusedOperations()
{
    static const std::set<std::string, std::less<>> names = {"AdaptiveAveragePool",
        "AdaptiveMaxPool", "AffineTransform", "Angle", "Append", "Argpartition", "Argsort", "Array",
        "AssociativeScan", "Average", "AveragePool", "Bartlett", "Bincount", "BitwiseAnd",
        "BitwiseInvert", "BitwiseLeftShift", "BitwiseNot", "BitwiseOr", "BitwiseRightShift",
        "BitwiseXor", "Blackman", "Cholesky", "Cond", "Conj", "Conjugate", "Conv", "ConvTranspose",
        "Corrcoef", "CountNonzero", "CropImages", "Cross", "CtcDecode", "CtcLoss", "Deg2rad",
        "DepthwiseConv", "Det", "Diag", "Diagflat", "Diagonal", "Diff", "Digitize",
        "DotProductAttention", "Eig", "Eigh", "Empty", "ExtractPatches", "ExtractSequences", "Eye",
        "FFT", "FFT2", "ForiLoop", "Full", "Gcd", "Hamming", "Hanning", "Histogram", "Hstack",
        "IFFT2", "IRFFT", "ISTFT", "InTopK", "Inv", "Isclose", "Isin", "Kaiser", "Kron", "Lcm",
        "LeftShift", "Linspace", "Logdet", "Logspace", "Lstsq", "Lu", "Map", "MapCoordinates",
        "MaxPool", "Median", "Meshgrid", "Moments", "MultiHot", "NanToNum", "Ndim", "Nonzero",
        "Norm", "Normalize", "Ones", "Outer", "PadImages", "Polar", "Psnr", "Qr", "Quantile",
        "RFFT", "Rad2deg", "Ravel", "Real", "Resize", "RgbToGrayscale", "RightShift",
        "RmsNormalization", "STFT", "SaturateCast", "Scan", "Scatter", "ScatterUpdate",
        "Searchsorted", "SegmentMax", "SegmentSum", "Select", "SeparableConv", "Size", "Slice",
        "SliceUpdate", "Slogdet", "Solve", "SolveTriangular", "Sort", "Sparsemax", "Svd", "Switch",
        "TopK", "Trace", "Tri", "UnravelIndex", "Vdot", "VectorizedMap", "Vectorize", "Vstack",
        "WhileLoop", "Zeros"};
    return names;
}

bool startsWith(const std::string &s, std::string_view prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

/// The operation's arguments from its config (or a call's keyword constants): everything but
/// its name, Reshape's target (`newshape`, or `new_shape` in later releases) as "shape".
nlohmann::json paramsFrom(const nlohmann::json &config)
{
    nlohmann::json params = nlohmann::json::object();
    if (!config.is_object())
        return params;
    for (auto it = config.begin(); it != config.end(); ++it)
        if (it.key() != "name")
            params[it.key()] = it.value();
    for (const char *key : {"newshape", "new_shape"})
        if (config.contains(key) && !config[key].is_null())
            params["shape"] = config[key];
    return params;
}

nlohmann::json param(const nlohmann::json &params, const char *key)
{
    const auto it = params.find(key);
    return it == params.end() ? nlohmann::json() : *it;
}

bool keepdimsOf(const nlohmann::json &params, const ErrorWhere &where)
{
    const nlohmann::json keep = param(params, "keepdims");
    if (!keep.is_null() && !keep.is_boolean())
        throw InputFileError(where + ": keepdims is " + keep.dump() + ", not true or false.");
    return keep.is_boolean() && keep.get<bool>();
}

float number(const nlohmann::json &value, float fallback, const char *what, const ErrorWhere &where)
{
    if (value.is_null())
        return fallback;
    if (value.is_boolean())
        return value.get<bool>() ? 1.0f : 0.0f;
    if (!value.is_number())
        throw InputFileError(
            where + ": " + what + " is " + value.dump().substr(0, 60) + ", not a number.");
    return value.get<float>();
}

std::int64_t intParam(
    const nlohmann::json &value, std::int64_t fallback, const char *what, const ErrorWhere &where)
{
    if (value.is_null())
        return fallback;
    if (!value.is_number_integer())
        throw InputFileError(
            where + ": " + what + " is " + value.dump().substr(0, 60) + ", not an integer.");
    return value.get<std::int64_t>();
}

/// The dtype a config names (null: `fallback`). A dtype AttnLens has not (string, complex) is
/// refused.
DType dtypeParam(const nlohmann::json &value, DType fallback, const ErrorWhere &where)
{
    if (value.is_null())
        return fallback;
    std::string name;
    if (value.is_string())
        name = value.get<std::string>();
    else if (value.is_object() && value.contains("config") && value["config"].contains("name"))
        name = value["config"]["name"].get<std::string>(); // a DTypePolicy
    const std::optional<DType> dtype = dtypeFromName(name);
    if (!dtype)
        throw UnsupportedModelError(where + ": dtype " + value.dump().substr(0, 60)
            + " is not one AttnLens computes (float, int and bool tensors).");
    return *dtype;
}

/// `t` tagged `dtype`, its values rounded to what the dtype holds (no pass for float32).
Tensor typed(Tensor t, DType dtype)
{
    if (dtype != DType::Float32 && dtype != DType::Float64 && dtype != t.dtype())
        convertValues(t.data(), t.size(), dtype);
    t.setDType(dtype);
    return t;
}

/// Keras's `backend.floatx()` for an integer or bool input, else the input's own float dtype.
DType floatOf(DType dtype)
{
    return isFloating(dtype) ? dtype : DType::Float32;
}

/// The dtype of sum / prod / cumsum: small integers and bool widen to 32 bits (Keras's
/// numpy backend sum).
DType sumDType(DType dtype)
{
    switch (dtype) {
    case DType::Bool:
    case DType::Int8:
    case DType::Int16:
        return DType::Int32;
    case DType::UInt8:
    case DType::UInt16:
        return DType::UInt32;
    default:
        return resultType({{dtype, false}});
    }
}

float unaryParam(UnaryOp op, const nlohmann::json &params, float fallback, const ErrorWhere &where)
{
    switch (op) {
    case UnaryOp::Round:
        return static_cast<float>(intParam(param(params, "decimals"), 0, "decimals", where));
    case UnaryOp::Squareplus:
        return number(param(params, "b"), fallback, "b", where);
    case UnaryOp::SoftShrink:
    case UnaryOp::HardShrink:
        return number(param(params, "threshold"), fallback, "threshold", where);
    case UnaryOp::Celu:
        return number(param(params, "alpha"), fallback, "alpha", where);
    default:
        return fallback;
    }
}

/// The result dtype of a unary function of an operand of `dtype` (keras/src/ops/numpy.py
/// compute_output_spec): predicates are bool, abs / negative / sign / round keep integers
/// (square and negative of a bool are int32), the rest compute in float.
DType unaryDType(UnaryOp op, DType dtype)
{
    if (isPredicate(op))
        return DType::Bool;
    if (isFloating(dtype))
        return dtype;
    if (!keepsIntegerDType(op))
        return DType::Float32;
    if (dtype == DType::Bool && (op == UnaryOp::Square || op == UnaryOp::Negative))
        return DType::Int32;
    return resultType({{dtype, false}});
}

} // namespace

NumpyOperation::NumpyOperation(
    std::string name, std::string className, OperationSpec spec, nlohmann::json params)
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
    // Cast, OneHot, Cumsum ... have a "dtype" argument but no keras.layers twin: their registry
    // rows send them here.
    return isSupportedClass(config.className) && looksLikeOperation(config);
}

bool NumpyOperation::looksLikeOperation(const LayerConfig &config)
{
    if (startsWith(config.module, "keras.src.ops") || startsWith(config.module, "keras.ops"))
        return true;
    const bool kerasOperation
        = isSupportedClass(config.className) || refusedOperations().count(config.className) > 0;
    return kerasOperation && config.module.empty()
        && (config.registeredName.empty() || config.registeredName == config.className)
        && config.config.is_object() && !config.config.contains("trainable");
}

bool NumpyOperation::isSupportedClass(std::string_view className)
{
    return operators().find(className) != operators().end();
}

std::vector<std::string> NumpyOperation::supportedClasses()
{
    std::vector<std::string> names;
    for (const auto &row : operators())
        names.push_back(row.first);
    return names;
}

void NumpyOperation::refuse(const LayerConfig &config)
{
    std::string list;
    for (const auto &row : operators())
        list += (list.empty() ? "" : ", ") + row.first;
    const std::string module = config.module.empty() ? std::string() : " (" + config.module + ")";
    throw UnsupportedModelError(layerWhere(config) + " is the Keras 3 operation '"
        + config.className + "'" + module
        + ", which AttnLens cannot run. To open the model, give AttnLens an architecture JSON "
          "(model.to_json()) in which it is replaced by operations or layers AttnLens runs, or a "
          "recipe for the custom layer that calls it (docs/recipes.md). Operations AttnLens runs: "
        + list + ".");
}

std::unique_ptr<Layer> NumpyOperation::fromKeras(const LayerConfig &config)
{
    const auto it = operators().find(config.className);
    if (it == operators().end())
        refuse(config);
    requireWeightCount(config, {0});
    const nlohmann::json params = paramsFrom(config.config);
    const OperationSpec &spec = it->second.spec;
    if (spec.kind == Kind::Classic && spec.classic.kind == ClassicKind::Reshape
        && !params.contains("shape"))
        throw InputFileError(layerWhere(config)
            + ": the Reshape operation has no target shape (newshape) in its config.");
    if (spec.kind == Kind::Einsum && !param(params, "subscripts").is_string())
        throw InputFileError(
            layerWhere(config) + ": the Einsum operation has no subscripts in its config.");
    return std::unique_ptr<Layer>(new NumpyOperation(config.name, config.className, spec, params));
}

std::vector<std::string> NumpyOperation::callSignature() const
{
    return operators().find(m_className)->second.signature;
}

/// Element-wise operations keep the tensor's positions (a broadcast operand too); softmax and
/// a join along the last axis keep all but the last axis.
PositionRule NumpyOperation::positions() const
{
    switch (m_spec.kind) {
    case Kind::Predicate:
    case Kind::Where:
    case Kind::Cast:
    case Kind::Clip:
    case Kind::Activation:
    case Kind::Threshold:
    case Kind::Identity:
    case Kind::FullLike:
        return PositionRule::elementwise();
    case Kind::LogSoftmax:
        return PositionRule::positionwise();
    case Kind::Classic:
        break;
    default:
        return PositionRule::none();
    }
    switch (m_spec.classic.kind) {
    case ClassicKind::Binary:
    case ClassicKind::Unary:
        return PositionRule::elementwise();
    case ClassicKind::Softmax:
        return PositionRule::positionwise();
    case ClassicKind::Concatenate:
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
    // The constant operands (x1, x2, x, condition ...; a join's list `xs` holds tensors only).
    const bool join = m_spec.kind == Kind::Classic
        && (m_spec.classic.kind == ClassicKind::Concatenate
            || m_spec.classic.kind == ClassicKind::Stack);
    if (!join)
        for (const std::string &parameter : callSignature())
            if (const auto it = constants.find(parameter);
                it != constants.end() && !it->is_null()) {
                Tensor t = tensorFromJson(*it, where());
                call->operandTypes[parameter] = constantOperandType(*it, t);
                call->operands[parameter] = std::move(t);
            }
    return call;
}

NumpyOperation::Operand NumpyOperation::operand(const CallArgs &args, const OperatorCall *call,
    const std::string &parameter, const ErrorWhere &where) const
{
    if (args.has(parameter)) {
        const Tensor &t = args.one(parameter);
        return {t, {t.dtype(), false}};
    }
    Tensor t = operandTensor(args, call, parameter, where);
    const auto it = call->operandTypes.find(parameter);
    return {std::move(t), it == call->operandTypes.end() ? OperandType {} : it->second};
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
    CallResult result;
    result.outputs = compute(args, bound, where);
    return result;
}

Tensor NumpyOperation::computeClassic(
    const CallArgs &args, const OperatorCall *call, const ErrorWhere &where) const
{
    const OperatorSpec &spec = m_spec.classic;
    const nlohmann::json &params = call->params;
    switch (spec.kind) {
    case ClassicKind::Concatenate:
    case ClassicKind::Stack: {
        // ops.concatenate(xs, axis=0) / ops.stack(xs, axis=0): Keras's default axis is 0.
        const nlohmann::json axis = params.contains("axis") ? params.at("axis") : nlohmann::json(0);
        if (axis.is_null())
            throw InputFileError(where + ": the axis is null; Keras requires an integer axis.");
        const std::vector<Tensor> &parts = args.all("xs");
        std::vector<OperandType> types;
        for (const Tensor &t : parts)
            types.push_back({t.dtype(), false});
        return typed(applyJoin(spec, parts, axis, 0, where), resultType(types));
    }
    case ClassicKind::Binary:
    case ClassicKind::Matmul: {
        const Operand a = operand(args, call, "x1", where);
        const Operand b = operand(args, call, "x2", where);
        std::vector<OperandType> types = {a.type, b.type};
        if (spec.kind == ClassicKind::Binary && spec.binary == BinaryOp::Divide)
            types.push_back({DType::Float32, true}); // result_type(x1, x2, float)
        DType dtype = resultType(types);
        if (spec.kind == ClassicKind::Binary
            && (spec.binary == BinaryOp::Arctan2 || spec.binary == BinaryOp::Hypot
                || spec.binary == BinaryOp::Logaddexp))
            dtype = floatOf(dtype);
        Tensor out = applyOperator(spec, a.tensor, &b.tensor, params, where);
        if (isInteger(dtype) && spec.kind == ClassicKind::Binary
            && (spec.binary == BinaryOp::FloorDivide || spec.binary == BinaryOp::Mod))
            for (float &v : out.values())
                if (!std::isfinite(v))
                    v = 0.0f; // NumPy's integer division by zero
        return typed(std::move(out), dtype);
    }
    case ClassicKind::Unary: {
        const Operand x = operand(args, call, "x", where);
        const float p = unaryParam(spec.unary, params, m_spec.value, where);
        const DType dtype = unaryDType(spec.unary, x.type.dtype);
        if (spec.unary == UnaryOp::Round && isInteger(dtype) && p >= 0.0f)
            return typed(x.tensor, dtype);
        return typed(unaryOp(x.tensor, spec.unary, p), dtype);
    }
    case ClassicKind::Reduce: {
        const Operand x = operand(args, call, "x", where);
        DType dtype = x.type.dtype;
        if (spec.reduce == ReduceOp::Sum)
            dtype = sumDType(dtype);
        else if (spec.reduce == ReduceOp::Mean)
            dtype = floatOf(dtype);
        return typed(applyOperator(spec, x.tensor, nullptr, params, where), dtype);
    }
    case ClassicKind::Softmax: {
        const Operand x = operand(args, call, "x", where);
        return typed(applyOperator(spec, x.tensor, nullptr, params, where), floatOf(x.type.dtype));
    }
    default: {
        // Transpose, ExpandDims, Squeeze, Reshape keep the dtype.
        const Operand x = operand(args, call, "x", where);
        return typed(applyOperator(spec, x.tensor, nullptr, params, where), x.type.dtype);
    }
    }
}

std::vector<Tensor> NumpyOperation::compute(
    const CallArgs &args, const OperatorCall *call, const ErrorWhere &where) const
{
    const nlohmann::json &params = call->params;
    auto x = [&]() { return operand(args, call, callSignature().front(), where); };
    auto axisOf = [&]() { return param(params, "axis"); };
    auto flags = [&](const Tensor &t) { return axisFlags(param(params, "axis"), t.rank(), where); };
    switch (m_spec.kind) {
    case Kind::Classic:
        return {computeClassic(args, call, where)};
    case Kind::Predicate: {
        const Operand a = operand(args, call, "x1", where);
        const Operand b = operand(args, call, "x2", where);
        return {predicateOp(a.tensor, b.tensor, m_spec.predicate, where)};
    }
    case Kind::Where: {
        if (!args.has("x1") && !call->operands.count("x1"))
            throw UnsupportedModelError(where
                + ": where(condition) with one argument gives the indices of the true values, a "
                  "tensor whose size depends on the data; AttnLens runs where(condition, x1, x2).");
        const Operand c = operand(args, call, "condition", where);
        const Operand a = operand(args, call, "x1", where);
        const Operand b = operand(args, call, "x2", where);
        return {
            typed(whereSelect(c.tensor, a.tensor, b.tensor, where), resultType({a.type, b.type}))};
    }
    case Kind::Cast: {
        const Operand v = x();
        return {typed(v.tensor, dtypeParam(param(params, "dtype"), v.type.dtype, where))};
    }
    case Kind::Identity:
        return {x().tensor};
    case Kind::Clip: {
        const Operand v = x();
        DType dtype = v.type.dtype == DType::Bool ? DType::Int32 : v.type.dtype;
        auto bound = [&](const char *key, float fallback) {
            const nlohmann::json j = param(params, key);
            return j.is_null() ? Tensor(Shape {}, fallback) : tensorFromJson(j, where);
        };
        const float inf = std::numeric_limits<float>::infinity();
        return {
            typed(clipValues(v.tensor, bound("x_min", -inf), bound("x_max", inf), where), dtype)};
    }
    case Kind::AnyAll: {
        const Operand v = x();
        return {reduceAnyAll(v.tensor, flags(v.tensor), keepdimsOf(params, where), m_spec.flag)};
    }
    case Kind::Prod: {
        const Operand v = x();
        return {typed(reduceProduct(v.tensor, flags(v.tensor), keepdimsOf(params, where)),
            dtypeParam(param(params, "dtype"), sumDType(v.type.dtype), where))};
    }
    case Kind::ArgReduce:
        return {argReduce(x().tensor, axisOf(), keepdimsOf(params, where), m_spec.flag, where)};
    case Kind::Moments: {
        const Operand v = x();
        return {
            typed(reduceMoments(v.tensor, flags(v.tensor), keepdimsOf(params, where), m_spec.flag),
                floatOf(v.type.dtype))};
    }
    case Kind::LogSumExp: {
        const Operand v = x();
        return {typed(reduceLogSumExp(v.tensor, flags(v.tensor), keepdimsOf(params, where)),
            floatOf(v.type.dtype))};
    }
    case Kind::Cumulative: {
        const Operand v = x();
        return {typed(cumulative(v.tensor, axisOf(), m_spec.flag, where),
            dtypeParam(param(params, "dtype"), sumDType(v.type.dtype), where))};
    }
    case Kind::Tile:
        return {tile(x().tensor, param(params, "repeats"), where)};
    case Kind::Repeat:
        return {repeatValues(x().tensor, param(params, "repeats"), axisOf(), where)};
    case Kind::BroadcastTo: {
        const Operand v = x();
        const nlohmann::json shape = param(params, "shape");
        if (!shape.is_array() || shape.size() > 32)
            throw InputFileError(where + ": broadcast_to shape " + shape.dump().substr(0, 60)
                + " is not a list of sizes.");
        Shape target;
        for (const auto &d : shape)
            target.push_back(intParam(d, 1, "a broadcast_to size", where));
        return {typed(broadcastTo(v.tensor, target, where), v.type.dtype)};
    }
    case Kind::Pad: {
        const Operand v = x();
        float constant = 0.0f;
        if (args.has("constant_values") || call->operands.count("constant_values")) {
            const Tensor c = operand(args, call, "constant_values", where).tensor;
            if (c.size() != 1)
                throw UnsupportedModelError(
                    where + ": pad with one constant per axis is not supported (give one value).");
            constant = c.data()[0];
        }
        const nlohmann::json mode = param(params, "mode");
        return {pad(v.tensor, param(params, "pad_width"),
            mode.is_string() ? mode.get<std::string>() : "constant", constant, where)};
    }
    case Kind::Split: {
        const nlohmann::json axis = axisOf();
        const Operand v = x();
        if (intParam(axis, 0, "axis", where) == 0
            || intParam(axis, 0, "axis", where) == -v.tensor.rank())
            throw UnsupportedModelError(where
                + ": split along axis 0, the batch axis, would depend on how AttnLens groups "
                  "rows into batches. Split along another axis and save the model again.");
        return split(v.tensor, param(params, "indices_or_sections"), axis, where);
    }
    case Kind::Unstack: {
        const Operand v = x();
        const std::int64_t axis = intParam(axisOf(), 0, "axis", where);
        if (axis == 0 || axis == -v.tensor.rank())
            throw UnsupportedModelError(where
                + ": unstack along axis 0, the batch axis, gives one output per sample; AttnLens "
                  "cannot know their number. Unstack another axis and save the model again.");
        const int a = static_cast<int>(axis < 0 ? axis + v.tensor.rank() : axis);
        std::vector<Tensor> parts
            = split(v.tensor, nlohmann::json(v.tensor.dim(a)), nlohmann::json(a), where);
        for (Tensor &p : parts)
            p = squeeze(p, nlohmann::json(a), where);
        return parts;
    }
    case Kind::Flip:
        return {flip(x().tensor, axisOf(), where)};
    case Kind::Roll:
        return {roll(x().tensor, param(params, "shift"), axisOf(), where)};
    case Kind::Moveaxis:
        return {moveAxes(x().tensor, param(params, "source"), param(params, "destination"), where)};
    case Kind::Swapaxes:
        return {swapAxes(x().tensor, intParam(param(params, "axis1"), 0, "axis1", where),
            intParam(param(params, "axis2"), 1, "axis2", where), where)};
    case Kind::Triangle: {
        const Operand v = x();
        return {typed(
            triangle(v.tensor, intParam(param(params, "k"), 0, "k", where), m_spec.flag, where),
            v.type.dtype)};
    }
    case Kind::Take:
    case Kind::TakeAlongAxis: {
        const Operand v = x();
        const Tensor indices = operand(args, call, "indices", where).tensor;
        Tensor out = m_spec.kind == Kind::Take ? take(v.tensor, indices, axisOf(), where)
                                               : takeAlongAxis(v.tensor, indices, axisOf(), where);
        return {typed(std::move(out), v.type.dtype)};
    }
    case Kind::Dot:
    case Kind::Tensordot: {
        const Operand a = operand(args, call, "x1", where);
        const Operand b = operand(args, call, "x2", where);
        Tensor out = m_spec.kind == Kind::Dot
            ? dot(a.tensor, b.tensor, where)
            : tensordot(a.tensor, b.tensor, params.value("axes", nlohmann::json(2)), where);
        return {typed(std::move(out), resultType({a.type, b.type}))};
    }
    case Kind::Einsum: {
        std::vector<Tensor> operands;
        std::vector<OperandType> types;
        for (const std::string &p : callSignature()) {
            if (!args.has(p) && !call->operands.count(p))
                break;
            Operand o = operand(args, call, p, where);
            operands.push_back(std::move(o.tensor));
            types.push_back(o.type);
        }
        return {typed(einsum(param(params, "subscripts").get<std::string>(), operands, where),
            resultType(types))};
    }
    case Kind::OneHot: {
        const nlohmann::json sparse = param(params, "sparse");
        if (sparse.is_boolean() && sparse.get<bool>())
            throw UnsupportedModelError(where + ": a sparse one_hot is not supported.");
        Tensor out
            = oneHot(x().tensor, intParam(param(params, "num_classes"), 0, "num_classes", where),
                static_cast<int>(intParam(axisOf(), -1, "axis", where)), where);
        return {typed(std::move(out), dtypeParam(param(params, "dtype"), DType::Float32, where))};
    }
    case Kind::LogSoftmax: {
        const Operand v = x();
        const int rank = v.tensor.rank();
        const std::int64_t axis = intParam(axisOf(), -1, "axis", where);
        if (axis < -rank || axis >= rank)
            throw ShapeError(where + ": axis " + std::to_string(axis) + " is out of range.");
        const int a = static_cast<int>(axis < 0 ? axis + rank : axis);
        std::vector<int> perm;
        for (int d = 0; d < rank; ++d)
            if (d != a)
                perm.push_back(d);
        perm.push_back(a);
        std::vector<int> back(perm.size());
        for (std::size_t i = 0; i < perm.size(); ++i)
            back[static_cast<std::size_t>(perm[i])] = static_cast<int>(i);
        Tensor moved = permuteAxes(v.tensor, perm);
        const std::int64_t n = v.tensor.dim(a);
        if (n > 0)
            logSoftmaxRows(moved.data(), moved.size() / n, n);
        return {typed(permuteAxes(moved, back), floatOf(v.type.dtype))};
    }
    case Kind::Activation: {
        const Operand v = x();
        auto kind = static_cast<ActKind>(m_spec.activation);
        float alpha = m_spec.value;
        if (kind == ActKind::LeakyRelu)
            alpha = number(param(params, "negative_slope"), alpha, "negative_slope", where);
        if (kind == ActKind::Elu)
            alpha = number(param(params, "alpha"), alpha, "alpha", where);
        if (kind == ActKind::GeluTanh) {
            const nlohmann::json approximate = param(params, "approximate");
            if (approximate.is_boolean() && !approximate.get<bool>())
                kind = ActKind::Gelu;
        }
        Tensor out = v.tensor;
        ActivationFunction::of(kind, alpha).apply(out);
        return {typed(std::move(out), floatOf(v.type.dtype))};
    }
    case Kind::Glu: {
        const Operand v = x();
        const std::vector<Tensor> halves = split(v.tensor, nlohmann::json(2),
            param(params, "axis").is_null() ? nlohmann::json(-1) : param(params, "axis"), where);
        return {typed(
            binaryOp(halves[0], unaryOp(halves[1], UnaryOp::Sigmoid), BinaryOp::Multiply, where),
            floatOf(v.type.dtype))};
    }
    case Kind::Threshold: {
        const Operand v = x();
        const float threshold = number(param(params, "threshold"), 0.0f, "threshold", where);
        const float fill = number(param(params, "default_value"), 0.0f, "default_value", where);
        Tensor out = v.tensor;
        for (float &e : out.values())
            e = e > threshold ? e : fill;
        return {typed(std::move(out), v.type.dtype)};
    }
    case Kind::Arange: {
        std::vector<OperandType> types;
        auto value = [&](const char *p, std::optional<double> fallback) -> std::optional<double> {
            if (!args.has(p) && !call->operands.count(p))
                return fallback;
            const Operand o = operand(args, call, p, where);
            if (o.tensor.size() != 1)
                throw ShapeError(where + ": arange's " + p + " is not a scalar.");
            types.push_back(o.type);
            return o.tensor.data()[0];
        };
        const double first = *value("start", 0.0);
        const std::optional<double> stop = value("stop", std::nullopt);
        const double step = *value("step", 1.0);
        Tensor out = stop ? arange(first, *stop, step, where) : arange(0.0, first, step, where);
        return {
            typed(std::move(out), dtypeParam(param(params, "dtype"), resultType(types), where))};
    }
    case Kind::FullLike: {
        const Operand v = x();
        float fill = m_spec.value;
        if (m_spec.flag) {
            const Operand f = operand(args, call, "fill_value", where);
            if (f.tensor.size() != 1)
                throw UnsupportedModelError(where + ": full_like with a non-scalar fill value.");
            fill = f.tensor.data()[0];
        }
        Tensor out(v.tensor.shape(), fill);
        return {typed(std::move(out), dtypeParam(param(params, "dtype"), v.type.dtype, where))};
    }
    }
    return {};
}

} // namespace attnlens
