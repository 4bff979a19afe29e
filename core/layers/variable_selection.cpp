#include "core/layers/variable_selection.h"

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

std::unique_ptr<Layer> VariableSelection::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    const ErrorWhere where = layerWhere(config);
    const std::int64_t features = configInt(config, "nr_features", -1, 1, 1 << 20);
    const std::int64_t units = configInt(config, "units", -1, 1, std::int64_t(1) << 30);
    if (features < 0 || units < 0)
        throw InputFileError(where + ": config 'nr_features' or 'units' is missing.");
    std::vector<Tensor> weights = config.weights;
    std::vector<std::unique_ptr<GatedResidualNetwork>> grns;
    for (std::int64_t i = 0; i < features; ++i)
        grns.push_back(GatedResidualNetwork::create(
            config, "feature_grns/grn_" + std::to_string(i), weights, units));
    auto weightNetwork = GatedResidualNetwork::create(config, "grn_var", weights, features);
    if (!weights.empty())
        throw InputFileError(where + ": the weights file holds "
            + std::to_string(config.weights.size()) + " weights for this layer, more than "
            + std::to_string(features) + " + 1 GatedResidualNetworks have");
    return std::make_unique<VariableSelection>(config.name, std::move(grns),
        std::move(weightNetwork), configBool(config, "use_context", false));
}

VariableSelection::VariableSelection(std::string name,
    std::vector<std::unique_ptr<GatedResidualNetwork>> grns,
    std::unique_ptr<GatedResidualNetwork> weightNetwork, bool useContext)
    : Layer(std::move(name))
    , m_grns(std::move(grns))
    , m_weightNetwork(std::move(weightNetwork))
    , m_useContext(useContext)
{
}

CallResult VariableSelection::call(const CallArgs &args, const CallContext &) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), {});
    const std::vector<Tensor> &inputs = args.all("inputs");
    if (inputs.size() != (m_useContext ? 2u : 1u))
        throw ShapeError(where
            + (m_useContext ? ": use_context is true, so it takes [features, context]"
                            : ": use_context is false, so it takes one tensor, not a list"));
    Tensor x = inputs[0];
    if (x.rank() == 2)
        x = x.reshaped({x.dim(0), x.dim(1), 1});
    const auto features = static_cast<std::int64_t>(m_grns.size());
    if (x.rank() != 3 || x.dim(1) != features)
        throw ShapeError(where + ": expects (batch, " + std::to_string(features) + ") or (batch, "
            + std::to_string(features) + ", d) features, got " + shapeToString(inputs[0].shape()));
    const std::int64_t batch = x.dim(0);
    const std::int64_t depth = x.dim(2);
    Tensor weights = m_useContext
        ? m_weightNetwork->apply(inputs[1])
        : m_weightNetwork->apply(reduce(x, {false, false, true}, false, ReduceOp::Mean));
    if (weights.rank() != 2 || weights.dim(1) != features)
        throw ShapeError(
            where + ": the weight network gave shape " + shapeToString(weights.shape()));
    softmaxRows(weights.data(), batch, features);
    Tensor selected;
    for (std::int64_t i = 0; i < features; ++i) {
        Tensor feature = Tensor::uninitialized({batch, depth});
        for (std::int64_t b = 0; b < batch; ++b)
            std::copy_n(x.data() + (b * features + i) * depth, depth, feature.data() + b * depth);
        const Tensor t = m_grns[static_cast<std::size_t>(i)]->apply(feature);
        if (selected.empty())
            selected = Tensor({batch, t.dim(-1)});
        const std::int64_t units = t.dim(-1);
        for (std::int64_t b = 0; b < batch; ++b) {
            const float w = weights.data()[b * features + i];
            for (std::int64_t u = 0; u < units; ++u)
                selected.data()[b * units + u] += w * t.data()[b * units + u];
        }
    }
    CallResult result;
    result.outputs = {std::move(selected), weights};
    result.featureWeights = {std::move(weights)};
    return result;
}

std::int64_t VariableSelection::parameterCount() const
{
    std::int64_t total = m_weightNetwork->parameterCount();
    for (const auto &grn : m_grns)
        total += grn->parameterCount();
    return total;
}

std::vector<FeatureWeightsPart> VariableSelection::featureWeights() const
{
    return {{{}, WeightsOver::Features, false, PositionSource::columns("inputs", 0)}};
}

} // namespace attnlens
