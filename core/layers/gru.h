#pragma once

#include <memory>

#include "core/layers/activation_function.h"
#include "core/layers/recurrent_layer.h"

namespace attnlens {

/// keras.layers.GRU. Gates in Keras order z, r, h. With reset_after (the Keras 2 and 3
/// default): inner = h U + b_rec; z = σ(x_z + inner_z), r = σ(x_r + inner_r),
/// ĥ = act(x_h + r ⊙ inner_h). Without: z, r from h U[:, :2u]; ĥ = act(x_h + (r ⊙ h) U[:, 2u:]).
/// h' = z ⊙ h + (1 - z) ⊙ ĥ. State [h].
class Gru : public RecurrentLayer
{
public:
    /// Config: units, activation, recurrent_activation, use_bias, reset_after,
    /// return_sequences, return_state, go_backwards. Weights: kernel (F, 3 units),
    /// recurrent_kernel (units, 3 units), bias (2, 3 units) with reset_after or (3 units,)
    /// without, when use_bias. Throws InputFileError naming the layer and both shapes.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    int stateCount() const override { return 1; }
    std::string className() const override { return "GRU"; }
    std::int64_t parameterCount() const override;

protected:
    std::int64_t inputFeatures() const override { return m_kernel.rows(); }
    RowMatrix projectInputs(const ConstMatrixMap &x) const override;
    RowMatrix step(const RowMatrix &projected, std::vector<RowMatrix> &states) const override;

private:
    Gru(std::string name, Options options);

    RowMatrix m_kernel;                 ///< (F, 3 units)
    RowMatrix m_recurrentKernel;        ///< (units, 3 units)
    Eigen::RowVectorXf m_inputBias;     ///< (3 units), zeros without use_bias
    Eigen::RowVectorXf m_recurrentBias; ///< (3 units), zeros unless reset_after and use_bias
    bool m_useBias = true;
    bool m_resetAfter = true;
    ActivationFunction m_activation;
    ActivationFunction m_recurrentActivation;
};

} // namespace attnlens
