#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/layers/layer_config.h"

namespace attnlens {

/// The registry: one row per supported Keras class (core/layers/registry.cpp) saying how to build
/// it and how its weights nest; a built layer answers the rest itself (positions, attention,
/// call signature). Adding a layer is one file pair plus one row.

/// One sublayer of a composite class, in Keras's legacy weight order: the attribute names its
/// weights may be saved under in a Keras 3 weights file, and its class, for the sublayers of the
/// sublayer. An empty `className` means "the class the config names under `configKey`" (the
/// layer Bidirectional wraps).
/// `list`: the attribute is a Python list of layers of `className`, saved (Keras 3) as
/// `<attribute>/<snake_case(className)>`, `..._1`, `..._2`, ..., taken in that order. An
/// attribute may be a path ("attention_net/layers/dense": a sublayer of a nested Sequential).
struct Sublayer
{
    std::vector<std::string> attributes;
    std::string className;
    std::string configKey;
    bool list = false;
};

/// Builds the layer for one Keras layer config from its class's row. Validates the config and
/// the weight shapes.
/// Throws UnsupportedModelError for an unknown class or a Lambda layer (Python code is never
/// executed), InputFileError / ShapeError when the config and the weights disagree.
std::unique_ptr<Layer> makeLayer(const LayerConfig &config);

/// True when `className` (without package) is in the table. Lambda is not "known".
bool isKnownLayerClass(std::string_view className);

/// Every registered class name, sorted (the unknown-class message lists them).
std::vector<std::string> knownLayerClasses();

/// The Python class whose snake_case name Keras 3 gives the layer's weights group (files before
/// Keras 3.6 have no other key): `className` itself, except for a class Keras registers under
/// another name (GroupQueryAttention is the class GroupedQueryAttention).
std::string savedClassName(std::string_view className);

/// The sublayers of a composite class in weight order; nullptr for a class that lists none (the
/// weight reader then walks the file in Keras's generic order).
const std::vector<Sublayer> *sublayersOf(std::string_view className);

} // namespace attnlens
