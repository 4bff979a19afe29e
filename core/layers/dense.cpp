#include "core/layers/dense.h"

#include <algorithm>

#include <omp.h>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

namespace {
constexpr std::int64_t kParallelElements = std::int64_t(1) << 16;
constexpr std::int64_t kBlockElements = std::int64_t(1) << 14;
} // namespace

std::unique_ptr<Layer> Dense::fromKeras(const LayerConfig &config)
{
    const ErrorWhere where = layerWhere(config);
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
        throw ShapeError(ErrorWhere::ofLayer(name(), "Dense")
            + " expects inputs whose last axis is " + std::to_string(in) + " but got shape "
            + shapeToString(x.shape()) + ".");
    Shape shape = x.shape();
    shape.back() = units;
    Tensor y = Tensor::uninitialized(shape);
    auto out = y.matrix();
    out.noalias() = x.matrix() * m_kernel.matrix();
    const std::int64_t rows = out.rows();
    if (y.size() < kParallelElements || omp_in_parallel() || omp_get_max_threads() < 2) {
        if (!m_bias.empty())
            out.rowwise() += m_bias.matrix().row(0);
        m_activation.apply(y);
        return y;
    }
    // Large outputs: bias and activation per block of rows, while the block is in cache, on
    // the threads (the activation runs serially inside the parallel region).
    const std::int64_t blockRows = std::max<std::int64_t>(1, kBlockElements / units);
    const std::int64_t blocks = (rows + blockRows - 1) / blockRows;
#pragma omp parallel for schedule(dynamic)
    for (std::int64_t b = 0; b < blocks; ++b) {
        const std::int64_t r0 = b * blockRows;
        const std::int64_t rn = std::min(blockRows, rows - r0);
        if (!m_bias.empty())
            out.middleRows(r0, rn).rowwise() += m_bias.matrix().row(0);
        m_activation.apply(y.data() + r0 * units, rn, units);
    }
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
