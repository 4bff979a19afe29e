#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/runtime/layer.h"
#include "core/tensor/tensor.h"

namespace attnlens {

/// Output `output` of graph node `node` (the loader resolves Keras's by-name TensorRef into it).
struct ValueRef
{
    int node = -1;
    int output = 0;
};

/// One node of the layer graph: a model input, or one call of a layer.
struct GraphNode
{
    std::string layerName;
    std::string className;
    int layer = -1;      ///< index into Graph::layers(); -1 for a model input
    int inputIndex = -1; ///< model input index for an input node
    int callIndex = 0;   ///< which call of the layer (shared layers are called several times)
    /// Tensor arguments bound to the layer's call parameters (a list argument has several).
    std::map<std::string, std::vector<ValueRef>> tensorArgs;
    /// The call's constant arguments, resolved by the loader (CallArgs::options); may be null.
    std::shared_ptr<const CallOptions> options;
    /// Non-empty for a call of an attention layer or of a layer with attention parts (then the
    /// parts are keyed "<attentionKey>/<attribute>").
    std::string attentionKey;

    bool isInput() const { return layer < 0; }
};

/// The order in which `nodes` can run: every node after the nodes its tensor arguments read.
/// Returns node indices; nodes already in order keep it (a depth-first walk in index order, so
/// an unsorted node is placed right after what it reads). Throws InputFileError naming a layer
/// on the cycle when there is one, or a node that reads a node that does not exist.
std::vector<int> topologicalOrder(const std::vector<GraphNode> &nodes);

/// The layers of a model and their calls in a topological order; runs forward passes.
/// Immutable after construction; run() is const and thread-safe.
class Graph
{
public:
    /// `nodes` must be in topological order (every argument refers to an earlier node);
    /// `inputNodes[i]` is the node of model input i. Throws InputFileError otherwise.
    Graph(std::vector<std::unique_ptr<Layer>> layers, std::vector<GraphNode> nodes,
        std::vector<int> inputNodes, std::vector<ValueRef> outputs);

    const std::vector<GraphNode> &nodes() const { return m_nodes; }
    const Layer &layer(int index) const { return *m_layers[static_cast<std::size_t>(index)]; }
    int layerCount() const { return static_cast<int>(m_layers.size()); }
    const std::vector<int> &inputNodes() const { return m_inputNodes; }
    const std::vector<ValueRef> &outputs() const { return m_outputs; }

    /// What one pass produced.
    struct Pass
    {
        std::vector<Tensor> outputs;
        std::vector<std::pair<int, Tensor>> attention; ///< (node, scores) in execution order
        /// (node, scores of each attention part) for captured layers with parts
        std::vector<std::pair<int, std::vector<Tensor>>> partAttention;
        /// (node, CallResult::featureWeights) for every call that produced feature weights
        std::vector<std::pair<int, std::vector<Tensor>>> featureWeights;
        std::vector<std::vector<Shape>> shapes; ///< per node, per output; only when recorded
        std::int64_t peakBytes = 0;             ///< largest total of live intermediate values
    };

    /// Where a captured attention node writes its scores: (node, shape) -> memory.
    using ScoresDestination = std::function<float *(int node, const Shape &shape)>;

    /// Runs all nodes on one batch of inputs (one per model input, same batch size).
    /// `capture(node)` says whether to keep that attention node's scores; with `destination`,
    /// attention layers write them there (and Pass::attention omits them) instead of allocating.
    /// Errors thrown by a layer are re-thrown with the same type and the layer's name and class
    /// added.
    Pass run(const std::vector<Tensor> &inputs, const std::function<bool(int)> &capture,
        bool recordShapes = false, const ScoresDestination &destination = {}) const;

private:
    std::vector<std::unique_ptr<Layer>> m_layers;
    std::vector<GraphNode> m_nodes;
    std::vector<int> m_inputNodes;
    std::vector<ValueRef> m_outputs;
    std::vector<int> m_lastUse; ///< per node: the last node that reads it (outputs: pinned)
};

} // namespace attnlens
