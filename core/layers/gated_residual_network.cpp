#include "core/layers/gated_residual_network.h"

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/layers/sublayer_weights.h"

namespace attnlens {

std::unique_ptr<Layer> GatedResidualNetwork::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    const std::int64_t units = configInt(config, "units", -1, 1, std::int64_t(1) << 30);
    if (units < 0)
        throw InputFileError(layerWhere(config) + ": config 'units' is missing.");
    std::vector<Tensor> weights = config.weights;
    auto grn = create(config, {}, weights, units);
    if (!weights.empty())
        throw InputFileError(layerWhere(config) + ": the weights file holds "
            + std::to_string(config.weights.size())
            + " weights for this layer, more than a GatedResidualNetwork has");
    return grn;
}

std::unique_ptr<GatedResidualNetwork> GatedResidualNetwork::create(const LayerConfig &outer,
    const std::string &attribute, std::vector<Tensor> &weights, std::int64_t units)
{
    // Build config read from the weights: `project` exists when the input width (rows of the
    // first kernel, elu_dense's) differs from units.
    const bool projects = !weights.empty() && weights[0].rank() == 2 && weights[0].dim(0) != units;
    const std::size_t count = projects ? 12 : 10;
    if (weights.size() < count)
        throw InputFileError(layerWhere(outer) + ": the weights file holds "
            + std::to_string(weights.size()) + " weights for GatedResidualNetwork '"
            + (attribute.empty() ? outer.name : attribute) + "', which needs "
            + std::to_string(count));
    LayerConfig own = outer;
    own.weights.assign(weights.begin(), weights.begin() + static_cast<long>(count));
    own.weightOrder = WeightOrder::PerSublayer; // no non-trainable weights: one order
    weights.erase(weights.begin(), weights.begin() + static_cast<long>(count));
    std::vector<WeightCount> plan = {{2, 0}, {2, 0}, {4, 0}};
    if (projects)
        plan.push_back({2, 0});
    plan.push_back({2, 0});
    auto parts = splitSublayerWeights(own, plan);
    const std::string p = attribute.empty() ? std::string() : attribute + "/";
    auto elu = kf::dense(outer, p + "elu_dense", std::move(parts[0]), "elu");
    auto linear = kf::dense(outer, p + "linear_dense", std::move(parts[1]));
    auto glu = GatedLinearUnit::create(outer, p + "gated_linear_unit", std::move(parts[2]));
    std::unique_ptr<Layer> project;
    if (projects)
        project = kf::dense(outer, p + "project", std::move(parts[3]));
    auto norm = kf::layerNorm(outer, p + "layer_norm", std::move(parts.back()));
    for (const Tensor &kernel : {own.weights[0], own.weights[2]})
        if (kernel.rank() != 2 || kernel.dim(1) != units)
            throw InputFileError(layerWhere(outer) + ": GatedResidualNetwork '"
                + (attribute.empty() ? outer.name : attribute) + "' has a kernel of shape "
                + shapeToString(kernel.shape()) + " where units = " + std::to_string(units)
                + " needs (in, " + std::to_string(units) + ")");
    return std::make_unique<GatedResidualNetwork>(attribute.empty() ? outer.name : attribute,
        std::move(elu), std::move(linear), std::move(glu), std::move(project), std::move(norm));
}

GatedResidualNetwork::GatedResidualNetwork(std::string name, std::unique_ptr<Layer> elu,
    std::unique_ptr<Layer> linear, std::unique_ptr<GatedLinearUnit> glu,
    std::unique_ptr<Layer> project, std::unique_ptr<Layer> norm)
    : Layer(std::move(name))
    , m_elu(std::move(elu))
    , m_linear(std::move(linear))
    , m_glu(std::move(glu))
    , m_project(std::move(project))
    , m_norm(std::move(norm))
{
}

Tensor GatedResidualNetwork::apply(const Tensor &x) const
{
    const Tensor hidden = kf::apply(*m_linear, kf::apply(*m_elu, x));
    const Tensor residual = m_project ? kf::apply(*m_project, x) : x;
    return kf::apply(
        *m_norm, kf::add(residual, m_glu->apply(hidden), ErrorWhere::ofLayer(name(), {})));
}

CallResult GatedResidualNetwork::call(const CallArgs &args, const CallContext &) const
{
    CallResult result;
    result.outputs.push_back(apply(args.one("inputs")));
    return result;
}

std::int64_t GatedResidualNetwork::parameterCount() const
{
    return m_elu->parameterCount() + m_linear->parameterCount() + m_glu->parameterCount()
        + (m_project ? m_project->parameterCount() : 0) + m_norm->parameterCount();
}

} // namespace attnlens
