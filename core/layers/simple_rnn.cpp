#include "core/layers/simple_rnn.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

SimpleRnn::SimpleRnn(std::string name, Options options)
    : RecurrentLayer(std::move(name), options)
{
}

std::unique_ptr<Layer> SimpleRnn::fromKeras(const LayerConfig &config)
{
    const Options options = optionsFromKeras(config);
    const bool useBias = configBool(config, "use_bias", true);
    requireWeightCount(config, {useBias ? std::size_t(3) : std::size_t(2)});
    const std::int64_t units = options.units;
    const Tensor &kernel = config.weights[0];
    if (kernel.rank() != 2 || kernel.dim(1) != units)
        requireWeightShape(config, 0, {kernel.rank() == 2 ? kernel.dim(0) : -1, units}, "kernel");
    requireWeightShape(config, 1, {units, units}, "recurrent_kernel");
    if (useBias)
        requireWeightShape(config, 2, {units}, "bias");
    std::unique_ptr<SimpleRnn> layer(new SimpleRnn(config.name, options));
    layer->m_kernel = kernel.matrix();
    layer->m_recurrentKernel = config.weights[1].matrix();
    layer->m_useBias = useBias;
    layer->m_bias = useBias ? Eigen::RowVectorXf(config.weights[2].matrix())
                            : Eigen::RowVectorXf::Zero(units);
    const nlohmann::json activation = config.config.is_object()
        ? config.config.value("activation", nlohmann::json("tanh"))
        : nlohmann::json("tanh");
    layer->m_activation
        = ActivationFunction::fromKeras(activation, config.kerasVersion, layerWhere(config));
    return layer;
}

std::int64_t SimpleRnn::parameterCount() const
{
    return m_kernel.size() + m_recurrentKernel.size() + (m_useBias ? m_bias.size() : 0);
}

RowMatrix SimpleRnn::projectInputs(const ConstMatrixMap &x) const
{
    RowMatrix projected = x * m_kernel;
    projected.rowwise() += m_bias;
    return projected;
}

RowMatrix SimpleRnn::step(const RowMatrix &projected, std::vector<RowMatrix> &states) const
{
    RowMatrix &h = states[0];
    RowMatrix next = projected;
    next.noalias() += h * m_recurrentKernel;
    m_activation.apply(next.data(), next.rows(), next.cols());
    h = next;
    return next;
}

} // namespace attnlens
