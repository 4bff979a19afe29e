#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/runtime/position_rule.h"
#include "core/tensor/tensor.h"

namespace attnlens {

/// The constant (non-tensor) arguments of one call (use_causal_mask, an index key, a constant
/// operand `y`), resolved once, when the graph is wired, into the typed form the layer class
/// defines (a subclass of this). The runtime only carries them from the graph node to the call.
class CallOptions
{
public:
    virtual ~CallOptions() = default;
};

/// Tensors bound to a layer's call parameters, by parameter name. A list argument (Add([a, b]))
/// holds several tensors under one name. Non-tensor arguments are in `options`.
struct CallArgs
{
    std::map<std::string, std::vector<Tensor>> tensors;
    std::map<std::string, std::vector<Mask>> masks; ///< same layout as `tensors`; empty Mask = none
    /// The call's constants in the layer's own type; null when it has none the layer reads.
    std::shared_ptr<const CallOptions> options;

    /// `options` as the layer's type T, or nullptr when there are none (or of another type).
    template <class T>
    const T *optionsAs() const
    {
        return dynamic_cast<const T *>(options.get());
    }

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

    /// How the output's positions follow the input's (for axis labels); the default, None,
    /// says the layer moves or mixes them.
    virtual PositionRule positions() const { return PositionRule::none(); }

private:
    std::string m_name;
};

} // namespace attnlens
