#include "core/layers/tabular_mo_e_layer.h"

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/layers/sublayer_weights.h"

namespace attnlens {

std::unique_ptr<Layer> TabularMoELayer::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    const std::int64_t count = configInt(config, "num_experts", 4, 1, 1 << 16);
    std::vector<WeightCount> plan(static_cast<std::size_t>(2 * count + 1), WeightCount {2, 0});
    auto w = splitSublayerWeights(config, plan);
    std::vector<std::unique_ptr<Layer>> experts, outputs;
    for (std::int64_t e = 0; e < count; ++e)
        experts.push_back(kf::dense(config, "experts/expert_" + std::to_string(e),
            std::move(w[static_cast<std::size_t>(e)]), "relu"));
    for (std::int64_t e = 0; e < count; ++e)
        outputs.push_back(kf::dense(config, "expert_outputs/expert_out_" + std::to_string(e),
            std::move(w[static_cast<std::size_t>(count + e)])));
    auto gate = kf::dense(config, "gate", std::move(w.back()), "softmax");
    return std::make_unique<TabularMoELayer>(
        config.name, std::move(experts), std::move(outputs), std::move(gate));
}

TabularMoELayer::TabularMoELayer(std::string name, std::vector<std::unique_ptr<Layer>> experts,
    std::vector<std::unique_ptr<Layer>> outputs, std::unique_ptr<Layer> gate)
    : Layer(std::move(name))
    , m_experts(std::move(experts))
    , m_outputs(std::move(outputs))
    , m_gate(std::move(gate))
{
}

CallResult TabularMoELayer::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    Tensor gates = kf::apply(*m_gate, x);
    const auto experts = static_cast<std::int64_t>(m_experts.size());
    if (gates.dim(-1) != experts)
        throw ShapeError(ErrorWhere::ofLayer(name(), {}) + ": the gate gives "
            + shapeToString(gates.shape()) + " for " + std::to_string(experts) + " experts");
    const std::int64_t rows = gates.size() / experts;
    Tensor y;
    for (std::int64_t e = 0; e < experts; ++e) {
        const auto k = static_cast<std::size_t>(e);
        const Tensor out = kf::apply(*m_outputs[k], kf::apply(*m_experts[k], x));
        if (y.empty())
            y = Tensor(out.shape());
        const std::int64_t width = out.size() / rows;
        for (std::int64_t r = 0; r < rows; ++r) {
            const float g = gates.data()[r * experts + e];
            for (std::int64_t i = 0; i < width; ++i)
                y.data()[r * width + i] += g * out.data()[r * width + i];
        }
    }
    CallResult result;
    result.outputs.push_back(std::move(y));
    if (x.rank() == 2) // per-sample gates; for (B, T, F) inputs the gates are per step
        result.featureWeights.push_back(std::move(gates));
    return result;
}

std::int64_t TabularMoELayer::parameterCount() const
{
    std::int64_t total = m_gate->parameterCount();
    for (const auto &layer : m_experts)
        total += layer->parameterCount();
    for (const auto &layer : m_outputs)
        total += layer->parameterCount();
    return total;
}

std::vector<FeatureWeightsPart> TabularMoELayer::featureWeights() const
{
    return {{{}, WeightsOver::Experts, false, PositionSource::own()}};
}

} // namespace attnlens
