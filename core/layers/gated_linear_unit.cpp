#include "core/layers/gated_linear_unit.h"

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/layers/sublayer_weights.h"
#include "core/tensor/ops.h"

namespace attnlens {

std::unique_ptr<Layer> GatedLinearUnit::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    const std::int64_t units = configInt(config, "units", -1, 1, std::int64_t(1) << 30);
    if (units < 0)
        throw InputFileError(layerWhere(config) + ": config 'units' is missing.");
    std::unique_ptr<GatedLinearUnit> glu = create(config, {}, config.weights);
    if (config.weights[0].rank() != 2 || config.weights[0].shape()[1] != units)
        requireWeightShape(config, 0, {config.weights[0].dim(0), units}, "linear kernel");
    return glu;
}

std::unique_ptr<GatedLinearUnit> GatedLinearUnit::create(
    const LayerConfig &outer, const std::string &attribute, std::vector<Tensor> weights)
{
    LayerConfig own = outer;
    own.weights = std::move(weights);
    own.weightOrder = WeightOrder::PerSublayer; // no non-trainable weights: one order
    auto parts = splitSublayerWeights(own, {{2, 0}, {2, 0}});
    const std::string prefix = attribute.empty() ? std::string() : attribute + "/";
    return std::make_unique<GatedLinearUnit>(attribute.empty() ? outer.name : attribute,
        kf::dense(outer, prefix + "linear", std::move(parts[0])),
        kf::dense(outer, prefix + "sigmoid", std::move(parts[1]), "sigmoid"));
}

GatedLinearUnit::GatedLinearUnit(
    std::string name, std::unique_ptr<Layer> linear, std::unique_ptr<Layer> gate)
    : Layer(std::move(name))
    , m_linear(std::move(linear))
    , m_gate(std::move(gate))
{
}

Tensor GatedLinearUnit::apply(const Tensor &x) const
{
    const Tensor a = kf::apply(*m_linear, x);
    const Tensor g = kf::apply(*m_gate, x);
    return broadcastBinary(
        a, g, [](float u, float v) { return u * v; }, ErrorWhere::ofLayer(name(), {}));
}

CallResult GatedLinearUnit::call(const CallArgs &args, const CallContext &) const
{
    CallResult result;
    result.outputs.push_back(apply(args.one("inputs")));
    return result;
}

std::int64_t GatedLinearUnit::parameterCount() const
{
    return m_linear->parameterCount() + m_gate->parameterCount();
}

} // namespace attnlens
