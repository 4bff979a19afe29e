#pragma once

#include <memory>

#include "core/layers/activation_function.h"
#include "core/layers/recurrent_layer.h"

namespace attnlens {

/// keras.layers.SimpleRNN: h' = act(x W + b + h U). State [h].
class SimpleRnn : public RecurrentLayer
{
public:
    /// Config: units, activation, use_bias, return_sequences, return_state, go_backwards.
    /// Weights: kernel (F, units), recurrent_kernel (units, units), bias (units,) when
    /// use_bias. Throws InputFileError naming the layer and both shapes when they disagree.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    int stateCount() const override { return 1; }
    std::string className() const override { return "SimpleRNN"; }
    std::int64_t parameterCount() const override;

protected:
    std::int64_t inputFeatures() const override { return m_kernel.rows(); }
    RowMatrix projectInputs(const ConstMatrixMap &x) const override;
    RowMatrix step(const RowMatrix &projected, std::vector<RowMatrix> &states) const override;

private:
    SimpleRnn(std::string name, Options options);

    RowMatrix m_kernel;          ///< (F, units)
    RowMatrix m_recurrentKernel; ///< (units, units)
    Eigen::RowVectorXf m_bias;   ///< (units), zeros without use_bias
    bool m_useBias = true;
    ActivationFunction m_activation;
};

} // namespace attnlens
