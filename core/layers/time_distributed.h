#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.TimeDistributed: runs the wrapped layer on every step of the time axis (axis 1)
/// of a (B, T, ...) input, with the same weights: (B, T, ...) -> (B * T, ...) -> the wrapped
/// layer -> (B, T, ...). The output keeps the input's mask (B, T); the wrapped layer gets no
/// mask (Keras hands it a per-step mask only when its call takes one, which no wrapped layer
/// AttnLens runs per step uses) and the defaults of its call options.
class TimeDistributed : public Layer
{
public:
    /// Config: layer (the wrapped layer's {class_name, config}). Weights: the wrapped layer's,
    /// which is built through makeLayer. Throws InputFileError when the config is damaged,
    /// UnsupportedModelError when the wrapped layer is one AttnLens cannot run or one that
    /// reports attention or feature weights (a map per time step is not supported).
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    TimeDistributed(std::string name, std::unique_ptr<Layer> inner);

    std::vector<std::string> callSignature() const override
    {
        return {"inputs", "training", "mask"};
    }
    /// Throws ShapeError naming the layer for an input of rank < 3 or a wrapped layer that gives
    /// more than one output.
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    /// The time axis keeps its positions whatever the wrapped layer does to the others.
    PositionRule positions() const override { return PositionRule::positionwise(); }
    std::int64_t parameterCount() const override { return m_inner->parameterCount(); }

private:
    std::unique_ptr<Layer> m_inner;
    std::string m_innerParameter;                      ///< the wrapped layer's first call parameter
    std::shared_ptr<const CallOptions> m_innerOptions; ///< its call options with no constants
};

} // namespace attnlens
