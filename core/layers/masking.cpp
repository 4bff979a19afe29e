#include "core/layers/masking.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

Masking::Masking(std::string name, float maskValue)
    : Layer(std::move(name))
    , m_maskValue(maskValue)
{
}

std::unique_ptr<Layer> Masking::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    return std::unique_ptr<Layer>(
        new Masking(config.name, static_cast<float>(configNumber(config, "mask_value", 0.0))));
}

CallResult Masking::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    if (x.rank() < 2)
        throw ShapeError(ErrorWhere::ofLayer(name(), "Masking") + ": input of shape "
            + shapeToString(x.shape()) + " has no feature axis; it needs rank 2 or more.");
    Tensor out = x;
    Shape maskShape(x.shape().begin(), x.shape().end() - 1);
    Mask mask(maskShape);
    auto m = out.matrix();
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        // `!=` is true for NaN, as in Keras's ops.not_equal.
        bool keep = false;
        for (Eigen::Index c = 0; c < m.cols() && !keep; ++c)
            keep = m(r, c) != m_maskValue;
        mask.data()[r] = keep ? 1.0f : 0.0f;
        if (!keep)
            m.row(r).setZero();
    }
    CallResult result;
    result.outputs.push_back(std::move(out));
    result.masks.push_back(std::move(mask));
    return result;
}

} // namespace attnlens
