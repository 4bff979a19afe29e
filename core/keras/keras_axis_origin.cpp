#include "core/keras/keras_axis_origin.h"

#include <algorithm>

namespace attnlens {

namespace {

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
    Tracer(const Graph &graph, const std::vector<Shape> &inputs)
        : m_graph(graph)
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
        const PositionRule rule = m_graph.layer(node.layer).positions();
        const auto first = firstArgument(node);
        if (rule.kind == PositionRule::Kind::SplitsColumns && !first.empty()) {
            const Trace source = trace(first.front(), depth + 1);
            if (!source.columns)
                return {};
            const Shape &input = m_inputs.at(static_cast<std::size_t>(source.origin.inputIndex));
            if (rule.columns != input[1])
                return {};
            Trace t;
            t.origin = source.origin;
            t.origin.kind = AxisOrigin::Kind::Features;
            return t;
        }
        if (rule.kind == PositionRule::Kind::Tokens && !first.empty()) {
            const Trace source = trace(first.front(), depth + 1);
            if (source.columns || source.origin.kind == AxisOrigin::Kind::TimeSteps) {
                Trace t;
                t.origin = source.origin;
                t.origin.kind = AxisOrigin::Kind::Tokens;
                return t;
            }
            return {};
        }
        if (rule.kind != PositionRule::Kind::Elementwise
            && rule.kind != PositionRule::Kind::Positionwise)
            return {};
        const bool elementwise = rule.kind == PositionRule::Kind::Elementwise;
        // An element-wise operation keeps the positions of every operand (x1 + x2 writes the
        // residual as the second operand as often as the first), so each one is a source.
        std::vector<ValueRef> sources = elementwise ? everyArgument(node) : first;
        if (!rule.follows.empty()) {
            const auto arg = node.tensorArgs.find(rule.follows);
            sources = arg == node.tensorArgs.end() ? std::vector<ValueRef> {} : arg->second;
        }
        if (rule.followsIndex >= 0) {
            const auto index = static_cast<std::size_t>(rule.followsIndex);
            sources = index < sources.size() ? std::vector<ValueRef> {sources[index]}
                                             : std::vector<ValueRef> {};
        }
        for (const ValueRef &source : sources) {
            Trace t = trace(source, depth + 1);
            if (t.columns && !elementwise)
                continue; // a Dense on (N, F) mixes the feature columns
            if (t.columns || t.origin.kind != AxisOrigin::Kind::Unknown)
                return t;
        }
        return {};
    }

private:
    /// The tensors of every call parameter, in the order of the layer's call signature (then
    /// any others).
    std::vector<ValueRef> everyArgument(const GraphNode &node) const
    {
        std::vector<ValueRef> all;
        const auto signature = m_graph.layer(node.layer).callSignature();
        for (const std::string &name : signature)
            if (const auto it = node.tensorArgs.find(name); it != node.tensorArgs.end())
                all.insert(all.end(), it->second.begin(), it->second.end());
        for (const auto &[name, refs] : node.tensorArgs)
            if (std::find(signature.begin(), signature.end(), name) == signature.end())
                all.insert(all.end(), refs.begin(), refs.end());
        return all;
    }

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
    const std::vector<Shape> &m_inputs;
};

} // namespace

AxisOrigin traceAxisOrigin(
    const Graph &graph, const ValueRef &ref, const std::vector<Shape> &inputShapes)
{
    try {
        const Trace t = Tracer(graph, inputShapes).trace(ref, 0);
        if (t.columns)
            return {};
        return t.origin;
    } catch (...) {
        return {};
    }
}

AxisOrigin traceFeatureColumns(
    const Graph &graph, const ValueRef &ref, const std::vector<Shape> &inputShapes)
{
    try {
        const Trace t = Tracer(graph, inputShapes).trace(ref, 0);
        if (!t.columns)
            return {};
        AxisOrigin origin = t.origin;
        origin.kind = AxisOrigin::Kind::Features;
        return origin;
    } catch (...) {
        return {};
    }
}

} // namespace attnlens
