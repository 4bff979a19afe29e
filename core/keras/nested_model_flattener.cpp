#include "core/keras/nested_model_flattener.h"

#include <algorithm>
#include <map>

#include "core/errors.h"

namespace attnlens {

namespace {

/// One nested model of the model being flattened, with its own layers already flattened.
struct NestedInfo
{
    const LayerSpec *spec = nullptr;
    ModelSpec inner;
    std::map<std::string, int> callsOf;             ///< inner layer -> number of its calls
    std::map<std::string, int> inputIndex;          ///< inner InputLayer -> index in inner.inputs
    std::vector<std::vector<TensorRef>> callInputs; ///< per outer call: tensors it passed
};

class Flattener
{
public:
    Flattener(const ModelSpec &model, std::string source)
        : m_model(model)
        , m_source(std::move(source))
    {
    }

    ModelSpec run()
    {
        for (const LayerSpec &layer : m_model.layers)
            if (layer.nested)
                addNested(layer);
        if (m_nested.empty())
            return m_model;
        ModelSpec out;
        out.name = m_model.name;
        out.className = m_model.className;
        out.inputLayersInModelLayers = m_model.inputLayersInModelLayers;
        out.inputs = m_model.inputs;
        for (const TensorRef &ref : m_model.outputs)
            out.outputs.push_back(resolve(ref, "the model's output list", 0));
        for (const LayerSpec &layer : m_model.layers) {
            if (!layer.nested) {
                LayerSpec copy = layer;
                for (NodeSpec &node : copy.nodes)
                    remapNode(node, [&](const TensorRef &ref) {
                        return resolve(ref, "layer '" + layer.name + "'", 0);
                    });
                out.layers.push_back(std::move(copy));
                continue;
            }
            const NestedInfo &info = m_nested.at(layer.name);
            for (const LayerSpec &innerLayer : info.inner.layers) {
                if (innerLayer.isInput)
                    continue;
                LayerSpec copy = innerLayer;
                copy.name = layer.name + "/" + innerLayer.name;
                copy.nodes.clear();
                for (std::size_t call = 0; call < info.callInputs.size(); ++call)
                    for (NodeSpec node : innerLayer.nodes) {
                        remapNode(node, [&](const TensorRef &ref) {
                            return mapInner(info, static_cast<int>(call), ref, 0);
                        });
                        copy.nodes.push_back(std::move(node));
                    }
                out.layers.push_back(std::move(copy));
            }
        }
        return out;
    }

private:
    template <class Map>
    static void remapNode(NodeSpec &node, const Map &map)
    {
        for (CallArgument &arg : node.positional)
            for (TensorRef &ref : arg.tensors)
                ref = map(ref);
        for (auto &[name, arg] : node.keyword)
            for (TensorRef &ref : arg.tensors)
                ref = map(ref);
    }

    void addNested(const LayerSpec &layer)
    {
        NestedInfo info;
        info.spec = &layer;
        info.inner
            = flattenNestedModels(*layer.nested, m_source + ": nested model '" + layer.name + "'");
        for (const LayerSpec &inner : info.inner.layers)
            info.callsOf[inner.name] = static_cast<int>(inner.nodes.size());
        for (std::size_t i = 0; i < info.inner.inputs.size(); ++i)
            info.inputIndex.emplace(info.inner.inputs[i].layer, static_cast<int>(i));
        const std::string where
            = m_source + ": nested model '" + layer.name + "' (" + layer.className + ")";
        for (const NodeSpec &node : layer.nodes) {
            for (const auto &[name, arg] : node.keyword)
                if (arg.isTensor())
                    throw UnsupportedModelError(where + " is called with the tensor argument '"
                        + name + "'; AttnLens passes only the model's inputs to a nested model");
            if (node.positional.size() != 1 || !node.positional.front().isTensor())
                throw UnsupportedModelError(where
                    + " is called with something other than one tensor or one list of tensors");
            const auto &tensors = node.positional.front().tensors;
            if (tensors.size() != info.inner.inputs.size())
                throw UnsupportedModelError(where + " takes "
                    + std::to_string(info.inner.inputs.size()) + " input(s) but is called with "
                    + std::to_string(tensors.size()));
            info.callInputs.push_back(tensors);
        }
        m_nested.emplace(layer.name, std::move(info));
    }

    /// An outer reference, with references to nested models replaced by what they name.
    TensorRef resolve(const TensorRef &ref, const std::string &reader, int depth) const
    {
        const auto it = m_nested.find(ref.layer);
        if (it == m_nested.end())
            return ref;
        const NestedInfo &info = it->second;
        const int call = ref.node - info.spec->nestedNodeOffset;
        if (call < 0 || call >= static_cast<int>(info.callInputs.size()))
            throw InputFileError(m_source + ": " + reader + " reads node "
                + std::to_string(ref.node) + " of nested model '" + ref.layer
                + "', which is called only " + std::to_string(info.callInputs.size()) + " time(s)");
        if (ref.tensor < 0 || ref.tensor >= static_cast<int>(info.inner.outputs.size()))
            throw InputFileError(m_source + ": " + reader + " reads output "
                + std::to_string(ref.tensor) + " of nested model '" + ref.layer + "', which has "
                + std::to_string(info.inner.outputs.size()) + " output(s)");
        return mapInner(
            info, call, info.inner.outputs[static_cast<std::size_t>(ref.tensor)], depth + 1);
    }

    /// A reference inside nested model `info` during its outer call `call`.
    TensorRef mapInner(const NestedInfo &info, int call, const TensorRef &ref, int depth) const
    {
        if (depth > 64)
            throw InputFileError(m_source
                + ": nested models refer to each other in a cycle through '" + info.spec->name
                + "'");
        if (const auto input = info.inputIndex.find(ref.layer); input != info.inputIndex.end())
            return resolve(info.callInputs[static_cast<std::size_t>(call)]
                                          [static_cast<std::size_t>(input->second)],
                "layer '" + info.spec->name + "'", depth + 1);
        const auto calls = info.callsOf.find(ref.layer);
        if (calls == info.callsOf.end())
            throw InputFileError(m_source + ": nested model '" + info.spec->name
                + "' refers to layer '" + ref.layer + "', which it does not have");
        return TensorRef {
            info.spec->name + "/" + ref.layer, call * calls->second + ref.node, ref.tensor};
    }

    const ModelSpec &m_model;
    std::string m_source;
    std::map<std::string, NestedInfo> m_nested;
};

} // namespace

ModelSpec flattenNestedModels(const ModelSpec &model, const std::string &source)
{
    return Flattener(model, source).run();
}

} // namespace attnlens
