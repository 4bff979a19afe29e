#include "core/layers/conv1d.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

Conv1D::Conv1D(std::string name)
    : Layer(std::move(name))
{
}

std::unique_ptr<Layer> Conv1D::fromKeras(const LayerConfig &config)
{
    const ErrorWhere where = layerWhere(config);
    const std::int64_t big = std::int64_t(1) << 24;
    std::unique_ptr<Conv1D> layer(new Conv1D(config.name));
    layer->m_filters = configInt(config, "filters", -1, 1, big);
    if (layer->m_filters < 0)
        throw InputFileError(where + ": config has no 'filters'. The model file is damaged.");
    layer->m_kernelSize = configSingleInt(config, "kernel_size", -1, big);
    if (layer->m_kernelSize < 0)
        throw InputFileError(where + ": config has no 'kernel_size'. The model file is damaged.");
    layer->m_stride = configSingleInt(config, "strides", 1, big);
    layer->m_dilation = configSingleInt(config, "dilation_rate", 1, big);
    layer->m_groups = configInt(config, "groups", 1, 1, big);
    if (layer->m_filters % layer->m_groups != 0)
        throw InputFileError(where + ": filters (" + std::to_string(layer->m_filters)
            + ") is not a multiple of groups (" + std::to_string(layer->m_groups)
            + "). The model file is damaged.");
    if (layer->m_stride > 1 && layer->m_dilation > 1)
        throw UnsupportedModelError(
            where + ": strides > 1 together with dilation_rate > 1 is not supported.");
    const std::string padding = configString(config, "padding", "valid");
    if (padding == "valid")
        layer->m_padding = Padding::Valid;
    else if (padding == "same")
        layer->m_padding = Padding::Same;
    else if (padding == "causal")
        layer->m_padding = Padding::Causal;
    else
        throw InputFileError(where + ": padding '" + padding.substr(0, 40)
            + "' is not valid, same or causal. The model file is damaged.");
    layer->m_channelsFirst = channelsFirst(config);
    layer->m_useBias = configBool(config, "use_bias", true);
    requireWeightCount(config, {layer->m_useBias ? std::size_t(2) : std::size_t(1)});
    const Tensor &kernel = config.weights[0];
    const std::int64_t groupChannels = kernel.rank() == 3 ? kernel.dim(1) : -1;
    requireWeightShape(config, 0, {layer->m_kernelSize, groupChannels, layer->m_filters}, "kernel");
    if (layer->m_useBias)
        requireWeightShape(config, 1, {layer->m_filters}, "bias");
    layer->m_groupChannels = groupChannels;
    // (k, C/g, F) in C order is already (k * C/g, F) row-major: row = tap * C/g + channel.
    layer->m_kernel
        = ConstMatrixMap(kernel.data(), layer->m_kernelSize * groupChannels, layer->m_filters);
    layer->m_bias = layer->m_useBias ? Eigen::RowVectorXf(config.weights[1].matrix())
                                     : Eigen::RowVectorXf::Zero(layer->m_filters);
    layer->m_activation = ActivationFunction::fromKeras(
        config.config.value("activation", nlohmann::json("linear")), config.kerasVersion, where);
    return layer;
}

std::int64_t Conv1D::parameterCount() const
{
    return m_kernel.size() + (m_useBias ? m_bias.size() : 0);
}

/// A unit stride keeps one output step per input step when the padding is 'same' or 'causal',
/// or when the window is a single step (kernel_size 1: every step is a Dense of that step, in
/// any padding). Channels-first output puts the steps on the last axis, which the rule cannot
/// say, so it keeps none.
PositionRule Conv1D::positions() const
{
    const bool sameLength
        = m_stride == 1 && (m_padding != Padding::Valid || m_kernelSize == 1) && !m_channelsFirst;
    return sameLength ? PositionRule::positionwise() : PositionRule::none();
}

CallResult Conv1D::call(const CallArgs &args, const CallContext &) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "Conv1D");
    const Tensor &input = args.one("inputs");
    const std::int64_t channels = m_groupChannels * m_groups;
    if (input.rank() != 3)
        throw ShapeError(where + ": input of shape " + shapeToString(input.shape())
            + " is not a sequence; the layer needs rank 3.");
    const Tensor x = m_channelsFirst ? permuteAxes(input, {0, 2, 1}) : input;
    if (x.dim(2) != channels)
        throw ShapeError(where + ": input of shape " + shapeToString(input.shape()) + " has "
            + std::to_string(x.dim(2)) + " channels; the kernel needs " + std::to_string(channels)
            + ".");
    const std::int64_t n = x.dim(0);
    const std::int64_t length = x.dim(1);
    const std::int64_t span = m_dilation * (m_kernelSize - 1) + 1;
    std::int64_t outLength = 0;
    std::int64_t padLeft = 0;
    switch (m_padding) {
    case Padding::Valid:
        outLength = length >= span ? (length - span) / m_stride + 1 : 0;
        break;
    case Padding::Same: {
        outLength = (length + m_stride - 1) / m_stride;
        const std::int64_t total
            = std::max<std::int64_t>((outLength - 1) * m_stride + span - length, 0);
        padLeft = total / 2;
        break;
    }
    case Padding::Causal:
        padLeft = span - 1;
        outLength = length > 0 ? (length - 1) / m_stride + 1 : 0;
        break;
    }
    if (outLength <= 0)
        throw ShapeError(where + ": input of shape " + shapeToString(input.shape())
            + " is shorter than the kernel span (" + std::to_string(span) + " steps).");
    const std::int64_t groupFilters = m_filters / m_groups;
    const std::int64_t patchWidth = m_kernelSize * m_groupChannels;
    RowMatrix out(n * outLength, m_filters);
    RowMatrix patches(n * outLength, patchWidth);
    for (std::int64_t g = 0; g < m_groups; ++g) {
        patches.setZero();
        for (std::int64_t b = 0; b < n; ++b)
            for (std::int64_t o = 0; o < outLength; ++o) {
                float *row = patches.data() + (b * outLength + o) * patchWidth;
                for (std::int64_t j = 0; j < m_kernelSize; ++j) {
                    const std::int64_t t = o * m_stride - padLeft + j * m_dilation;
                    if (t < 0 || t >= length)
                        continue;
                    std::copy_n(x.data() + (b * length + t) * channels + g * m_groupChannels,
                        m_groupChannels, row + j * m_groupChannels);
                }
            }
        out.middleCols(g * groupFilters, groupFilters).noalias()
            = patches * m_kernel.middleCols(g * groupFilters, groupFilters);
    }
    out.rowwise() += m_bias;
    m_activation.apply(out.data(), out.rows(), out.cols());
    Tensor result({n, outLength, m_filters});
    result.matrix() = out;
    CallResult r;
    r.outputs.push_back(m_channelsFirst ? permuteAxes(result, {0, 2, 1}) : std::move(result));
    return r;
}

} // namespace attnlens
