#include "core/keras/keras_axis_origin.h"

#include <map>

namespace attnlens {

namespace {

using nlohmann::json;

/// How a layer class treats positions.
struct PositionTraits
{
    /// Maps every axis, the last one included, position by position (element-wise layers).
    bool elementwise = false;
    /// The call parameter whose positions the output keeps; empty = the first one.
    std::string follows;
    /// Extra condition on the layer config (null = always).
    bool (*condition)(const json &config) = nullptr;
};

bool returnsSequences(const json &config)
{
    return config.value("return_sequences", false);
}

bool bidirectionalReturnsSequences(const json &config)
{
    return config.contains("layer") && config["layer"].is_object()
        && returnsSequences(config["layer"].value("config", json::object()));
}

bool sameLengthConv(const json &config)
{
    const std::string padding = config.value("padding", std::string("valid"));
    const json strides = config.value("strides", json(1));
    const bool unitStride = (strides.is_number_integer() && strides.get<int>() == 1)
        || (strides.is_array() && strides.size() == 1 && strides[0] == 1);
    return unitStride && (padding == "same" || padding == "causal");
}

/// EinsumDense that only contracts the last axis ("abc,cd->abd", "...b,bc->...c").
bool einsumOnLastAxis(const json &config)
{
    const std::string equation = config.value("equation", std::string());
    const auto comma = equation.find(',');
    const auto arrow = equation.find("->");
    if (comma == std::string::npos || arrow == std::string::npos || comma == 0)
        return false;
    const std::string lhs = equation.substr(0, comma);
    const std::string out = equation.substr(arrow + 2);
    return lhs.size() == out.size()
        && lhs.substr(0, lhs.size() - 1) == out.substr(0, out.size() - 1);
}

bool concatenatesLastAxis(const json &config)
{
    return config.value("axis", -1) == -1;
}

/// A TFOpLambda that maps element by element (tf.math.add, tf.nn.relu, ...); reductions,
/// softmax, reshapes, transposes, products and joins (tf.concat, tf.stack) move or merge
/// positions.
bool elementwiseTfOp(const json &config)
{
    std::string f = config.value("function", std::string());
    if (f.rfind("tf.", 0) == 0)
        f.erase(0, 3);
    if (f.rfind("math.reduce_", 0) == 0 || f == "math.softmax")
        return false;
    return f.rfind("math.", 0) == 0 || f.rfind("__operators__.", 0) == 0 || f == "nn.relu";
}

PositionTraits elementwise(bool (*condition)(const json &) = nullptr)
{
    PositionTraits traits;
    traits.elementwise = true;
    traits.condition = condition;
    return traits;
}

PositionTraits positionwise(std::string follows = {}, bool (*condition)(const json &) = nullptr)
{
    PositionTraits traits;
    traits.follows = std::move(follows);
    traits.condition = condition;
    return traits;
}

/// The one table of class names that keep positions along the sequence axis.
const std::map<std::string, PositionTraits> &traitsTable()
{
    static const std::map<std::string, PositionTraits> table = {
        // element-wise: every axis keeps its meaning
        {"Activation", elementwise()},
        {"ActivityRegularization", elementwise()},
        {"Add", elementwise()},
        {"AlphaDropout", elementwise()},
        {"Average", elementwise()},
        {"BatchNormalization", elementwise()},
        {"Dropout", elementwise()},
        {"ELU", elementwise()},
        {"GaussianDropout", elementwise()},
        {"GaussianNoise", elementwise()},
        {"Identity", elementwise()},
        {"LeakyReLU", elementwise()},
        {"Masking", elementwise()},
        {"Maximum", elementwise()},
        {"Minimum", elementwise()},
        {"Multiply", elementwise()},
        {"Normalization", elementwise()},
        {"PReLU", elementwise()},
        {"ReLU", elementwise()},
        {"Rescaling", elementwise()},
        {"SpatialDropout1D", elementwise()},
        {"Subtract", elementwise()},
        {"TFOpLambda", elementwise(elementwiseTfOp)},
        // position-wise: all axes but the last keep their meaning
        {"Bidirectional", positionwise({}, bidirectionalReturnsSequences)},
        {"Concatenate", positionwise({}, concatenatesLastAxis)},
        {"Conv1D", positionwise({}, sameLengthConv)},
        {"Dense", positionwise()},
        {"EinsumDense", positionwise({}, einsumOnLastAxis)},
        {"GRU", positionwise({}, returnsSequences)},
        {"InterpretableMultiHeadAttention", positionwise("query")},
        {"LSTM", positionwise({}, returnsSequences)},
        {"LayerNormalization", positionwise()},
        {"MultiHeadAttention", positionwise("query")},
        {"RMSNormalization", positionwise()},
        {"SimpleRNN", positionwise({}, returnsSequences)},
        {"Softmax", positionwise()},
        {"UnitNormalization", positionwise()},
    };
    return table;
}

/// Intermediate result: `columns` means "the feature columns of a rank-2 input", which only a
/// Reshape to (F, k) turns into feature tokens.
struct Trace
{
    AxisOrigin origin;
    bool columns = false;
};

class Tracer
{
public:
    Tracer(const Graph &graph, const std::vector<json> &configs, const std::vector<Shape> &inputs)
        : m_graph(graph)
        , m_configs(configs)
        , m_inputs(inputs)
    {
    }

    Trace trace(const ValueRef &ref, int depth) const
    {
        if (depth > 256 || ref.node < 0 || ref.node >= static_cast<int>(m_graph.nodes().size()))
            return {};
        const GraphNode &node = m_graph.nodes()[static_cast<std::size_t>(ref.node)];
        if (node.isInput()) {
            const Shape &shape = m_inputs.at(static_cast<std::size_t>(node.inputIndex));
            Trace t;
            t.origin.inputIndex = node.inputIndex;
            if (shape.size() == 3)
                t.origin.kind = AxisOrigin::Kind::TimeSteps;
            else if (shape.size() == 2)
                t.columns = true;
            else
                t.origin.inputIndex = -1;
            return t;
        }
        const json &config = m_configs.at(static_cast<std::size_t>(node.layer));
        const auto first = firstArgument(node);
        if (node.className == "Reshape" && !first.empty()) {
            const Trace source = trace(first.front(), depth + 1);
            if (!source.columns)
                return {};
            const Shape &input = m_inputs.at(static_cast<std::size_t>(source.origin.inputIndex));
            const json target = config.value("target_shape", json::array());
            if (target.is_array() && target.size() == 2 && target[0].is_number_integer()
                && target[0].get<std::int64_t>() == input[1]) {
                Trace t;
                t.origin = source.origin;
                t.origin.kind = AxisOrigin::Kind::Features;
                return t;
            }
            return {};
        }
        if (node.className == "Embedding" && !first.empty()) {
            const Trace source = trace(first.front(), depth + 1);
            if (source.columns || source.origin.kind == AxisOrigin::Kind::TimeSteps) {
                Trace t;
                t.origin = source.origin;
                t.origin.kind = AxisOrigin::Kind::Tokens;
                return t;
            }
            return {};
        }
        const auto it = traitsTable().find(node.className);
        if (it == traitsTable().end())
            return {};
        const PositionTraits &traits = it->second;
        if (traits.condition != nullptr && !traits.condition(config))
            return {};
        std::vector<ValueRef> sources = first;
        if (!traits.follows.empty()) {
            const auto arg = node.tensorArgs.find(traits.follows);
            sources = arg == node.tensorArgs.end() ? std::vector<ValueRef> {} : arg->second;
        }
        for (const ValueRef &source : sources) {
            Trace t = trace(source, depth + 1);
            if (t.columns && !traits.elementwise)
                continue; // a Dense on (N, F) mixes the feature columns
            if (t.columns || t.origin.kind != AxisOrigin::Kind::Unknown)
                return t;
        }
        return {};
    }

private:
    /// The tensors of the layer's first call parameter.
    std::vector<ValueRef> firstArgument(const GraphNode &node) const
    {
        const auto signature = m_graph.layer(node.layer).callSignature();
        for (const std::string &name : signature) {
            const auto it = node.tensorArgs.find(name);
            if (it != node.tensorArgs.end() && !it->second.empty())
                return it->second;
        }
        return node.tensorArgs.empty() ? std::vector<ValueRef> {} : node.tensorArgs.begin()->second;
    }

    const Graph &m_graph;
    const std::vector<json> &m_configs;
    const std::vector<Shape> &m_inputs;
};

} // namespace

AxisOrigin traceAxisOrigin(const Graph &graph, const ValueRef &ref,
    const std::vector<nlohmann::json> &configs, const std::vector<Shape> &inputShapes)
{
    try {
        const Trace t = Tracer(graph, configs, inputShapes).trace(ref, 0);
        if (t.columns)
            return {};
        return t.origin;
    } catch (...) {
        return {};
    }
}

} // namespace attnlens
