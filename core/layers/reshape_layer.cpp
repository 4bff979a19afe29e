#include "core/layers/reshape_layer.h"

#include <algorithm>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> ReshapeLayer::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    const std::vector<std::int64_t> target = configIntList(config, "target_shape");
    if (target.empty()
        && !(config.config.contains("target_shape") && config.config["target_shape"].is_array()))
        throw InputFileError(layerWhere(config) + ": config 'target_shape' is missing.");
    if (std::count(target.begin(), target.end(), -1) > 1
        || std::any_of(target.begin(), target.end(), [](std::int64_t d) { return d < -1; }))
        throw InputFileError(layerWhere(config) + ": target_shape " + shapeToString(target)
            + " is not a valid shape (at most one -1, no other negative size).");
    return std::make_unique<ReshapeLayer>(config.name, target);
}

ReshapeLayer::ReshapeLayer(std::string name, Shape targetShape)
    : Layer(std::move(name))
    , m_targetShape(std::move(targetShape))
{
}

/// (N, F) -> (N, F, k) splits feature columns into F positions; whether the input really is
/// a model's feature columns is for the tracer to check.
PositionRule ReshapeLayer::positions() const
{
    if (m_targetShape.size() == 2 && m_targetShape[0] > 0)
        return PositionRule::splitsColumns(m_targetShape[0]);
    return PositionRule::none();
}

CallResult ReshapeLayer::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    if (x.rank() < 1)
        throw ShapeError(ErrorWhere::ofLayer(name(), "Reshape") + " needs a batch axis.");
    Shape shape = {x.shape()[0]};
    shape.insert(shape.end(), m_targetShape.begin(), m_targetShape.end());
    CallResult result;
    try {
        result.outputs.push_back(x.reshaped(shape));
    } catch (const ShapeError &) {
        Shape sample(x.shape().begin() + 1, x.shape().end());
        throw ShapeError(ErrorWhere::ofLayer(name(), "Reshape")
            + " cannot reshape samples of shape " + shapeToString(sample) + " to "
            + shapeToString(m_targetShape) + ": the sizes differ.");
    }
    result.masks.emplace_back();
    return result;
}

} // namespace attnlens
