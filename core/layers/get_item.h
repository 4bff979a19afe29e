#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/layers/call_options_binder.h"
#include "core/layers/layer_config.h"
#include "core/layers/numpy_kernels.h"

namespace attnlens {

/// `x[key]` on a symbolic tensor with a constant key: `x[:, -1, :]`, `x[..., 0]`,
/// `x[:, 2:10:2]`, `x[:, None]`. Two forms in model files:
/// - Keras 3: an operation node of class "GetItem", module "keras.src.ops.numpy", call
///   arguments (x, key). The key is serialized by keras/src/saving/serialization_lib.py: an
///   int, null (None / np.newaxis), {"class_name": "__slice__", "config": {"start", "stop",
///   "step"}}, {"class_name": "__ellipsis__", "config": {}}, or a list of those (a tuple
///   key; GetItem.call turns a list back into a tuple).
/// - Keras 2 / tf.keras: a layer of class "SlicingOpLambda" with config function
///   "__operators__.getitem" (tf's _slice_helper(tensor, slice_spec, var=None)); the node's
///   kwargs hold "slice_spec", where slices are {"start", "stop", "step"} dicts
///   (tf_op_layer.py _slice_to_dict) and Ellipsis is {"class_name": "__ellipsis__"}
///   (json_utils.get_json_type); a {"class_name": "__tuple__", "items": [...]} tuple is
///   accepted too.
/// NumPy basic-indexing semantics (numpy_kernels.h getItem). Only a full slice ':' may index
/// the batch axis: `x[0]`, `x[1:]`, `x[::-1]` or a None before it would make the result depend
/// on how AttnLens groups rows into batches, and are refused (UnsupportedModelError) when the
/// model is opened. Advanced indexing (a list or a tensor inside the key, boolean masks) is
/// refused too. No output mask, as in Keras (operations and TFOpLambda layers do not carry
/// masks).
class GetItem : public Layer, public CallOptionsBinder
{
public:
    /// The Keras 3 GetItem operation. Throws UnsupportedModelError for a class of that name
    /// from another package, InputFileError when it has weights.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    /// The Keras 2 SlicingOpLambda layer. Throws UnsupportedModelError for a function other
    /// than __operators__.getitem (tf.boolean_mask, ragged getitem), InputFileError for a
    /// config without a function name.
    static std::unique_ptr<Layer> fromSlicingOpLambda(const LayerConfig &config);

    /// A key as written in the file (either form above). Throws InputFileError naming `where`
    /// for a malformed key (a slice bound that is not an integer or None, a zero step, an
    /// unknown object), UnsupportedModelError for advanced indexing (a nested list, a tensor,
    /// a boolean).
    static std::vector<IndexItem> parseKey(const nlohmann::json &key, const ErrorWhere &where);

    /// A call's constant key, parsed once.
    struct Key : CallOptions
    {
        std::optional<std::vector<IndexItem>> items; ///< nullopt: the call gives no constant key
        std::string text;                            ///< the key in Python syntax, for messages
        bool slicesVariable = false; ///< SlicingOpLambda with a non-null constant `var`
    };

    std::vector<std::string> callSignature() const override;
    /// Parses the key (`key`, or `slice_spec` for SlicingOpLambda) with parseKey; same throws.
    std::shared_ptr<const CallOptions> bindCallOptions(
        const nlohmann::json &constants) const override;
    CallResult call(const CallArgs &args, const CallContext &context) const override;

private:
    GetItem(std::string name, bool keras2);

    ErrorWhere where() const;
    std::string keyParameter() const { return m_keras2 ? "slice_spec" : "key"; }

    bool m_keras2; ///< SlicingOpLambda (tensor, slice_spec) rather than GetItem (x, key)
};

} // namespace attnlens
