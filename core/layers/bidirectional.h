#pragma once

#include <memory>
#include <string>

#include "core/layers/recurrent_layer.h"

namespace attnlens {

/// keras.layers.Bidirectional around a recurrent layer (LSTM, GRU, SimpleRNN). The forward layer
/// reads the sequence as is, the backward layer reversed; with return_sequences the backward
/// outputs are flipped back to input order and both layers zero the outputs of masked steps (Keras
/// forces zero_output_for_mask = return_sequences). merge_mode: concat (default), sum, mul, ave, or
/// None (two outputs). Outputs: [merged] or [forward, backward], then with return_state the
/// forward states and the backward states. Call parameters as RecurrentLayer; initial_state
/// holds the forward states then the backward states.
class Bidirectional : public Layer
{
public:
    /// Config: layer (the wrapped layer's {class_name, config}), optional backward_layer,
    /// merge_mode. Weights: the forward layer's, then the backward layer's. The wrapped layers
    /// are built through makeLayer. Throws UnsupportedModelError when the wrapped layer is not
    /// recurrent, InputFileError when the config or the weights do not fit.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    std::vector<std::string> callSignature() const override
    {
        return {"sequences", "initial_state", "mask", "training"};
    }
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override;
    std::int64_t parameterCount() const override;

private:
    enum class Merge
    {
        Concat,
        Sum,
        Mul,
        Ave,
        None
    };

    Bidirectional(std::string name, std::unique_ptr<Layer> forward, std::unique_ptr<Layer> backward,
        Merge merge);

    std::unique_ptr<Layer> m_forwardLayer;
    std::unique_ptr<Layer> m_backwardLayer;
    const RecurrentLayer *m_forward = nullptr; ///< m_forwardLayer as a recurrent layer
    const RecurrentLayer *m_backward = nullptr;
    Merge m_merge = Merge::Concat;
};

} // namespace attnlens
