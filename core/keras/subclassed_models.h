#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace attnlens {

/// A subclassed Keras model written as the functional graph its Python `call()` runs. The file
/// holds only the constructor's arguments; the translation says which layers those build, how
/// they connect, and under which Keras 3 group each layer's weights sit (attribute paths such as
/// `hidden_layers/dense`, not `layers/<name>`).
struct FunctionalTranslation
{
    nlohmann::json functional; ///< {"class_name": "Functional", "config": {...}} as Keras writes
    std::map<std::string, std::string> weightGroups; ///< layer name -> Keras 3 weight group
    std::string origin; ///< the class as written ("kerasfactory>BaseFeedForwardModel")
};

/// The one table of subclassed model classes AttnLens knows (core/keras/subclassed_models.cpp).
/// Models are kept apart from the layer registry because a row yields a graph of layers, not a
/// layer. Returns nullopt when `root` is not one of them; throws UnsupportedModelError for a
/// known class whose configuration AttnLens cannot reproduce, InputFileError for a malformed
/// one.
std::optional<FunctionalTranslation> translateSubclassedModel(
    const nlohmann::json &root, const std::string &source);

} // namespace attnlens
