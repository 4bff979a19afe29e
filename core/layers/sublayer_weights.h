#pragma once

#include <vector>

#include "core/layers/layer_config.h"

namespace attnlens {

/// How many weights one sublayer (or the layer's own variables) holds.
struct WeightCount
{
    int trainable = 0;
    int nonTrainable = 0;
};

/// Splits the weights of a layer that builds its sublayers in Python (KerasFactory's layers)
/// into one list per entry of `plan`, each entry's trainable then non-trainable weights, in the
/// order Keras builds them, whichever WeightOrder the file used. `plan` lists the layer's own
/// variables (if any) first, then its sublayers in the order their attributes were assigned.
/// Throws InputFileError naming the layer when the file holds another number of weights.
std::vector<std::vector<Tensor>> splitSublayerWeights(
    const LayerConfig &config, const std::vector<WeightCount> &plan);

} // namespace attnlens
