#include "core/layers/advanced_numerical_embedding.h"

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/layers/sublayer_weights.h"

namespace attnlens {

std::unique_ptr<Layer> AdvancedNumericalEmbedding::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    const ErrorWhere where = layerWhere(config);
    const std::int64_t embedding = configInt(config, "embedding_dim", 8, 1, 1 << 20);
    const std::int64_t bins = configInt(config, "num_bins", 10, 1, 1 << 24);
    const bool useBatchNorm = configBool(config, "use_batch_norm", true);
    if (config.weights.empty() || config.weights[0].rank() != 1)
        throw InputFileError(where + ": the weights file does not start with learned_min (F,)");
    const std::int64_t features = config.weights[0].dim(0);
    std::vector<WeightCount> plan = {{3, 0}, {2, 0}, {2, 0}};
    if (useBatchNorm)
        plan.push_back({2, 2});
    plan.push_back({2, 0});
    plan.insert(plan.end(), static_cast<std::size_t>(features), WeightCount {1, 0});
    auto w = splitSublayerWeights(config, plan);
    std::size_t next = 0;
    Parts p;
    p.learnedMin = w[next][0];
    p.learnedMax = w[next][1];
    p.gate = w[next][2];
    ++next;
    if (p.learnedMax.shape() != Shape {features} || p.gate.shape() != Shape {features, embedding})
        throw InputFileError(where + ": learned_max " + shapeToString(p.learnedMax.shape())
            + " and gate " + shapeToString(p.gate.shape()) + " do not fit "
            + std::to_string(features) + " features and embedding_dim "
            + std::to_string(embedding));
    p.hidden = kf::dense(config, "hidden_layer", std::move(w[next++]), "relu");
    p.output = kf::dense(config, "output_layer", std::move(w[next++]));
    if (useBatchNorm)
        p.batchNorm = kf::batchNorm(config, "batch_norm", std::move(w[next++]));
    p.residual = kf::dense(config, "residual_proj", std::move(w[next++]));
    for (std::int64_t f = 0; f < features; ++f, ++next) {
        const Tensor &table = w[next][0];
        if (table.shape() != Shape {bins, embedding})
            throw InputFileError(where + ": bin embedding " + std::to_string(f) + " has shape "
                + shapeToString(table.shape()) + " where num_bins and embedding_dim need ("
                + std::to_string(bins) + ", " + std::to_string(embedding) + ")");
        p.bins.push_back(table);
    }
    return std::make_unique<AdvancedNumericalEmbedding>(config.name, std::move(p));
}

AdvancedNumericalEmbedding::AdvancedNumericalEmbedding(std::string name, Parts parts)
    : Layer(std::move(name))
    , m_parts(std::move(parts))
{
}

PositionRule AdvancedNumericalEmbedding::positions() const
{
    return PositionRule::splitsColumns(m_parts.learnedMin.size());
}

CallResult AdvancedNumericalEmbedding::call(const CallArgs &args, const CallContext &) const
{
    const Parts &p = m_parts;
    const Tensor &x = args.one("inputs");
    const std::int64_t features = p.learnedMin.size();
    const std::int64_t embedding = p.gate.dim(1);
    if (x.rank() != 2 || x.dim(1) != features)
        throw ShapeError(ErrorWhere::ofLayer(name(), {}) + ": expects (batch, "
            + std::to_string(features) + ") features, got " + shapeToString(x.shape()));
    const std::int64_t batch = x.dim(0);
    // Continuous branch on every scalar as its own row: (B * F, 1) -> (B * F, E).
    const Tensor scalars = x.reshaped({batch * features, 1});
    Tensor cont = kf::apply(*p.output, kf::apply(*p.hidden, scalars));
    if (p.batchNorm)
        cont = kf::apply(*p.batchNorm, cont);
    const Tensor residual = kf::apply(*p.residual, scalars);
    // Discrete branch and the gate.
    const auto bins = static_cast<std::int64_t>(p.bins.front().dim(0));
    Tensor out = Tensor::uninitialized({batch, features, embedding});
    for (std::int64_t b = 0; b < batch; ++b)
        for (std::int64_t f = 0; f < features; ++f) {
            const float lo = p.learnedMin.data()[f];
            const float span = (p.learnedMax.data()[f] - lo) + 1e-6f;
            const float scaled = (x.data()[b * features + f] - lo) / span;
            const float bin = std::floor(scaled * static_cast<float>(bins));
            const auto index = std::isnan(bin)
                ? std::int64_t(0)
                : std::clamp<std::int64_t>(
                    static_cast<std::int64_t>(std::clamp(bin, -1.0f, static_cast<float>(bins))), 0,
                    bins - 1);
            const float *table = p.bins[static_cast<std::size_t>(f)].data() + index * embedding;
            const std::int64_t row = b * features + f;
            for (std::int64_t e = 0; e < embedding; ++e) {
                const float g = 1.0f / (1.0f + std::exp(-p.gate.data()[f * embedding + e]));
                const float c
                    = cont.data()[row * embedding + e] + residual.data()[row * embedding + e];
                out.data()[row * embedding + e] = g * c + (1.0f - g) * table[e];
            }
        }
    CallResult result;
    result.outputs.push_back(features == 1 ? out.reshaped({batch, embedding}) : std::move(out));
    return result;
}

std::int64_t AdvancedNumericalEmbedding::parameterCount() const
{
    const Parts &p = m_parts;
    std::int64_t total = p.learnedMin.size() + p.learnedMax.size() + p.gate.size()
        + p.hidden->parameterCount() + p.output->parameterCount() + p.residual->parameterCount();
    if (p.batchNorm)
        total += p.batchNorm->parameterCount();
    for (const Tensor &table : p.bins)
        total += table.size();
    return total;
}

} // namespace attnlens
