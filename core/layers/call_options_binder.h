#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "core/runtime/layer.h"

namespace attnlens {

/// The loader side of a layer whose Keras call takes constant arguments it reads
/// (MultiHeadAttention's use_causal_mask, GetItem's key, an operator's constant operand). The
/// loader binds each call once, while wiring the graph; the runtime hands the result to every
/// run of that call as CallArgs::options, so no JSON is parsed while running.
class CallOptionsBinder
{
public:
    virtual ~CallOptionsBinder() = default;

    /// `constants` is a JSON object {parameter: value} of the call's non-tensor arguments, as
    /// the model config writes them. Returns the layer's typed options (null: none it reads).
    /// Throws InputFileError / UnsupportedModelError naming the layer for values it cannot use.
    virtual std::shared_ptr<const CallOptions> bindCallOptions(
        const nlohmann::json &constants) const = 0;
};

/// Binds `constants` (a JSON object, or null for none) for one call of `layer`: its
/// CallOptionsBinder's answer, or null for a layer that reads no constants.
std::shared_ptr<const CallOptions> bindCallOptions(
    const Layer &layer, const nlohmann::json &constants);

} // namespace attnlens
