#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// Keras merge layers Add, Subtract (2 inputs), Multiply, Average, Maximum, Minimum, called
/// with a list `inputs`. Inputs of lower rank get size-1 axes inserted at axis 1 (as Keras),
/// then NumPy broadcasting. Output mask: AND of the inputs' masks (none if none has one).
class MergeLayer : public Layer
{
public:
    enum class Op
    {
        Add,
        Subtract,
        Multiply,
        Average,
        Maximum,
        Minimum
    };

    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    MergeLayer(std::string name, Op op);
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::elementwise(); }

private:
    Op m_op;
};

} // namespace attnlens
