#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tensor/tensor.h"

namespace attnlens {

/// Everything the loader knows about one layer, handed to its factory.
struct LayerConfig
{
    std::string name;      ///< Keras layer name
    std::string className; ///< Keras class name without package ("InterpretableMultiHeadAttention")
    std::string
        registeredName; ///< as in the file ("kerasfactory.layers>InterpretableMultiHeadAttention"),
                        ///< may be empty
    nlohmann::json config; ///< the layer's "config" object, as written
    /// Weights in Keras's legacy order: the layer's own trainable then non-trainable variables,
    /// sublayers in build order (MultiHeadAttention: query kernel, query bias, key kernel, key
    /// bias, value kernel, value bias, output kernel, output bias; LSTM: kernel, recurrent
    /// kernel, bias; Bidirectional: forward weights then backward weights).
    std::vector<Tensor> weights;
    std::vector<std::string> weightNames; ///< where the file names them, for messages; may be empty
    std::string kerasVersion;             ///< "3.15.1", "2.15.0", or empty when unknown
    std::string file;                     ///< model file, for messages
    /// The layer entry's "module" in .keras files ("keras.layers", "keras.src.ops.numpy" for
    /// Keras 3 operator nodes such as `x + y`); empty when the file does not say.
    std::string module;
};

/// Tensors bound to a layer's call parameters, by parameter name. A list argument (Add([a, b]))
/// holds several tensors under one name. Non-tensor arguments (use_causal_mask, axis, a
/// constant `y`, training) are in `options`.
struct CallArgs
{
    std::map<std::string, std::vector<Tensor>> tensors;
    std::map<std::string, std::vector<Mask>> masks; ///< same layout as `tensors`; empty Mask = none
    nlohmann::json options = nlohmann::json::object();

    bool has(const std::string &parameter) const;
    /// The single tensor bound to `parameter`; throws ShapeError naming the layer if absent.
    const Tensor &one(const std::string &parameter) const;
    /// Its mask, or an empty Mask.
    const Mask &maskOf(const std::string &parameter, std::size_t index = 0) const;
    /// Every tensor bound to `parameter` (a list argument), empty if absent.
    const std::vector<Tensor> &all(const std::string &parameter) const;
};

/// What one call of a layer produced.
struct CallResult
{
    std::vector<Tensor> outputs;
    std::vector<Mask> masks; ///< one per output (empty Mask = none); may be shorter than outputs
    Tensor attention;        ///< attention layers: (N, heads, T_query, T_key) when captured
};

struct CallContext
{
    bool captureAttention = true;
    /// Optional, for attention layers that capture: returns where to write the scores of this
    /// call, given their shape (N, heads, T_query, T_key); the memory belongs to the caller
    /// (Model::run hands out the rows of its result, so no copy is made). A layer that writes
    /// there leaves CallResult::attention empty. Empty function: the layer allocates them.
    std::function<float *(const Shape &)> scoresDestination;
};

/// Facts about an attention layer, for AttentionLayerInfo.
struct AttentionSpec
{
    int heads = 0;
    int keyDim = 0;
    int valueDim = 0;
};

/// A Keras layer ready to run. Immutable after construction; call() is const and thread-safe.
class Layer
{
public:
    explicit Layer(std::string name)
        : m_name(std::move(name))
    {
    }
    virtual ~Layer() = default;
    Layer(const Layer &) = delete;
    Layer &operator=(const Layer &) = delete;

    const std::string &name() const { return m_name; }

    /// Parameter names of the Keras `call`, in positional order. Positional arguments of a
    /// node are bound to these names in order; keyword arguments by name.
    virtual std::vector<std::string> callSignature() const { return {"inputs"}; }

    /// Runs one call. Inputs carry the batch as their leading axis. Throws ShapeError (with the
    /// layer name) when an input does not fit the weights.
    virtual CallResult call(const CallArgs &args, const CallContext &context) const = 0;

    /// Number of weight values, as Keras's count_params().
    virtual std::int64_t parameterCount() const { return 0; }

    /// Non-null for attention layers.
    virtual const AttentionSpec *attention() const { return nullptr; }

private:
    std::string m_name;
};

} // namespace attnlens
