#pragma once

#include <string>
#include <vector>

#include "core/layers/layer_config.h"

namespace attnlens {

/// Shared driver of Keras recurrent layers (LSTM, GRU): the time loop, masks, go_backwards,
/// return_sequences and return_state. Input (N, T, F); output (N, units), or (N, T, units)
/// with return_sequences (in processing order, i.e. reversed with go_backwards, as Keras).
/// A masked step (mask (N, T), 0 = masked) keeps the previous states; its output is the
/// previous step's output (zeros before the first step), or zeros when zeroOutputForMask
/// (which Bidirectional sets for return_sequences, as Keras does).
/// Call parameters: sequences (Keras 2: inputs), initial_state (a list of (N, units) tensors),
/// mask (an explicit mask tensor; otherwise the input's mask), training (ignored).
/// Outputs: [output] or, with return_state, [output, states...] (LSTM: h, c; GRU: h).
/// Output mask: the input mask when return_sequences, none otherwise.
class RecurrentLayer : public Layer
{
public:
    struct Options
    {
        std::int64_t units = 0;
        bool returnSequences = false;
        bool returnState = false;
        bool goBackwards = false;
    };

    /// What one run produced: the output and the final states (each (N, units)).
    struct Run
    {
        Tensor output;
        std::vector<Tensor> states;
    };

    /// Runs the layer over `x` (N, T, F). `mask` is (N, T) or empty; `initialStates` is empty
    /// (zeros) or stateCount() tensors of shape (N, units). Throws ShapeError on a misfit.
    Run run(const Tensor &x, const Mask &mask, const std::vector<Tensor> &initialStates,
        bool zeroOutputForMask) const;

    const Options &options() const { return m_options; }
    /// Number of state tensors (LSTM 2, GRU 1).
    virtual int stateCount() const = 0;
    /// The Keras class name, for messages.
    virtual std::string className() const = 0;

    std::vector<std::string> callSignature() const override
    {
        return {"sequences", "initial_state", "mask", "training"};
    }
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override;

    /// Reads units, return_sequences, return_state, go_backwards from a Keras config and refuses
    /// stateful-only or unsupported options. Throws InputFileError / UnsupportedModelError.
    static Options optionsFromKeras(const LayerConfig &config);

protected:
    RecurrentLayer(std::string name, Options options);

    /// Input features (F) the kernel expects.
    virtual std::int64_t inputFeatures() const = 0;
    /// x @ kernel (+ input bias) for every step: x viewed as (N*T, F) -> (N*T, gates).
    virtual RowMatrix projectInputs(const ConstMatrixMap &x) const = 0;
    /// One step: `projected` (N, gates) is this step's input projection; `states` (each
    /// (N, units)) are replaced by the new states. Returns the step output (N, units).
    virtual RowMatrix step(const RowMatrix &projected, std::vector<RowMatrix> &states) const = 0;

private:
    Options m_options;
};

} // namespace attnlens
