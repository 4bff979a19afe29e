#include "core/layers/lstm.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

Lstm::Lstm(std::string name, Options options)
    : RecurrentLayer(std::move(name), options)
{
}

std::unique_ptr<Layer> Lstm::fromKeras(const LayerConfig &config)
{
    const Options options = optionsFromKeras(config);
    const bool useBias = configBool(config, "use_bias", true);
    requireWeightCount(config, {useBias ? std::size_t(3) : std::size_t(2)});
    const std::int64_t units = options.units;
    const Tensor &kernel = config.weights[0];
    if (kernel.rank() != 2 || kernel.dim(1) != 4 * units)
        requireWeightShape(
            config, 0, {kernel.rank() == 2 ? kernel.dim(0) : -1, 4 * units}, "kernel");
    requireWeightShape(config, 1, {units, 4 * units}, "recurrent_kernel");
    if (useBias)
        requireWeightShape(config, 2, {4 * units}, "bias");
    const ErrorWhere where = layerWhere(config);
    std::unique_ptr<Lstm> layer(new Lstm(config.name, options));
    layer->m_kernel = kernel.matrix();
    layer->m_recurrentKernel = config.weights[1].matrix();
    layer->m_useBias = useBias;
    layer->m_bias = useBias ? Eigen::RowVectorXf(config.weights[2].matrix())
                            : Eigen::RowVectorXf::Zero(4 * units);
    layer->m_activation = ActivationFunction::fromKeras(
        configValue(config, "activation", "tanh"), config.kerasVersion, where);
    layer->m_recurrentActivation = ActivationFunction::fromKeras(
        configValue(config, "recurrent_activation", "sigmoid"), config.kerasVersion, where);
    return layer;
}

std::int64_t Lstm::parameterCount() const
{
    return m_kernel.size() + m_recurrentKernel.size() + (m_useBias ? m_bias.size() : 0);
}

RowMatrix Lstm::projectInputs(const ConstMatrixMap &x) const
{
    RowMatrix projected = x * m_kernel;
    projected.rowwise() += m_bias;
    return projected;
}

RowMatrix Lstm::step(const RowMatrix &projected, std::vector<RowMatrix> &states) const
{
    const Eigen::Index units = m_recurrentKernel.rows();
    const Eigen::Index n = projected.rows();
    RowMatrix &h = states[0];
    RowMatrix &c = states[1];
    RowMatrix z = projected;
    z.noalias() += h * m_recurrentKernel;
    RowMatrix i = z.middleCols(0, units);
    RowMatrix f = z.middleCols(units, units);
    RowMatrix g = z.middleCols(2 * units, units);
    RowMatrix o = z.middleCols(3 * units, units);
    m_recurrentActivation.apply(i.data(), n, units);
    m_recurrentActivation.apply(f.data(), n, units);
    m_activation.apply(g.data(), n, units);
    m_recurrentActivation.apply(o.data(), n, units);
    c = f.cwiseProduct(c) + i.cwiseProduct(g);
    RowMatrix activated = c;
    m_activation.apply(activated.data(), n, units);
    h = o.cwiseProduct(activated);
    return h;
}

} // namespace attnlens
