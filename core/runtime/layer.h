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

class StringEncoder;

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
    /// The mask of input `parameter` for a layer whose Keras call takes `mask`: tensor `index`
    /// bound to the call's `mask` argument when the node passes one (Keras 3 writes `mask=` for
    /// a mask it computed with operations, e.g. NotEqual then Any after Masking), else the
    /// input's own mask (maskOf).
    const Mask &callMask(const std::string &parameter, std::size_t index = 0) const;
    /// Every tensor bound to `parameter` (a list argument), empty if absent.
    const std::vector<Tensor> &all(const std::string &parameter) const;
};

/// What one call of a layer produced.
struct CallResult
{
    std::vector<Tensor> outputs;
    std::vector<Mask> masks; ///< one per output (empty Mask = none); may be shorter than outputs
    Tensor attention;        ///< attention layers: (N, heads, T_query, T_key) when captured
    /// Layers that hold attention sublayers (Layer::attentionParts()): the scores of part k at
    /// index k, (N, heads, T_query, T_key), when captured; empty otherwise.
    std::vector<Tensor> partAttention;
    /// Layers that compute weights over features, experts or modules (Layer::featureWeights()):
    /// entry k for weights k, always (N, count), static weights repeated on every row.
    std::vector<Tensor> featureWeights;
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

/// Where the positions of an attention axis or of a weight vector come from, relative to the
/// layer's own call arguments (the loader traces them further back to the model's inputs).
struct PositionSource
{
    enum class Kind
    {
        Positions, ///< the positions (axis 1) of call argument `argument`[index]
        Columns,   ///< the columns (last axis) of the rank-2 call argument `argument`[index]
        Latent,    ///< channels the layer made itself, not positions of any input
        Own,       ///< the layer's own experts or modules (numbered)
    };
    Kind kind = Kind::Positions;
    std::string argument; ///< a call parameter name; empty = the first one
    int index = 0;        ///< which tensor of a list argument

    static PositionSource positions(std::string argument = {}, int index = 0)
    {
        return {Kind::Positions, std::move(argument), index};
    }
    static PositionSource columns(std::string argument = {}, int index = 0)
    {
        return {Kind::Columns, std::move(argument), index};
    }
    static PositionSource latent() { return {Kind::Latent, {}, 0}; }
    static PositionSource own() { return {Kind::Own, {}, 0}; }
};

/// One attention sublayer of a composite layer (TabularAttention's `feature_attention`): it is
/// reported as its own attention call, keyed "<layer key>/<attribute>". A part with an empty
/// attribute is the layer's own softmax attention (not a sublayer's), keyed "<layer key>".
struct AttentionPart
{
    std::string attribute; ///< the Python attribute that holds the sublayer; empty = own map
    AttentionSpec spec;
    PositionSource query;
    PositionSource key;
};

/// What a set of feature weights weighs.
enum class WeightsOver
{
    Features, ///< the layer input's features (VariableSelection, ColumnAttention)
    Experts,  ///< mixture-of-experts gates (TabularMoELayer)
    Modules,  ///< inputs or branches mixed by learned weights (SparseAttentionWeighting)
};

/// One set of softmax (or gate) weights a layer computes over features, experts or modules,
/// reported beside attention (Model::featureWeightLayers()).
struct FeatureWeightsPart
{
    /// Empty: keyed by the layer's key alone; else "<layer key>/<attribute>".
    std::string attribute;
    WeightsOver over = WeightsOver::Features;
    bool isStatic = false; ///< the same on every row (learned, independent of the input)
    PositionSource source; ///< what the positions are (Features: which argument's)
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

    /// The attention sublayers of a composite layer, in CallResult::partAttention order; a
    /// layer with parts captures them when CallContext::captureAttention is set.
    virtual std::vector<AttentionPart> attentionParts() const { return {}; }

    /// The weights over features, experts or modules this layer computes, in
    /// CallResult::featureWeights order (every call fills all of them).
    virtual std::vector<FeatureWeightsPart> featureWeights() const { return {}; }

    /// How the output's positions follow the input's (for axis labels); the default, None,
    /// says the layer moves or mixes them.
    virtual PositionRule positions() const { return PositionRule::none(); }

    /// Non-null for a layer that takes text (TextVectorization, StringLookup): how the data
    /// loader encodes the text of the input it reads; the layer itself passes the ids on.
    virtual std::shared_ptr<const StringEncoder> stringEncoder() const { return nullptr; }

private:
    std::string m_name;
};

} // namespace attnlens
