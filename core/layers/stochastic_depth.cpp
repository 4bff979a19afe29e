#include "core/layers/stochastic_depth.h"

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

std::unique_ptr<Layer> StochasticDepth::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    const double survival = configNumber(config, "survival_prob", 0.5);
    if (!(survival >= 0.0 && survival <= 1.0))
        throw InputFileError(layerWhere(config) + ": survival_prob must be in [0, 1]");
    requireWeightCount(config, {0u});
    return std::make_unique<StochasticDepth>(config.name, static_cast<float>(survival));
}

StochasticDepth::StochasticDepth(std::string name, float survival)
    : Layer(std::move(name))
    , m_survival(survival)
{
}

CallResult StochasticDepth::call(const CallArgs &args, const CallContext &) const
{
    const std::vector<Tensor> &inputs = args.all("inputs");
    const ErrorWhere where = ErrorWhere::ofLayer(name(), {});
    if (inputs.size() != 2)
        throw ShapeError(where + ": expects a list [shortcut, residual]");
    const float p = m_survival;
    CallResult result;
    result.outputs.push_back(broadcastBinary(
        inputs[0], inputs[1], [p](float s, float r) { return s + p * r; }, where));
    return result;
}

} // namespace attnlens
