#include "core/layers/gated_feature_fusion.h"

#include "core/errors.h"
#include "core/layers/kerasfactory_parts.h"
#include "core/layers/layer_util.h"
#include "core/layers/sublayer_weights.h"

namespace attnlens {

std::unique_ptr<Layer> GatedFeatureFusion::fromKeras(const LayerConfig &config)
{
    kf::requireKerasFactory(config);
    auto w = splitSublayerWeights(config, {{2, 0}});
    const nlohmann::json activation = config.config.value("activation", nlohmann::json("sigmoid"));
    if (!activation.is_string())
        throw UnsupportedModelError(
            layerWhere(config) + ": only a named activation is supported for the gate");
    return std::make_unique<GatedFeatureFusion>(config.name,
        kf::dense(config, "fusion_gate", std::move(w[0]), activation.get<std::string>()));
}

GatedFeatureFusion::GatedFeatureFusion(std::string name, std::unique_ptr<Layer> gate)
    : Layer(std::move(name))
    , m_gate(std::move(gate))
{
}

CallResult GatedFeatureFusion::call(const CallArgs &args, const CallContext &) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), {});
    const std::vector<Tensor> &inputs = args.all("inputs");
    if (inputs.size() != 2 || inputs[0].shape() != inputs[1].shape() || inputs[0].rank() < 1)
        throw ShapeError(where + ": expects a list of two tensors of the same shape");
    const Tensor &a = inputs[0];
    const Tensor &b = inputs[1];
    const std::int64_t width = a.dim(-1);
    const std::int64_t rows = a.size() / std::max<std::int64_t>(width, 1);
    Shape joinedShape = a.shape();
    joinedShape.back() = 2 * width;
    Tensor joined = Tensor::uninitialized(joinedShape);
    for (std::int64_t r = 0; r < rows; ++r) {
        std::copy_n(a.data() + r * width, width, joined.data() + r * 2 * width);
        std::copy_n(b.data() + r * width, width, joined.data() + r * 2 * width + width);
    }
    const Tensor gate = kf::apply(*m_gate, joined);
    if (gate.shape() != a.shape())
        throw ShapeError(where + ": the gate gives shape " + shapeToString(gate.shape())
            + " for inputs of shape " + shapeToString(a.shape()));
    Tensor out = Tensor::uninitialized(a.shape());
    for (std::int64_t i = 0; i < a.size(); ++i) {
        const float g = gate.data()[i];
        out.data()[i] = g * a.data()[i] + (1.0f - g) * b.data()[i];
    }
    CallResult result;
    result.outputs.push_back(std::move(out));
    return result;
}

} // namespace attnlens
