#include "core/runtime/graph.h"

#include <algorithm>

#include "core/errors.h"

namespace attnlens {

namespace {

std::int64_t bytesOf(const std::vector<Tensor> &tensors)
{
    std::int64_t total = 0;
    for (const Tensor &t : tensors)
        total += t.size() * static_cast<std::int64_t>(sizeof(float));
    return total;
}

/// Re-throws the current exception with the node's layer filled into its context (unless the
/// layer had named itself), keeping its type so that the CLI's exit code still tells a bad file
/// from an unsupported model. Out of memory becomes a ShapeError naming the layer.
[[noreturn]] void rethrowWithContext(const GraphNode &node)
{
    try {
        throw;
    } catch (Error &e) {
        e.inLayer(node.layerName, node.className);
        throw;
    } catch (const std::bad_alloc &) {
        throw ShapeError(ErrorWhere::ofLayer(node.layerName, node.className)
            + ": out of memory; try a smaller batch or shorter inputs");
    }
}

} // namespace

std::vector<int> topologicalOrder(const std::vector<GraphNode> &nodes)
{
    enum class State
    {
        New,
        Visiting,
        Done
    };
    const int count = static_cast<int>(nodes.size());
    std::vector<State> state(nodes.size(), State::New);
    std::vector<int> order;
    order.reserve(nodes.size());
    // Iterative depth-first walk (a long chain of layers must not exhaust the stack): each
    // frame is a node and how many of its arguments have been visited.
    std::vector<std::pair<int, std::vector<int>>> stack;
    auto argumentsOf = [&](int n) {
        std::vector<int> sources;
        for (const auto &[name, refs] : nodes[static_cast<std::size_t>(n)].tensorArgs)
            for (const ValueRef &ref : refs) {
                if (ref.node < 0 || ref.node >= count)
                    throw InputFileError("layer '" + nodes[static_cast<std::size_t>(n)].layerName
                        + "' reads a node that the graph does not have");
                sources.push_back(ref.node);
            }
        // Visited last to first from the back of the vector: first argument first.
        std::reverse(sources.begin(), sources.end());
        return sources;
    };
    for (int root = 0; root < count; ++root) {
        if (state[static_cast<std::size_t>(root)] != State::New)
            continue;
        state[static_cast<std::size_t>(root)] = State::Visiting;
        stack.emplace_back(root, argumentsOf(root));
        while (!stack.empty()) {
            auto &[node, pending] = stack.back();
            if (pending.empty()) {
                state[static_cast<std::size_t>(node)] = State::Done;
                order.push_back(node);
                stack.pop_back();
                continue;
            }
            const int next = pending.back();
            pending.pop_back();
            State &s = state[static_cast<std::size_t>(next)];
            if (s == State::Done)
                continue;
            if (s == State::Visiting)
                throw InputFileError("the model graph has a cycle through layer '"
                    + nodes[static_cast<std::size_t>(next)].layerName + "'");
            s = State::Visiting;
            stack.emplace_back(next, argumentsOf(next));
        }
    }
    return order;
}

Graph::Graph(std::vector<std::unique_ptr<Layer>> layers, std::vector<GraphNode> nodes,
    std::vector<int> inputNodes, std::vector<ValueRef> outputs)
    : m_layers(std::move(layers))
    , m_nodes(std::move(nodes))
    , m_inputNodes(std::move(inputNodes))
    , m_outputs(std::move(outputs))
{
    const int count = static_cast<int>(m_nodes.size());
    m_lastUse.assign(m_nodes.size(), -1);
    for (int i = 0; i < count; ++i) {
        const GraphNode &node = m_nodes[static_cast<std::size_t>(i)];
        if (!node.isInput() && node.layer >= static_cast<int>(m_layers.size()))
            throw InputFileError("graph node '" + node.layerName + "' has no layer");
        for (const auto &[name, refs] : node.tensorArgs)
            for (const ValueRef &ref : refs) {
                if (ref.node < 0 || ref.node >= i)
                    throw InputFileError("layer '" + node.layerName
                        + "' reads the output of a "
                          "layer that is not computed before it (cycle in the model?)");
                m_lastUse[static_cast<std::size_t>(ref.node)] = i;
            }
    }
    for (const ValueRef &out : m_outputs) {
        if (out.node < 0 || out.node >= count)
            throw InputFileError("a model output refers to an unknown layer");
        m_lastUse[static_cast<std::size_t>(out.node)] = count;
    }
}

Graph::Pass Graph::run(const std::vector<Tensor> &inputs, const std::function<bool(int)> &capture,
    bool recordShapes, const ScoresDestination &destination) const
{
    Pass pass;
    const std::size_t count = m_nodes.size();
    std::vector<std::vector<Tensor>> values(count);
    std::vector<std::vector<Mask>> masks(count);
    if (recordShapes)
        pass.shapes.resize(count);
    std::int64_t live = 0;
    std::vector<std::int64_t> nodeBytes(count, 0);
    std::vector<std::pair<ValueRef, int>> reads; // this node's arguments: value, times read
    for (std::size_t i = 0; i < count; ++i) {
        const GraphNode &node = m_nodes[i];
        if (node.isInput()) {
            values[i] = {inputs.at(static_cast<std::size_t>(node.inputIndex))};
        } else {
            // A value read for the last time is moved into the arguments, not copied.
            reads.clear();
            for (const auto &[name, refs] : node.tensorArgs)
                for (const ValueRef &ref : refs) {
                    auto it = std::find_if(reads.begin(), reads.end(), [&](const auto &r) {
                        return r.first.node == ref.node && r.first.output == ref.output;
                    });
                    if (it == reads.end())
                        reads.push_back({ref, 1});
                    else
                        ++it->second;
                }
            CallArgs args;
            args.options = node.options;
            for (const auto &[name, refs] : node.tensorArgs) {
                auto &tensors = args.tensors[name];
                auto &argMasks = args.masks[name];
                for (const ValueRef &ref : refs) {
                    auto &produced = values[static_cast<std::size_t>(ref.node)];
                    const auto &producedMasks = masks[static_cast<std::size_t>(ref.node)];
                    const auto output = static_cast<std::size_t>(ref.output);
                    if (output >= produced.size())
                        throw InputFileError("layer '" + node.layerName + "' reads output "
                            + std::to_string(ref.output) + " of layer '"
                            + m_nodes[static_cast<std::size_t>(ref.node)].layerName
                            + "', which has only " + std::to_string(produced.size()));
                    auto read = std::find_if(reads.begin(), reads.end(), [&](const auto &r) {
                        return r.first.node == ref.node && r.first.output == ref.output;
                    });
                    const bool last = --read->second == 0
                        && m_lastUse[static_cast<std::size_t>(ref.node)] == static_cast<int>(i);
                    if (last)
                        tensors.push_back(std::move(produced[output]));
                    else
                        tensors.push_back(produced[output]);
                    argMasks.push_back(
                        output < producedMasks.size() ? producedMasks[output] : Mask());
                }
            }
            CallContext context;
            const bool isAttention = !node.attentionKey.empty();
            context.captureAttention = isAttention && capture && capture(static_cast<int>(i));
            if (context.captureAttention && destination)
                context.scoresDestination = [&destination, i](const Shape &shape) {
                    return destination(static_cast<int>(i), shape);
                };
            CallResult result;
            try {
                result = layer(node.layer).call(args, context);
            } catch (...) {
                rethrowWithContext(node);
            }
            if (result.outputs.empty())
                throw UnsupportedModelError(
                    "layer '" + node.layerName + "' (" + node.className + ") produced no output");
            if (context.captureAttention && !result.attention.empty())
                pass.attention.emplace_back(static_cast<int>(i), std::move(result.attention));
            if (context.captureAttention && !result.partAttention.empty())
                pass.partAttention.emplace_back(
                    static_cast<int>(i), std::move(result.partAttention));
            if (!result.featureWeights.empty())
                pass.featureWeights.emplace_back(
                    static_cast<int>(i), std::move(result.featureWeights));
            values[i] = std::move(result.outputs);
            masks[i] = std::move(result.masks);
        }
        if (recordShapes)
            for (const Tensor &t : values[i])
                pass.shapes[i].push_back(t.shape());
        nodeBytes[i] = bytesOf(values[i]);
        live += nodeBytes[i];
        pass.peakBytes = std::max(pass.peakBytes, live);
        // Free what no later node reads.
        for (const auto &[name, refs] : node.tensorArgs)
            for (const ValueRef &ref : refs) {
                const auto source = static_cast<std::size_t>(ref.node);
                if (m_lastUse[source] == static_cast<int>(i) && nodeBytes[source] >= 0) {
                    live -= nodeBytes[source];
                    nodeBytes[source] = -1;
                    values[source].clear();
                    masks[source].clear();
                }
            }
    }
    for (std::size_t o = 0; o < m_outputs.size(); ++o) {
        const ValueRef &out = m_outputs[o];
        Tensor &value
            = values[static_cast<std::size_t>(out.node)].at(static_cast<std::size_t>(out.output));
        const bool readAgain
            = std::any_of(m_outputs.begin() + static_cast<std::ptrdiff_t>(o) + 1, m_outputs.end(),
                [&](const ValueRef &r) { return r.node == out.node && r.output == out.output; });
        pass.outputs.push_back(readAgain ? value : std::move(value));
    }
    return pass;
}

} // namespace attnlens
