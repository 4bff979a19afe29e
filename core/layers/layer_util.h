#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/layers/layer_config.h"
#include "core/runtime/layer.h"
#include "core/tensor/ops.h"

// Small helpers shared by the layer implementations: reading a layer's Keras config with
// validation, checking weight shapes, and version-dependent behaviour.
namespace attnlens {

/// The layer and its file as an error context: `layerWhere(config) + ": ..."` gives a message
/// that reads "model.keras: layer 'dense_1' (Dense): ...".
ErrorWhere layerWhere(const LayerConfig &config);

/// The config value `key` as an integer in [minimum, maximum]; `fallback` when absent or null.
/// Throws InputFileError naming the layer when it is not an integer or out of range.
std::int64_t configInt(const LayerConfig &config, const std::string &key, std::int64_t fallback,
    std::int64_t minimum, std::int64_t maximum);
/// The config value `key` as a number; `fallback` when absent or null.
double configNumber(const LayerConfig &config, const std::string &key, double fallback);
/// The config value `key` as a bool; `fallback` when absent or null.
bool configBool(const LayerConfig &config, const std::string &key, bool fallback);
/// The config value `key` as written (a string, a dict, null ...); `fallback` when absent.
nlohmann::json configValue(
    const LayerConfig &config, const std::string &key, const nlohmann::json &fallback);
/// An int or a list of ints (a tuple in Python); empty when absent or null.
std::vector<std::int64_t> configIntList(const LayerConfig &config, const std::string &key);
/// A Keras 1-tuple option (kernel_size: 3 or [3]) as one integer in [1, maximum]; `fallback`
/// when absent or null. Throws InputFileError naming the layer otherwise.
std::int64_t configSingleInt(
    const LayerConfig &config, const std::string &key, std::int64_t fallback, std::int64_t maximum);
/// The config value `key` as a string; `fallback` when absent or null. Throws InputFileError
/// naming the layer when it is something else.
std::string configString(
    const LayerConfig &config, const std::string &key, const std::string &fallback);
/// A sequence layer's data_format: true for "channels_first", false for "channels_last" (the
/// default when absent). Throws InputFileError naming the layer for any other value.
bool channelsFirst(const LayerConfig &config);

/// Throws InputFileError unless the layer has exactly one of `counts` weights; the message says
/// the file has no weights for the layer when it has no entry for it (LayerConfig::weightsInFile).
void requireWeightCount(const LayerConfig &config, const std::vector<std::size_t> &counts);
/// Throws InputFileError naming the layer, the weight and both shapes when weight `index` does
/// not have shape `expected`.
void requireWeightShape(
    const LayerConfig &config, std::size_t index, const Shape &expected, const std::string &what);

/// The axes of a sequence (batch, steps, channels), or (batch, channels, steps) with
/// channels_first.
struct SequenceDims
{
    std::int64_t batch = 0;
    std::int64_t steps = 0;
    std::int64_t channels = 0;
};
/// The dims of `x` as a sequence. Throws ShapeError naming `where` unless `x` has rank 3.
SequenceDims sequenceDims(const Tensor &x, bool channelsFirst, const ErrorWhere &where);

/// Axis `axis` of a rank-`rank` tensor, negative counting from the end. Throws ShapeError.
int normalizeAxis(std::int64_t axis, int rank, const ErrorWhere &where);

/// The masked-softmax mode (core/tensor/ops.h) of a "major.minor.patch" Keras version, which
/// changed it (docs/keras-format.md §2); an empty or unparsable version is taken as the newest.
MaskedSoftmaxMode maskedSoftmaxMode(const std::string &kerasVersion);

/// True for Keras 2 / tf.keras versions ("2.15.0"); false for Keras 3 or unknown.
bool isKeras2(const std::string &kerasVersion);

/// True for Keras >= 3.7 (and an unknown version, taken as the latest), whose MultiHeadAttention
/// runs ops.dot_product_attention when the scores are not returned and dropout is 0.
bool usesFusedAttention(const std::string &kerasVersion);

} // namespace attnlens
