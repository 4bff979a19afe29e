#pragma once

#include <memory>

#include "core/layers/activation_function.h"
#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.Conv1D as an im2col GEMM: (N, L, C) -> (N, L_out, filters), or (N, C, L) ->
/// (N, filters, L_out) with data_format channels_first. Padding valid (L_out =
/// floor((L - d(k-1) - 1) / s) + 1), same (L_out = ceil(L / s), the extra pad on the right, as
/// TensorFlow), causal (d(k-1) zeros on the left, then valid). Grouped convolution splits the
/// channels and the filters into `groups` equal parts. No output mask.
class Conv1D : public Layer
{
public:
    /// Config: filters, kernel_size, strides, padding, dilation_rate, groups, use_bias,
    /// activation, data_format. Weights: kernel (kernel_size, C / groups, filters), bias
    /// (filters,) with use_bias. Throws InputFileError naming the layer and both shapes when
    /// they disagree, UnsupportedModelError for strides > 1 together with dilation > 1 (Keras
    /// refuses it too).
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override;
    std::int64_t parameterCount() const override;

private:
    enum class Padding
    {
        Valid,
        Same,
        Causal
    };

    explicit Conv1D(std::string name);

    RowMatrix m_kernel;        ///< (kernel_size * C/groups, filters), row = tap * C/groups + c
    Eigen::RowVectorXf m_bias; ///< (filters), zeros without use_bias
    bool m_useBias = true;
    std::int64_t m_kernelSize = 1;
    std::int64_t m_groupChannels = 1; ///< input channels per group
    std::int64_t m_filters = 1;
    std::int64_t m_stride = 1;
    std::int64_t m_dilation = 1;
    std::int64_t m_groups = 1;
    Padding m_padding = Padding::Valid;
    bool m_channelsFirst = false;
    ActivationFunction m_activation;
};

} // namespace attnlens
