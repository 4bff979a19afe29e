#include "core/layers/gru.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

Gru::Gru(std::string name, Options options)
    : RecurrentLayer(std::move(name), options)
{
}

std::unique_ptr<Layer> Gru::fromKeras(const LayerConfig &config)
{
    const Options options = optionsFromKeras(config);
    const bool useBias = configBool(config, "use_bias", true);
    const bool resetAfter = configBool(config, "reset_after", true);
    requireWeightCount(config, {useBias ? std::size_t(3) : std::size_t(2)});
    const std::int64_t units = options.units;
    const Tensor &kernel = config.weights[0];
    if (kernel.rank() != 2 || kernel.dim(1) != 3 * units)
        requireWeightShape(
            config, 0, {kernel.rank() == 2 ? kernel.dim(0) : -1, 3 * units}, "kernel");
    requireWeightShape(config, 1, {units, 3 * units}, "recurrent_kernel");
    if (useBias)
        requireWeightShape(
            config, 2, resetAfter ? Shape {2, 3 * units} : Shape {3 * units}, "bias");
    const ErrorWhere where = layerWhere(config);
    std::unique_ptr<Gru> layer(new Gru(config.name, options));
    layer->m_kernel = kernel.matrix();
    layer->m_recurrentKernel = config.weights[1].matrix();
    layer->m_useBias = useBias;
    layer->m_resetAfter = resetAfter;
    layer->m_inputBias = Eigen::RowVectorXf::Zero(3 * units);
    layer->m_recurrentBias = Eigen::RowVectorXf::Zero(3 * units);
    if (useBias) {
        const ConstMatrixMap bias(config.weights[2].data(), resetAfter ? 2 : 1, 3 * units);
        layer->m_inputBias = bias.row(0);
        if (resetAfter)
            layer->m_recurrentBias = bias.row(1);
    }
    layer->m_activation = ActivationFunction::fromKeras(
        configValue(config, "activation", "tanh"), config.kerasVersion, where);
    layer->m_recurrentActivation = ActivationFunction::fromKeras(
        configValue(config, "recurrent_activation", "sigmoid"), config.kerasVersion, where);
    return layer;
}

std::int64_t Gru::parameterCount() const
{
    const std::int64_t bias = m_useBias ? m_inputBias.size() * (m_resetAfter ? 2 : 1) : 0;
    return m_kernel.size() + m_recurrentKernel.size() + bias;
}

RowMatrix Gru::projectInputs(const ConstMatrixMap &x) const
{
    RowMatrix projected = x * m_kernel;
    projected.rowwise() += m_inputBias;
    return projected;
}

RowMatrix Gru::step(const RowMatrix &projected, std::vector<RowMatrix> &states) const
{
    const Eigen::Index units = m_recurrentKernel.rows();
    const Eigen::Index n = projected.rows();
    RowMatrix &h = states[0];
    RowMatrix inner;
    if (m_resetAfter) {
        inner = h * m_recurrentKernel;
        inner.rowwise() += m_recurrentBias;
    } else {
        inner = h * m_recurrentKernel.leftCols(2 * units);
    }
    RowMatrix z = projected.middleCols(0, units) + inner.middleCols(0, units);
    RowMatrix r = projected.middleCols(units, units) + inner.middleCols(units, units);
    m_recurrentActivation.apply(z.data(), n, units);
    m_recurrentActivation.apply(r.data(), n, units);
    RowMatrix candidate;
    if (m_resetAfter)
        candidate = projected.middleCols(2 * units, units)
            + r.cwiseProduct(inner.middleCols(2 * units, units));
    else
        candidate = projected.middleCols(2 * units, units)
            + r.cwiseProduct(h) * m_recurrentKernel.rightCols(units);
    m_activation.apply(candidate.data(), n, units);
    h = z.cwiseProduct(h) + (RowMatrix::Ones(n, units) - z).cwiseProduct(candidate);
    return h;
}

} // namespace attnlens
