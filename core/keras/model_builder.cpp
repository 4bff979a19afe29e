#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "core/errors.h"
#include "core/io/sha256.h"
#include "core/keras/keras_axis_origin.h"
#include "core/keras/keras_config.h"
#include "core/keras/keras_file.h"
#include "core/keras/nested_model_flattener.h"
#include "core/keras/recipe_book.h"
#include "core/keras/recipe_builder.h"
#include "core/keras/weight_reader.h"
#include "core/layers/activation_function.h"
#include "core/layers/call_options_binder.h"
#include "core/layers/registry.h"
#include "core/layers/softmax_layer.h"
#include "core/runtime/model_impl.h"
#include "core/tensor/format_bytes.h"

namespace attnlens {

namespace {

using nlohmann::json;

/// LayerInfo::activation of `spec`. The layer itself was built from the same setting, so an
/// activation its factory accepted is read the same way here; a setting the layer does not use
/// (and so never checked) that is no known activation gives "".
std::string activationName(
    const LayerSpec &spec, const Layer &layer, const std::string &kerasVersion)
{
    if (dynamic_cast<const SoftmaxLayer *>(&layer) != nullptr)
        return "softmax";
    const auto setting = spec.config.find("activation");
    if (setting == spec.config.end())
        return {};
    try {
        return ActivationFunction::fromKeras(*setting, kerasVersion, spec.name).name();
    } catch (const UnsupportedModelError &) {
        return {};
    }
}

std::string countNonFinite(const std::vector<Tensor> &weights)
{
    std::int64_t nan = 0;
    std::int64_t inf = 0;
    for (const Tensor &w : weights)
        for (float v : w.values()) {
            if (std::isnan(v))
                ++nan;
            else if (std::isinf(v))
                ++inf;
        }
    if (nan == 0 && inf == 0)
        return {};
    std::string out;
    if (nan > 0)
        out += std::to_string(nan) + " NaN";
    if (inf > 0)
        out += (out.empty() ? "" : " and ") + std::to_string(inf) + " infinite";
    return out;
}

struct NodeKey
{
    std::string layer;
    int node = 0;
    bool operator<(const NodeKey &o) const
    {
        return layer < o.layer || (layer == o.layer && node < o.node);
    }
};

/// Builds one Model::Impl; one instance per open().
class Builder
{
public:
    Builder(const std::filesystem::path &file, const std::optional<std::filesystem::path> &config,
        const LoadOptions &options, Model::Impl &impl)
        : m_path(file)
        , m_configPath(config)
        , m_file(file.string())
        , m_impl(impl)
    {
        m_impl.options = options;
    }

    void build()
    {
        KerasFile source = openKerasFile(m_path, m_configPath);
        m_kerasVersion = source.kerasVersion;
        m_weightOrder = source.layout == WeightReader::Layout::Legacy ? WeightOrder::TrainableFirst
                                                                      : WeightOrder::PerSublayer;
        m_spec = parseModelConfig(source.config, source.configSource);
        m_assets = std::move(source.assets);
        WeightReader reader(*source.weights, source.layout, source.legacyRoot);
        reader.bind(m_spec);
        // Models used as layers run as their own layers ("inner/dense"), so that the graph
        // reports the attention inside them.
        m_spec = flattenNestedModels(m_spec, source.configSource);
        createLayers(reader);
        wireGraph();
        ModelSummary &summary = m_impl.summary;
        summary.name = m_spec.name;
        summary.className
            = m_spec.subclassedFrom.empty() ? m_spec.className : m_spec.subclassedFrom;
        summary.format = source.format;
        summary.kerasVersion = source.kerasVersion;
        summary.file = m_path;
        // Hashed here, once, off the GUI thread (open() runs on the loader's thread).
        summary.sha256 = fileSha256Hex(m_path);
        dryRun();
    }

private:
    void createLayers(const WeightReader &reader)
    {
        std::set<std::string> names;
        for (std::size_t i = 0; i < m_spec.layers.size(); ++i) {
            const LayerSpec &spec = m_spec.layers[i];
            if (!names.insert(spec.name).second)
                throw InputFileError(m_file + ": two layers are named '" + spec.name + "'");
            if (spec.isInput)
                continue;
            LayerConfig config;
            config.name = spec.name;
            config.className = spec.className;
            config.registeredName = spec.registeredName;
            config.module = spec.module;
            config.config = spec.config;
            config.kerasVersion = m_kerasVersion;
            config.file = m_file;
            config.weightOrder = m_weightOrder;
            bool found = false;
            try {
                found = reader.read(spec, config.weights, config.weightNames);
            } catch (Error &e) {
                e.inLayer(spec.name, spec.className).inFile(m_file);
                throw;
            }
            config.weightsInFile = found;
            config.assets = assetsOf(reader.groupOf(spec));
            const std::string bad = countNonFinite(config.weights);
            if (!bad.empty())
                m_impl.warnings.push_back("Layer '" + spec.name + "' (" + spec.className + ") has "
                    + bad + " weight values; its outputs will not be meaningful.");
            std::unique_ptr<Layer> layer;
            try {
                std::string mismatch;
                if (const Recipe *recipe = recipeFor(spec, mismatch)) {
                    layer = buildRecipeLayer(*recipe, config, recipeWeights(reader, spec));
                    m_recipeOfSpec[i] = {recipe->label(), recipe->builtIn() ? "" : recipe->file};
                } else if (mismatch.empty()) {
                    layer = makeLayer(config);
                } else {
                    layer = makeLayerOrRefuse(config, mismatch);
                }
            } catch (Error &e) {
                // Keeps the factory's type: a ShapeError stays a ShapeError.
                e.inLayer(spec.name, spec.className).inFile(m_file);
                throw;
            }
            if (!layer)
                throw UnsupportedModelError(ErrorWhere::ofLayer(spec.name, spec.className, m_file)
                    + " could not be created");
            m_layerOfSpec[i] = static_cast<int>(m_layers.size());
            m_layers.push_back(std::move(layer));
        }
    }

    /// The archive's assets of the layer whose weight group is `group`, by path below it.
    std::map<std::string, std::string> assetsOf(const std::string &group) const
    {
        std::map<std::string, std::string> out;
        if (group.empty())
            return out;
        const std::string prefix = group + "/";
        for (auto it = m_assets.lower_bound(prefix);
             it != m_assets.end() && it->first.rfind(prefix, 0) == 0; ++it)
            out.emplace(it->first.substr(prefix.size()), it->second);
        return out;
    }

    /// The recipe a custom layer runs from (core/keras/recipe_book.h), or null for a layer the
    /// registry builds. Throws UnsupportedModelError when recipes exist for the class but none
    /// fits and the registry has no class of that name either.
    const Recipe *recipeFor(const LayerSpec &spec, std::string &mismatch)
    {
        // Keras's own classes and operations are never custom ("keras.layers", "keras.src.ops").
        if (spec.module == "keras" || spec.module.rfind("keras.", 0) == 0)
            return nullptr;
        if (!m_recipes)
            m_recipes = RecipeBook::load(m_impl.options.recipeFiles,
                m_impl.options.userRecipes ? RecipeBook::defaultUserFolder()
                                           : std::filesystem::path());
        const RecipeBook::Match match = m_recipes->match(spec);
        mismatch = match.mismatch;
        if (match.recipe != nullptr || match.mismatch.empty() || isKnownLayerClass(spec.className))
            return match.recipe;
        throw UnsupportedModelError(ErrorWhere::ofLayer(spec.name, spec.className, m_file)
            + " is a custom layer class (its Python code is not in the file), and no recipe fits "
              "it:\n  "
            + match.mismatch
            + "\nWrite a recipe for this class (docs/recipes.md) and pass it with --recipe FILE "
              "or File > Add Recipe.");
    }

    /// A class the registry knows (KerasFactory's TransformerBlock) that recipes of the same
    /// name did not fit either: when the registry's class refuses it too, it is most likely a
    /// custom class, and the refusal says what differs from each.
    std::unique_ptr<Layer> makeLayerOrRefuse(const LayerConfig &config, const std::string &mismatch)
    {
        try {
            return makeLayer(config);
        } catch (const Error &e) {
            throw UnsupportedModelError(ErrorWhere::ofLayer(config.name, config.className, m_file)
                + " fits neither AttnLens's own '" + config.className + "' (" + e.detail()
                + ") nor a recipe:\n  " + mismatch
                + "\nIf it is a custom layer class, write a recipe for it (docs/recipes.md) and "
                  "pass it with --recipe FILE or File > Add Recipe.");
        }
    }

    /// A recipe layer's weights as the file holds them.
    static FileWeights recipeWeights(const WeightReader &reader, const LayerSpec &spec)
    {
        FileWeights weights;
        if (reader.layout() == WeightReader::Layout::Keras3) {
            weights.byPath = true;
            reader.readAll(spec, weights.variables);
        } else {
            reader.read(spec, weights.list, weights.names);
        }
        return weights;
    }

    /// Creates the graph's nodes, binds their arguments, finds the model's inputs and outputs
    /// and sorts the nodes topologically.
    void wireGraph()
    {
        std::vector<const NodeSpec *> calls;
        std::vector<GraphNode> nodes = createNodes(calls);
        bindArguments(nodes, calls);
        std::vector<int> inputNodes;
        for (const TensorRef &ref : m_spec.inputs) {
            const ValueRef v = resolve(ref, "the model's input list");
            GraphNode &node = nodes[static_cast<std::size_t>(v.node)];
            if (!node.isInput())
                throw UnsupportedModelError(
                    m_file + ": model input '" + ref.layer + "' is not an InputLayer");
            node.inputIndex = static_cast<int>(inputNodes.size());
            inputNodes.push_back(v.node);
        }
        for (const GraphNode &node : nodes)
            if (node.isInput() && node.inputIndex < 0)
                throw InputFileError(ErrorWhere::ofFile(m_file) + ": InputLayer '" + node.layerName
                    + "' is not one of the model's inputs");
        std::vector<ValueRef> outputs;
        for (const TensorRef &ref : m_spec.outputs)
            outputs.push_back(resolve(ref, "the model's output list"));

        // Keras lists layers in order, but a shared layer's later calls may depend on layers
        // listed after it.
        std::vector<int> order;
        try {
            order = topologicalOrder(nodes);
        } catch (InputFileError &e) {
            e.inFile(m_file);
            throw;
        }
        std::vector<int> newIndex(nodes.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            newIndex[static_cast<std::size_t>(order[i])] = static_cast<int>(i);
        std::vector<GraphNode> sorted;
        for (int old : order) {
            GraphNode &node = nodes[static_cast<std::size_t>(old)];
            for (auto &[name, refs] : node.tensorArgs)
                for (ValueRef &ref : refs)
                    ref.node = newIndex[static_cast<std::size_t>(ref.node)];
            sorted.push_back(std::move(node));
        }
        for (int &n : inputNodes)
            n = newIndex[static_cast<std::size_t>(n)];
        for (ValueRef &v : outputs)
            v.node = newIndex[static_cast<std::size_t>(v.node)];
        m_impl.graph = std::make_unique<Graph>(
            std::move(m_layers), std::move(sorted), std::move(inputNodes), std::move(outputs));
    }

    /// One node per InputLayer and per layer call, in the order of the model's layer list, with
    /// `calls[i]` the call node i makes (null for an input). Fills m_nodeOf.
    std::vector<GraphNode> createNodes(std::vector<const NodeSpec *> &calls)
    {
        std::vector<GraphNode> nodes;
        for (std::size_t i = 0; i < m_spec.layers.size(); ++i) {
            const LayerSpec &spec = m_spec.layers[i];
            if (spec.isInput) {
                GraphNode node;
                node.layerName = spec.name;
                node.className = spec.className;
                m_nodeOf[{spec.name, 0}] = static_cast<int>(nodes.size());
                nodes.push_back(node);
                calls.push_back(nullptr);
                continue;
            }
            const int layerIndex = m_layerOfSpec.at(i);
            const Layer &built = *m_layers[static_cast<std::size_t>(layerIndex)];
            const bool attention = built.attention() != nullptr || !built.attentionParts().empty();
            int call = 0;
            for (const NodeSpec &nodeSpec : spec.nodes) {
                GraphNode node;
                node.layerName = spec.name;
                node.className = spec.className;
                node.layer = layerIndex;
                node.callIndex = call;
                if (attention)
                    node.attentionKey
                        = call == 0 ? spec.name : spec.name + "@" + std::to_string(call);
                m_nodeOf[{spec.name, call}] = static_cast<int>(nodes.size());
                nodes.push_back(node);
                calls.push_back(&nodeSpec);
                ++call;
            }
        }
        return nodes;
    }

    /// Binds each call's arguments to the layer's parameter names (positional ones in the order
    /// of Layer::callSignature(), then keywords; a later binding of a name wins): tensors become
    /// GraphNode::tensorArgs, constants the layer's typed GraphNode::options.
    void bindArguments(std::vector<GraphNode> &nodes, const std::vector<const NodeSpec *> &calls)
    {
        for (std::size_t n = 0; n < nodes.size(); ++n) {
            const NodeSpec *call = calls[n];
            if (call == nullptr)
                continue;
            GraphNode &node = nodes[n];
            const Layer &layer = *m_layers[static_cast<std::size_t>(node.layer)];
            const auto signature = layer.callSignature();
            std::map<std::string, std::vector<TensorRef>> tensors;
            json constants = json::object();
            auto bind = [&](const std::string &name, const CallArgument &arg) {
                if (arg.isTensor()) {
                    tensors[name] = arg.tensors;
                    constants.erase(name);
                } else {
                    constants[name] = arg.constant;
                    tensors.erase(name);
                }
            };
            for (std::size_t p = 0; p < call->positional.size(); ++p) {
                if (p >= signature.size())
                    throw UnsupportedModelError(
                        ErrorWhere::ofLayer(node.layerName, node.className, m_file)
                        + " is called with " + std::to_string(call->positional.size())
                        + " positional arguments, more than AttnLens knows for this class");
                bind(signature[p], call->positional[p]);
            }
            for (const auto &[name, arg] : call->keyword)
                bind(name, arg);
            for (const auto &[name, refs] : tensors)
                for (const TensorRef &ref : refs)
                    node.tensorArgs[name].push_back(resolve(ref, "layer '" + node.layerName + "'"));
            try {
                node.options = bindCallOptions(layer, constants);
            } catch (UnsupportedModelError &e) {
                e.inLayer(node.layerName, node.className).inFile(m_file);
                throw;
            } catch (Error &e) {
                // A constant argument the layer cannot use: the file's fault.
                e.inLayer(node.layerName, node.className).inFile(m_file);
                throw InputFileError(e, "");
            }
        }
    }

    /// The node (before sorting) and output that `ref` names; `reader` says who reads it.
    ValueRef resolve(const TensorRef &ref, const std::string &reader) const
    {
        const auto it = m_nodeOf.find({ref.layer, ref.node});
        if (it == m_nodeOf.end())
            throw InputFileError(ErrorWhere::ofFile(m_file) + ": " + reader + " reads call "
                + std::to_string(ref.node) + " of layer '" + ref.layer
                + "', which the model config does not have");
        return ValueRef {it->second, ref.tensor};
    }

    const LayerSpec &inputSpec(int inputIndex) const
    {
        const Graph &graph = *m_impl.graph;
        const GraphNode &node = graph.nodes()[static_cast<std::size_t>(
            graph.inputNodes()[static_cast<std::size_t>(inputIndex)])];
        for (const LayerSpec &spec : m_spec.layers)
            if (spec.name == node.layerName)
                return spec;
        throw InputFileError(m_file + ": input '" + node.layerName + "' has no InputLayer");
    }

    /// Zeros of each input's shape with free dimensions set to `freeDim` and a batch of 1.
    /// `record`: these are the inputs the size estimates refer to (dryRunInputElements).
    std::vector<Tensor> zeroInputs(std::int64_t freeDim, bool record)
    {
        std::vector<Tensor> inputs;
        const std::int64_t cap = m_impl.options.memoryCapBytes;
        for (std::size_t i = 0; i < m_impl.inputs.size(); ++i) {
            const InputInfo &info = m_impl.inputs[i];
            Shape shape = info.shape;
            if (shape.empty())
                throw UnsupportedModelError(
                    m_file + ": input '" + info.name + "' has no batch axis (a scalar input)");
            shape[0] = 1;
            for (std::size_t d = 1; d < shape.size(); ++d)
                if (shape[d] < 0)
                    shape[d] = freeDim;
            std::int64_t elements = 0;
            try {
                elements = shapeSize(shape);
            } catch (const Error &) {
                elements = -1;
            }
            if (elements < 0 || elements > cap / static_cast<std::int64_t>(sizeof(float)))
                throw InputFileError(m_file + ": input '" + info.name + "' has shape "
                    + shapeToString(info.shape) + ": one sample would need "
                    + (elements < 0 ? std::string("more memory than can be counted")
                                    : formatBytes(elements * 4))
                    + ", more than the memory cap of " + formatBytes(cap)
                    + "; the model's dimensions are absurd or the file is corrupt");
            if (record)
                m_impl.dryRunInputElements.push_back(elements);
            inputs.emplace_back(shape);
        }
        return inputs;
    }

    /// "'a' (Dense), 'b' (Flatten)": the layers of the nodes that read graph node `source`.
    std::vector<const GraphNode *> readersOf(int source) const
    {
        std::vector<const GraphNode *> out;
        for (const GraphNode &node : m_impl.graph->nodes()) {
            bool reads = false;
            for (const auto &[name, refs] : node.tensorArgs)
                for (const ValueRef &ref : refs)
                    reads = reads || ref.node == source;
            if (reads && !node.isInput())
                out.push_back(&node);
        }
        return out;
    }

    /// A text input (dtype string): the TextVectorization or StringLookup layer it feeds says
    /// how its text becomes ids, and the input holds those ids from then on.
    void bindTextInput(int inputIndex, InputInfo &info)
    {
        const Graph &graph = *m_impl.graph;
        std::shared_ptr<const StringEncoder> encoder;
        std::string others;
        for (const GraphNode *node :
            readersOf(graph.inputNodes()[static_cast<std::size_t>(inputIndex)])) {
            const auto own = graph.layer(node->layer).stringEncoder();
            if (own && (!encoder || own == encoder))
                encoder = own;
            else
                others += std::string(others.empty() ? "" : ", ") + "'" + node->layerName + "' ("
                    + node->className + ")";
        }
        if (!encoder || !others.empty())
            throw UnsupportedModelError(m_file + ": input '" + info.name
                + "' takes text (dtype string). AttnLens reads text only through one "
                  "TextVectorization or StringLookup layer right after the input, but "
                + (others.empty() ? "the input feeds no such layer" : "it feeds " + others)
                + ". Encode the text before the model, or give the model a number input");
        info.textShape = info.shape;
        info.shape = encoder->encodedShape(info.shape);
        info.integerIds = encoder->encoding().output == StringEncoding::Output::Int;
        info.encoder = std::move(encoder);
    }

    /// Every layer that takes text reads a text input directly (its encoder runs on the data).
    void requireTextInputs() const
    {
        const Graph &graph = *m_impl.graph;
        for (const GraphNode &node : graph.nodes()) {
            if (node.isInput() || !graph.layer(node.layer).stringEncoder())
                continue;
            for (const auto &[name, refs] : node.tensorArgs)
                for (const ValueRef &ref : refs) {
                    const GraphNode &source = graph.nodes()[static_cast<std::size_t>(ref.node)];
                    if (source.isInput()
                        && m_impl.inputs[static_cast<std::size_t>(source.inputIndex)].encoder)
                        continue;
                    throw UnsupportedModelError(
                        ErrorWhere::ofLayer(node.layerName, node.className, m_file)
                        + " takes text, but reads '" + source.layerName
                        + "', which is not a text input: AttnLens runs text layers only right "
                          "after an Input of dtype string");
                }
        }
    }

    void dryRun()
    {
        Graph &graph = *m_impl.graph;
        const std::size_t inputCount = graph.inputNodes().size();
        bool anyFree = false;
        for (std::size_t i = 0; i < inputCount; ++i) {
            const LayerSpec &spec = inputSpec(static_cast<int>(i));
            InputInfo info;
            info.name = spec.name;
            info.shape = spec.inputShape;
            if (!info.shape.empty())
                info.shape[0] = -1;
            for (std::size_t d = 1; d < info.shape.size(); ++d)
                anyFree = anyFree || info.shape[d] < 0;
            info.integerIds = spec.dtype.rfind("int", 0) == 0 || spec.dtype.rfind("uint", 0) == 0;
            if (spec.dtype == "string")
                bindTextInput(static_cast<int>(i), info);
            m_impl.inputs.push_back(info);
        }
        requireTextInputs();
        // Layers that embed ids (PositionRule Tokens) mark the inputs they read as ids.
        for (const GraphNode &node : graph.nodes())
            if (!node.isInput()
                && graph.layer(node.layer).positions().kind == PositionRule::Kind::Tokens)
                for (const auto &[name, refs] : node.tensorArgs)
                    for (const ValueRef &ref : refs) {
                        const GraphNode &source = graph.nodes()[static_cast<std::size_t>(ref.node)];
                        if (source.isInput())
                            m_impl.inputs[static_cast<std::size_t>(source.inputIndex)].integerIds
                                = true;
                    }

        const auto captureAll = [](int) { return true; };
        // Free lengths (None in the input shape) are tried at 1 first, the cheapest; a layer
        // that needs more positions (a Conv1D with a 'valid' kernel of 3, x[:, 5]) gets 16,
        // then 128. An error at every length is reported as found at the first.
        Graph::Pass first;
        std::int64_t freeSize = 1;
        std::optional<InputFileError> firstError;
        for (const std::int64_t size : {1, 16, 128}) {
            freeSize = size;
            try {
                m_impl.dryRunInputElements.clear();
                first = graph.run(zeroInputs(size, true), captureAll, true);
                firstError.reset();
                break;
            } catch (UnsupportedModelError &e) {
                e.inFile(m_file);
                throw;
            } catch (const Error &e) {
                if (!firstError)
                    firstError.emplace(e,
                        " (found while trying the model on zeros of its input shapes: its layers "
                        "do not fit together or with their weights)");
                if (!anyFree)
                    break;
            } catch (const std::bad_alloc &) {
                throw InputFileError(ErrorWhere::ofFile(m_file)
                    + ": out of memory while trying the model on one sample");
            }
        }
        if (firstError) {
            firstError->inFile(m_file);
            throw *firstError;
        }
        std::vector<std::vector<Shape>> shapes = first.shapes;
        // Score shapes by (node, part); part -1 is the layer's own map.
        std::map<std::pair<int, int>, Shape> scoreShapes;
        for (const auto &[node, scores] : first.attention)
            scoreShapes[{node, -1}] = scores.shape();
        for (const auto &[node, maps] : first.partAttention)
            for (std::size_t k = 0; k < maps.size(); ++k)
                scoreShapes[{node, static_cast<int>(k)}] = maps[k].shape();
        for (const auto &[node, sets] : first.featureWeights)
            for (std::size_t k = 0; k < sets.size(); ++k)
                m_weightShapes[{node, static_cast<int>(k)}] = sets[k].shape();
        if (anyFree) {
            try {
                const Graph::Pass second
                    = graph.run(zeroInputs(freeSize + 1, false), captureAll, true);
                for (std::size_t n = 0; n < shapes.size(); ++n)
                    for (std::size_t o = 0; o < shapes[n].size() && o < second.shapes[n].size();
                         ++o)
                        markFree(shapes[n][o], second.shapes[n][o]);
                for (const auto &[node, scores] : second.attention)
                    markFree(scoreShapes[{node, -1}], scores.shape());
                for (const auto &[node, maps] : second.partAttention)
                    for (std::size_t k = 0; k < maps.size(); ++k)
                        markFree(scoreShapes[{node, static_cast<int>(k)}], maps[k].shape());
            } catch (const Error &) {
                // Some layer insists on the first size (a Reshape to a fixed length): keep the
                // shapes of the first pass.
            } catch (const std::bad_alloc &) {
            }
        }
        std::int64_t attentionBytes = 0;
        for (const auto &[node, scores] : first.attention)
            attentionBytes += scores.size() * 4;
        for (const auto &[node, maps] : first.partAttention)
            for (const Tensor &scores : maps)
                attentionBytes += scores.size() * 4;
        m_impl.dryRunBytesPerSample = first.peakBytes + attentionBytes;
        for (auto &nodeShapes : shapes)
            for (Shape &s : nodeShapes)
                if (!s.empty())
                    s[0] = -1;
        fillInfo(shapes, scoreShapes);
    }

    static void markFree(Shape &a, const Shape &b)
    {
        if (a.size() != b.size())
            return;
        for (std::size_t d = 0; d < a.size(); ++d)
            if (a[d] != b[d])
                a[d] = -1;
    }

    void fillInfo(const std::vector<std::vector<Shape>> &shapes,
        std::map<std::pair<int, int>, Shape> &scoreShapes)
    {
        const Graph &graph = *m_impl.graph;
        std::map<std::string, int> firstNodeOf;
        for (std::size_t n = 0; n < graph.nodes().size(); ++n) {
            const GraphNode &node = graph.nodes()[n];
            if (node.callIndex == 0 && firstNodeOf.count(node.layerName) == 0)
                firstNodeOf[node.layerName] = static_cast<int>(n);
        }
        std::int64_t parameters = 0;
        for (std::size_t i = 0; i < m_spec.layers.size(); ++i) {
            const LayerSpec &spec = m_spec.layers[i];
            LayerInfo info;
            info.name = spec.name;
            info.className = spec.className;
            if (const auto it = firstNodeOf.find(spec.name); it != firstNodeOf.end()) {
                const auto &nodeShapes = shapes[static_cast<std::size_t>(it->second)];
                if (!nodeShapes.empty())
                    info.outputShape = nodeShapes.front();
            }
            if (!spec.isInput) {
                const Layer &layer = graph.layer(m_layerOfSpec.at(i));
                info.parameters = layer.parameterCount();
                info.isAttention = layer.attention() != nullptr || !layer.attentionParts().empty();
                info.activation = activationName(spec, layer, m_kerasVersion);
                if (const auto recipe = m_recipeOfSpec.find(i); recipe != m_recipeOfSpec.end())
                    std::tie(info.recipe, info.recipeFile) = recipe->second;
                parameters += info.parameters;
            }
            m_impl.layers.push_back(info);
        }
        m_impl.summary.parameters = parameters;
        for (std::size_t o = graph.outputs().size(); o-- > 0;) { // the first output wins
            const std::string &name
                = graph.nodes()[static_cast<std::size_t>(graph.outputs()[o].node)].layerName;
            for (LayerInfo &info : m_impl.layers)
                if (info.name == name)
                    info.outputIndex = static_cast<int>(o);
        }
        for (const ValueRef &out : graph.outputs()) {
            const auto &nodeShapes = shapes[static_cast<std::size_t>(out.node)];
            m_impl.outputShapes.push_back(static_cast<std::size_t>(out.output) < nodeShapes.size()
                    ? nodeShapes[static_cast<std::size_t>(out.output)]
                    : Shape {});
        }
        std::vector<Shape> inputShapes;
        for (const InputInfo &input : m_impl.inputs)
            inputShapes.push_back(input.shape);
        for (std::size_t n = 0; n < graph.nodes().size(); ++n) {
            const GraphNode &node = graph.nodes()[n];
            if (!node.isInput())
                addFeatureWeights(static_cast<int>(n), shapes, inputShapes);
            if (node.attentionKey.empty())
                continue;
            const Layer &layer = graph.layer(node.layer);
            if (const AttentionSpec *spec = layer.attention()) {
                AttentionLayerInfo info = attentionInfo(node, *spec, scoreShapes[{int(n), -1}]);
                const auto query = node.tensorArgs.find("query");
                if (query != node.tensorArgs.end() && !query->second.empty())
                    info.queryOrigin = traceAxisOrigin(graph, query->second.front(), inputShapes);
                auto key = node.tensorArgs.find("key");
                if (key == node.tensorArgs.end())
                    key = node.tensorArgs.find("value");
                if (key != node.tensorArgs.end() && !key->second.empty())
                    info.keyOrigin = traceAxisOrigin(graph, key->second.front(), inputShapes);
                if (query != node.tensorArgs.end() && !query->second.empty()
                    && key != node.tensorArgs.end() && !key->second.empty()) {
                    const ValueRef &q = query->second.front();
                    const ValueRef &k = key->second.front();
                    info.selfAttention = q.node == k.node && q.output == k.output;
                }
                m_impl.attention.push_back(info);
                m_impl.attentionNodes.push_back(static_cast<int>(n));
                m_impl.attentionParts.push_back(-1);
            }
            const std::vector<AttentionPart> parts = layer.attentionParts();
            for (std::size_t k = 0; k < parts.size(); ++k) {
                const AttentionPart &part = parts[k];
                AttentionLayerInfo info
                    = attentionInfo(node, part.spec, scoreShapes[{int(n), static_cast<int>(k)}]);
                if (!part.attribute.empty())
                    info.key += "/" + part.attribute;
                info.attribute = part.attribute;
                info.queryOrigin = originOf(node, part.query, shapes, inputShapes);
                info.keyOrigin = originOf(node, part.key, shapes, inputShapes);
                info.selfAttention = isSelfAttention(node, part);
                m_impl.attention.push_back(info);
                m_impl.attentionNodes.push_back(static_cast<int>(n));
                m_impl.attentionParts.push_back(static_cast<int>(k));
            }
        }
    }

    static AttentionLayerInfo attentionInfo(
        const GraphNode &node, const AttentionSpec &spec, const Shape &scores)
    {
        AttentionLayerInfo info;
        info.key = node.attentionKey;
        info.layerName = node.layerName;
        info.className = node.className;
        info.callIndex = node.callIndex;
        info.heads = spec.heads;
        info.keyDim = spec.keyDim;
        info.valueDim = spec.valueDim;
        if (scores.size() >= 4) {
            info.queryLength = scores[scores.size() - 2];
            info.keyLength = scores[scores.size() - 1];
        }
        return info;
    }

    /// True when a part's queries and keys are the positions of one and the same tensor.
    bool isSelfAttention(const GraphNode &node, const AttentionPart &part) const
    {
        if (part.query.kind != PositionSource::Kind::Positions
            || part.key.kind != PositionSource::Kind::Positions)
            return false;
        const ValueRef q = sourceTensor(node, part.query);
        const ValueRef k = sourceTensor(node, part.key);
        return q.node >= 0 && q.node == k.node && q.output == k.output;
    }

    /// The tensor a PositionSource names among the call's arguments, or node -1.
    ValueRef sourceTensor(const GraphNode &node, const PositionSource &source) const
    {
        const Graph &graph = *m_impl.graph;
        auto it = node.tensorArgs.end();
        if (source.argument.empty()) {
            for (const std::string &name : graph.layer(node.layer).callSignature())
                if ((it = node.tensorArgs.find(name)) != node.tensorArgs.end())
                    break;
        } else {
            it = node.tensorArgs.find(source.argument);
        }
        if (it == node.tensorArgs.end() || source.index < 0
            || static_cast<std::size_t>(source.index) >= it->second.size())
            return {};
        return it->second[static_cast<std::size_t>(source.index)];
    }

    /// What the positions a layer names by `source` stand for, traced to the model's inputs.
    /// Columns of a tensor of rank 3 and more are its positions (axis 1) instead, as a
    /// VariableSelection fed (N, F, D) weighs its F positions.
    AxisOrigin originOf(const GraphNode &node, const PositionSource &source,
        const std::vector<std::vector<Shape>> &shapes, const std::vector<Shape> &inputShapes) const
    {
        const Graph &graph = *m_impl.graph;
        switch (source.kind) {
        case PositionSource::Kind::Latent: {
            AxisOrigin latent;
            latent.kind = AxisOrigin::Kind::LatentChannels;
            return latent;
        }
        case PositionSource::Kind::Own:
            return {};
        case PositionSource::Kind::Positions:
        case PositionSource::Kind::Columns:
            break;
        }
        const ValueRef ref = sourceTensor(node, source);
        if (ref.node < 0)
            return {};
        bool columns = source.kind == PositionSource::Kind::Columns;
        const auto &produced = shapes[static_cast<std::size_t>(ref.node)];
        if (columns && static_cast<std::size_t>(ref.output) < produced.size()
            && produced[static_cast<std::size_t>(ref.output)].size() >= 3)
            columns = false;
        return columns ? traceFeatureColumns(graph, ref, inputShapes)
                       : traceAxisOrigin(graph, ref, inputShapes);
    }

    void addFeatureWeights(
        int n, const std::vector<std::vector<Shape>> &shapes, const std::vector<Shape> &inputShapes)
    {
        const GraphNode &node = m_impl.graph->nodes()[static_cast<std::size_t>(n)];
        const std::vector<FeatureWeightsPart> parts
            = m_impl.graph->layer(node.layer).featureWeights();
        for (std::size_t k = 0; k < parts.size(); ++k) {
            FeatureWeightsInfo info;
            info.key = node.callIndex == 0 ? node.layerName
                                           : node.layerName + "@" + std::to_string(node.callIndex);
            if (!parts[k].attribute.empty())
                info.key += "/" + parts[k].attribute;
            info.layerName = node.layerName;
            info.className = node.className;
            info.callIndex = node.callIndex;
            info.over = parts[k].over;
            info.isStatic = parts[k].isStatic;
            if (const auto it = m_weightShapes.find({n, static_cast<int>(k)});
                it != m_weightShapes.end() && it->second.size() == 2)
                info.count = it->second[1];
            if (info.over == WeightsOver::Features)
                info.origin = originOf(node, parts[k].source, shapes, inputShapes);
            m_impl.featureWeights.push_back(info);
            m_impl.featureWeightNodes.push_back(n);
            m_impl.featureWeightParts.push_back(static_cast<int>(k));
        }
    }

    std::filesystem::path m_path;
    std::optional<std::filesystem::path> m_configPath;
    std::string m_file;
    Model::Impl &m_impl;
    std::string m_kerasVersion;
    WeightOrder m_weightOrder = WeightOrder::PerSublayer;
    /// Feature weight shapes of the dry run by (node, index in CallResult::featureWeights).
    std::map<std::pair<int, int>, Shape> m_weightShapes;
    ModelSpec m_spec;
    std::vector<std::unique_ptr<Layer>> m_layers;
    std::map<std::size_t, int> m_layerOfSpec; ///< spec index -> layer index
    /// spec index -> recipe label and, unless built in, its file
    std::map<std::size_t, std::pair<std::string, std::string>> m_recipeOfSpec;
    std::optional<RecipeBook> m_recipes;         ///< read at the first custom layer
    std::map<NodeKey, int> m_nodeOf;             ///< (layer, call) -> node, before sorting
    std::map<std::string, std::string> m_assets; ///< KerasFile::assets
};

} // namespace

std::shared_ptr<const Model> Model::open(const std::filesystem::path &file,
    const std::optional<std::filesystem::path> &configFile, const LoadOptions &options)
{
    std::shared_ptr<Model> model(new Model());
    Builder(file, configFile, options, *model->m_impl).build();
    return model;
}

} // namespace attnlens
