#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/keras/recipe.h"
#include "core/layers/layer_config.h"

namespace attnlens {

/// The weights of one custom layer as the file holds them, for its recipe to pick from.
struct FileWeights
{
    /// Keras 3 layout (`.keras`, `.weights.h5`): every variable below the layer's group, by path
    /// ("att/query_dense/vars/0"). Legacy layout: empty, and `list` holds them instead.
    bool byPath = false;
    std::map<std::string, Tensor> variables;
    /// Legacy `.h5`: the layer's weights in the file's order (trainable, then non-trainable)
    /// with their names.
    std::vector<Tensor> list;
    std::vector<std::string> names;
};

/// Builds the layer `outer` (its name, config, file, Keras version; its weights are ignored)
/// from `recipe`: each "${key}" replaced from the config, every weight variable of the recipe
/// found with its shape (by path in the Keras 3 layout, by position in the legacy one), the
/// sublayers built by the registry and the call graph resolved.
/// Throws UnsupportedModelError naming the layer and the recipe when the file's weights are
/// not the recipe's (a missing, extra or differently shaped variable: the class is not the one
/// the recipe describes), InputFileError naming the recipe file and line when the recipe asks
/// for something the engine refuses (a sublayer config, an operation, a parameter name).
std::unique_ptr<Layer> buildRecipeLayer(
    const Recipe &recipe, const LayerConfig &outer, const FileWeights &weights);

} // namespace attnlens
