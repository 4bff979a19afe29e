#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tensor/tensor.h"

namespace attnlens {

/// Output `tensor` of call `node` of layer `layer` (Keras's keras_history triple), by name as the
/// config writes it. Not the runtime's ValueRef (graph node index, output): the loader resolves
/// one into the other while wiring the graph, and a name may not resolve (a damaged file).
struct TensorRef
{
    std::string layer;
    int node = 0;
    int tensor = 0;
};

/// One argument of a layer call as the config writes it: tensors (several for a list argument
/// such as Add([a, b])) or a constant (`true`, `-1`, `null`). The loader binds these to the
/// layer's parameter names once (GraphNode::tensorArgs, GraphNode::options); the runtime's
/// CallArgs are the tensors of one run of that call.
struct CallArgument
{
    std::vector<TensorRef> tensors;
    bool isList = false;     ///< the argument was a list of tensors
    nlohmann::json constant; ///< when `tensors` is empty
    bool isTensor() const { return !tensors.empty(); }
};

/// One call of a layer ("inbound node"), before binding to the layer's parameter names.
struct NodeSpec
{
    std::vector<CallArgument> positional;
    std::vector<std::pair<std::string, CallArgument>> keyword;
};

struct ModelSpec;

/// One entry of the model's `layers` list.
struct LayerSpec
{
    std::string name;
    std::string className;      ///< without package ("InterpretableMultiHeadAttention")
    std::string registeredName; ///< as written, may be empty
    std::string module;         ///< `.keras` only ("keras.src.ops.numpy"), may be empty
    nlohmann::json config;
    std::vector<NodeSpec> nodes;
    bool isInput = false;
    Shape inputShape;  ///< InputLayer: with the batch axis, -1 for None
    std::string dtype; ///< InputLayer dtype ("float32", "int32")
    /// A Functional or Sequential model used as a layer: its own architecture. The outer
    /// graph refers to its call k as node `nestedNodeOffset + k` (Keras keeps a first node
    /// linking a Functional model's own inputs to its outputs out of the outer config).
    std::shared_ptr<const ModelSpec> nested;
    int nestedNodeOffset = 0;
    /// Keras 3 weight group of a layer of a subclassed model written as a graph
    /// (core/keras/subclassed_models.h); empty: found by Keras's naming of `model.layers`.
    std::string weightGroup;
};

/// A Functional or Sequential model's architecture, as a functional graph (Sequential models
/// are turned into a chain with an InputLayer first).
struct ModelSpec
{
    std::string name;
    std::string className; ///< "Functional" or "Sequential" (Keras 2 "Model" -> "Functional")
    std::vector<LayerSpec> layers;
    std::vector<TensorRef> inputs;
    std::vector<TensorRef> outputs;
    /// Index of the first non-InputLayer entry that Keras lists in `model.layers`; used for
    /// binding `.weights.h5` groups: Sequential models leave the InputLayer out.
    bool inputLayersInModelLayers = true;
    /// A subclassed model AttnLens runs as this graph: its class as the file names it
    /// ("kerasfactory>BaseFeedForwardModel"); empty for a Functional or Sequential model.
    std::string subclassedFrom;
};

/// Class name without the package of a registered name ("kmr.layers>X" -> "X").
std::string stripPackage(const std::string &name);

/// Parses `model.to_json()` / `model_config` / `config.json`. `source` names the file in
/// messages. Models used as layers (Functional or Sequential entries of `layers`) are parsed
/// recursively into LayerSpec::nested. Throws InputFileError for a malformed config and
/// UnsupportedModelError for a model class that is not Functional or Sequential.
ModelSpec parseModelConfig(const nlohmann::json &root, const std::string &source);

/// Parses text as JSON; throws InputFileError with the line and column on a syntax error.
nlohmann::json parseJsonText(const std::string &text, const std::string &source);

} // namespace attnlens
