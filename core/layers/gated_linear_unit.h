#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// KerasFactory's GatedLinearUnit (kerasfactory.layers>GatedLinearUnit, formerly kmr.layers):
/// y = (x W1 + b1) * sigmoid(x W2 + b2) over the last axis. Config: units. Sublayers, in build
/// order: `linear` Dense(units), `sigmoid` Dense(units, sigmoid); no weights of its own.
class GatedLinearUnit : public Layer
{
public:
    /// Throws InputFileError when the weights do not fit the config.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    /// The GLU held by another layer (`outer`'s attribute `attribute`), from its 4 weights.
    static std::unique_ptr<GatedLinearUnit> create(
        const LayerConfig &outer, const std::string &attribute, std::vector<Tensor> weights);

    GatedLinearUnit(std::string name, std::unique_ptr<Layer> linear, std::unique_ptr<Layer> gate);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::positionwise(); }
    std::int64_t parameterCount() const override;

    Tensor apply(const Tensor &x) const;

private:
    std::unique_ptr<Layer> m_linear;
    std::unique_ptr<Layer> m_gate;
};

} // namespace attnlens
