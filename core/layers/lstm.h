#pragma once

#include <memory>

#include "core/layers/activation_function.h"
#include "core/layers/recurrent_layer.h"

namespace attnlens {

/// keras.layers.LSTM. Gates in Keras order i, f, c, o: z = x W + h U + b;
/// i = σ(z_i), f = σ(z_f), c' = f c + i act(z_c), o = σ(z_o), h' = o act(c')
/// (σ = recurrent_activation, act = activation). States [h, c].
class Lstm : public RecurrentLayer
{
public:
    /// Config: units, activation, recurrent_activation, use_bias, return_sequences,
    /// return_state, go_backwards (unroll, dropout ignored). Weights: kernel (F, 4 units),
    /// recurrent_kernel (units, 4 units), bias (4 units,) when use_bias. Throws InputFileError
    /// naming the layer and both shapes when they disagree.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    int stateCount() const override { return 2; }
    std::string className() const override { return "LSTM"; }
    std::int64_t parameterCount() const override;

protected:
    std::int64_t inputFeatures() const override { return m_kernel.rows(); }
    RowMatrix projectInputs(const ConstMatrixMap &x) const override;
    RowMatrix step(const RowMatrix &projected, std::vector<RowMatrix> &states) const override;

private:
    Lstm(std::string name, Options options);

    RowMatrix m_kernel;          ///< (F, 4 units)
    RowMatrix m_recurrentKernel; ///< (units, 4 units)
    Eigen::RowVectorXf m_bias;   ///< (4 units), zeros without use_bias
    bool m_useBias = true;
    ActivationFunction m_activation;
    ActivationFunction m_recurrentActivation;
};

} // namespace attnlens
