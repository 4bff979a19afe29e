#include "core/layers/dense.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> Dense::fromKeras(const LayerConfig &config)
{
    const std::string where = layerWhere(config);
    const std::int64_t units = configInt(config, "units", -1, 1, std::int64_t(1) << 40);
    if (units < 0)
        throw InputFileError(where + ": config 'units' is missing.");
    if (config.config.contains("quantization_config")
        && !config.config["quantization_config"].is_null())
        throw UnsupportedModelError(where
            + " is quantized, which AttnLens does not support. "
              "Save the model without quantization.");
    if (configInt(config, "lora_rank", 0, 0, 1 << 20) > 0)
        throw UnsupportedModelError(where
            + " uses LoRA weights, which AttnLens does not "
              "support. Merge the LoRA weights and save again.");
    const bool useBias = configBool(config, "use_bias", true);
    requireWeightCount(config, {useBias ? 2u : 1u});
    const Tensor &kernel = config.weights[0];
    if (kernel.rank() != 2 || kernel.shape()[1] != units)
        requireWeightShape(
            config, 0, {kernel.rank() == 2 ? kernel.shape()[0] : -1, units}, "kernel");
    Tensor bias;
    if (useBias) {
        requireWeightShape(config, 1, {units}, "bias");
        bias = config.weights[1];
    }
    auto activation = ActivationFunction::fromKeras(
        config.config.value("activation", nlohmann::json("linear")), config.kerasVersion, where);
    return std::make_unique<Dense>(config.name, kernel, std::move(bias), activation);
}

Dense::Dense(std::string name, Tensor kernel, Tensor bias, ActivationFunction activation)
    : Layer(std::move(name))
    , m_kernel(std::move(kernel))
    , m_bias(std::move(bias))
    , m_activation(activation)
{
}

Tensor Dense::apply(const Tensor &x) const
{
    const std::int64_t in = m_kernel.shape()[0];
    const std::int64_t units = m_kernel.shape()[1];
    if (x.rank() < 1 || x.shape().back() != in)
        throw ShapeError("layer '" + name() + "' (Dense) expects inputs whose last axis is "
            + std::to_string(in) + " but got shape " + shapeToString(x.shape()) + ".");
    Shape shape = x.shape();
    shape.back() = units;
    Tensor y(shape);
    auto out = y.matrix();
    out.noalias() = x.matrix() * m_kernel.matrix();
    if (!m_bias.empty())
        out.rowwise() += m_bias.matrix().row(0);
    m_activation.apply(y);
    return y;
}

CallResult Dense::call(const CallArgs &args, const CallContext &) const
{
    CallResult result;
    result.outputs.push_back(apply(args.one("inputs")));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
