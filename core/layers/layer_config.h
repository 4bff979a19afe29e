#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/runtime/layer.h"
#include "core/tensor/tensor.h"

namespace attnlens {

/// How the weights of a layer with sublayers are ordered in LayerConfig::weights.
enum class WeightOrder
{
    /// Keras 3 `.keras` / `.weights.h5`: the layer's own variables, then each sublayer's
    /// (trainable then non-trainable) in turn.
    PerSublayer,
    /// Legacy `.h5`: `layer.trainable_weights + layer.non_trainable_weights`, each walking the
    /// layer's own variables then its sublayers, so every sublayer's non-trainable variables
    /// (BatchNormalization's moving statistics) come after all trainable ones.
    TrainableFirst,
};

/// Everything the loader knows about one Keras layer, handed to its factory (the registry's
/// `fromKeras` functions). This is the loader side of a layer: the runtime Layer it builds knows
/// no Keras JSON.
struct LayerConfig
{
    std::string name;      ///< Keras layer name
    std::string className; ///< Keras class name without package ("InterpretableMultiHeadAttention")
    std::string
        registeredName; ///< as in the file ("kerasfactory.layers>InterpretableMultiHeadAttention"),
                        ///< may be empty
    nlohmann::json config; ///< the layer's "config" object, as written
    /// Weights in Keras's legacy order: the layer's own trainable then non-trainable variables,
    /// sublayers in build order (MultiHeadAttention: query kernel, query bias, key kernel, key
    /// bias, value kernel, value bias, output kernel, output bias; LSTM: kernel, recurrent
    /// kernel, bias; Bidirectional: forward weights then backward weights).
    std::vector<Tensor> weights;
    std::vector<std::string> weightNames; ///< where the file names them, for messages; may be empty
    WeightOrder weightOrder = WeightOrder::PerSublayer;
    /// False when the weights file has no entry at all for the layer (a layer that needs weights
    /// then says the weights and the architecture do not belong together).
    bool weightsInFile = true;
    std::string kerasVersion; ///< "3.15.1", "2.15.0", or empty when unknown
    std::string file;         ///< model file, for messages
    /// The layer entry's "module" in .keras files ("keras.layers", "keras.src.ops.numpy" for
    /// Keras 3 operator nodes such as `x + y`); empty when the file does not say.
    std::string module;
    /// The layer's files under the `.keras` archive's assets/ folder (TextVectorization's
    /// "vocabulary.txt", "_lookup_layer/vocabulary.txt"), by path relative to the layer's folder;
    /// empty for other formats.
    std::map<std::string, std::string> assets;
};

} // namespace attnlens
