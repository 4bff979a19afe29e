#include "core/layers/sparse_attention_weighting.h"

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

std::unique_ptr<Layer> SparseAttentionWeighting::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    const std::int64_t modules = configInt(config, "num_modules", -1, 1, 1 << 20);
    const double temperature = configNumber(config, "temperature", 1.0);
    if (modules < 0)
        throw InputFileError(layerWhere(config) + ": config 'num_modules' is missing.");
    if (!(temperature > 0))
        throw InputFileError(layerWhere(config) + ": temperature must be positive");
    requireWeightCount(config, {1u});
    requireWeightShape(config, 0, {modules}, "attention_weights");
    Tensor p = Tensor::uninitialized({modules});
    const auto t = static_cast<float>(temperature);
    for (std::int64_t m = 0; m < modules; ++m)
        p.data()[m] = config.weights[0].data()[m] / t;
    softmaxRows(p.data(), 1, modules);
    return std::make_unique<SparseAttentionWeighting>(config.name, std::move(p));
}

SparseAttentionWeighting::SparseAttentionWeighting(std::string name, Tensor probabilities)
    : Layer(std::move(name))
    , m_probabilities(std::move(probabilities))
{
}

CallResult SparseAttentionWeighting::call(const CallArgs &args, const CallContext &) const
{
    const std::vector<Tensor> &inputs = args.all("module_outputs");
    const std::int64_t modules = m_probabilities.size();
    if (static_cast<std::int64_t>(inputs.size()) != modules)
        throw ShapeError(ErrorWhere::ofLayer(name(), {}) + ": expects " + std::to_string(modules)
            + " module outputs, got " + std::to_string(inputs.size()));
    Tensor y(inputs[0].shape());
    for (std::int64_t m = 0; m < modules; ++m) {
        const Tensor &x = inputs[static_cast<std::size_t>(m)];
        if (x.shape() != y.shape())
            throw ShapeError(ErrorWhere::ofLayer(name(), {}) + ": module outputs of shapes "
                + shapeToString(y.shape()) + " and " + shapeToString(x.shape()) + " differ");
        const float p = m_probabilities.data()[m];
        for (std::int64_t i = 0; i < x.size(); ++i)
            y.data()[i] += x.data()[i] * p;
    }
    CallResult result;
    const std::int64_t batch = y.rank() > 0 ? y.dim(0) : 1;
    Tensor weights = Tensor::uninitialized({batch, modules});
    for (std::int64_t b = 0; b < batch; ++b)
        std::copy_n(m_probabilities.data(), modules, weights.data() + b * modules);
    result.outputs.push_back(std::move(y));
    result.featureWeights.push_back(std::move(weights));
    return result;
}

std::vector<FeatureWeightsPart> SparseAttentionWeighting::featureWeights() const
{
    return {{{}, WeightsOver::Modules, true, PositionSource::own()}};
}

} // namespace attnlens
