#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/layers/layer_config.h"
#include "core/layers/multi_head_attention.h"

namespace attnlens {

/// The building blocks KerasFactory's layers (kerasfactory.layers, formerly kmr.layers) are made
/// of: their sublayers are ordinary Keras layers that the Python code builds itself, with
/// settings the config does not hold. Each function builds one sublayer of `outer`, named
/// "<outer>/<attribute>" in messages, from its weights (kernel then bias, gamma then beta, ...)
/// and validates them as the Keras layer's own factory does.
namespace kf {

/// Throws UnsupportedModelError when the layer's class is registered under another package than
/// KerasFactory's ("kerasfactory.layers", "kmr.layers", or the models' packages): a user's own
/// class that happens to share a KerasFactory class name must not run KerasFactory's maths.
/// A file that names no package (older configs) is accepted.
void requireKerasFactory(const LayerConfig &config);

/// keras.layers.Dense(units taken from the kernel, activation).
std::unique_ptr<Layer> dense(const LayerConfig &outer, const std::string &attribute,
    std::vector<Tensor> weights, const std::string &activation = "linear");
/// keras.layers.LayerNormalization(epsilon) over the last axis: gamma, beta.
std::unique_ptr<Layer> layerNorm(const LayerConfig &outer, const std::string &attribute,
    std::vector<Tensor> weights, double epsilon = 1e-3);
/// keras.layers.BatchNormalization() at inference: gamma, beta, moving mean, moving variance.
std::unique_ptr<Layer> batchNorm(
    const LayerConfig &outer, const std::string &attribute, std::vector<Tensor> weights);
/// keras.layers.Embedding(input_dim, output_dim) from its table.
std::unique_ptr<Layer> embedding(
    const LayerConfig &outer, const std::string &attribute, std::vector<Tensor> weights);
/// keras.layers.MultiHeadAttention(num_heads, key_dim), 8 weights, inputs (B, T, E).
std::unique_ptr<MultiHeadAttention> multiHeadAttention(const LayerConfig &outer,
    const std::string &attribute, std::vector<Tensor> weights, int heads, int keyDim);

/// Runs a one-input layer on `x` (inference, no capture).
Tensor apply(const Layer &layer, const Tensor &x);

/// Self- or cross-attention through `mha` (query, key = value); the probabilities go to
/// `scores` when `capture` (else `scores` is left empty).
Tensor attend(const MultiHeadAttention &mha, const Tensor &query, const Tensor &keyValue,
    bool capture, Tensor &scores);

/// Element-wise a + b of same-shape tensors; throws ShapeError naming `where` otherwise.
Tensor add(const Tensor &a, const Tensor &b, const ErrorWhere &where);

/// (B, X, Y) -> (B, Y, X).
Tensor swapLastAxes(const Tensor &x);

} // namespace kf
} // namespace attnlens
