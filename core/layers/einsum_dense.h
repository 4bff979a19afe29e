#pragma once

#include <memory>
#include <string>

#include "core/layers/activation_function.h"
#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.EinsumDense(equation, output_shape, bias_axes, activation): y = einsum(equation,
/// x, kernel) + bias, then the activation. The equation "<input>,<kernel>-><output>" may use
/// "..." for leading input axes (e.g. "abc,cd->abd", "abcd,cde->abe", "...b,bc->...c"); it is
/// computed as one GEMM after transposing. A letter in all three terms, or one that is summed
/// without appearing in both operands, is refused (UnsupportedModelError). Weights: kernel,
/// then bias (when bias_axes) of the output's shape from its first bias axis on, with 1 on the
/// other axes. The mask passes through.
class EinsumDense : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    EinsumDense(std::string name, std::string input, std::string kernelSpec, std::string output,
        Tensor kernel, Tensor bias, ActivationFunction activation);
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override;
    std::int64_t parameterCount() const override { return m_kernel.size() + m_bias.size(); }

private:
    std::string m_input; ///< letters; '.' stands for the ellipsis
    std::string m_kernelSpec;
    std::string m_output;
    Tensor m_kernel;
    Tensor m_bias; ///< shaped for broadcasting against the output, or empty
    ActivationFunction m_activation;
};

} // namespace attnlens
