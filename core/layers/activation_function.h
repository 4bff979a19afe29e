#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/tensor/tensor.h"

namespace attnlens {

/// A Keras activation, resolved once from a layer config ("relu", or {"class_name": "ReLU",
/// "config": {...}}, or a serialized function {"module": "keras.activations", "class_name":
/// "gelu", ...}). Element-wise except softmax / log_softmax (last axis).
class ActivationFunction
{
public:
    enum class Kind
    {
        Linear,
        Relu,
        Relu6,
        Sigmoid,
        HardSigmoid,
        HardSigmoidKeras2,
        Tanh,
        Softmax,
        LogSoftmax,
        Softplus,
        Softsign,
        Elu,
        Selu,
        Gelu,
        GeluTanh,
        Silu,
        Exponential,
        Mish,
        LeakyRelu,
        HardSilu,
    };

    ActivationFunction() = default;
    /// Throws UnsupportedModelError (naming `where`) for an unknown activation. `kerasVersion`
    /// selects hard_sigmoid's formula (Keras 2: clip(0.2x + 0.5); Keras 3: relu6(x + 3) / 6).
    static ActivationFunction fromKeras(
        const nlohmann::json &activation, const std::string &kerasVersion, const ErrorWhere &where);
    static ActivationFunction of(Kind kind, float alpha = 0.0f);

    Kind kind() const { return m_kind; }
    /// The Keras name of the kind: "softmax", "gelu", "gelu_approximate", "hard_sigmoid" (either
    /// formula), "silu" (also for "swish"), "hard_silu" (also for "hard_swish").
    std::string name() const;
    bool isLinear() const { return m_kind == Kind::Linear; }
    /// Applies the activation in place; softmax kinds work on the last axis.
    void apply(Tensor &t) const;
    /// Applies it to `rows` x `cols` values in place (softmax kinds per row). Large inputs are
    /// split over the OpenMP threads unless called inside a parallel region.
    void apply(float *data, std::int64_t rows, std::int64_t cols) const;

private:
    void applySerial(float *data, std::int64_t rows, std::int64_t cols) const;

    Kind m_kind = Kind::Linear;
    float m_alpha = 0.0f; ///< leaky_relu negative slope, elu alpha
};

} // namespace attnlens
