#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/runtime/layer.h"

namespace attnlens {

/// Builds the layer for one Keras layer config, from THE one table of supported Keras class
/// names (core/layers/registry.cpp). Validates the config and the weight shapes.
/// Throws UnsupportedModelError for an unknown class or a Lambda layer (Python code is never
/// executed), InputFileError / ShapeError when the config and the weights disagree.
std::unique_ptr<Layer> makeLayer(const LayerConfig &config);

/// True when `className` (without package) is in the table. Lambda is not "known".
bool isKnownLayerClass(std::string_view className);

/// Every supported class name, sorted, for messages and --help.
std::vector<std::string> knownLayerClasses();

} // namespace attnlens
