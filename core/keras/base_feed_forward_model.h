#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/keras/subclassed_models.h"

namespace attnlens {

/// KerasFactory's BaseFeedForwardModel (kerasfactory/models/feed_forward.py): one (None, 1)
/// input per name of `feature_names`, Concatenate(axis=1), Dense(units, activation) for each of
/// `hidden_units` (each followed by Dropout when `dropout_rate > 0`), a linear
/// Dense(output_units). Layer names are the ones Python gives (`hidden_1`, ..., `output`), so
/// a legacy file's per-layer groups bind too; Keras 3 files keep the hidden layers under
/// `hidden_layers/dense[_k]` and the output layer under `layers/dense_<hidden count>`.
/// A `preprocessing_model` (KDP) is refused.
FunctionalTranslation baseFeedForwardAsFunctional(
    const nlohmann::json &config, const std::string &origin, const std::string &source);

} // namespace attnlens
