#pragma once

#include <string>

#include "core/keras/keras_config.h"

namespace attnlens {

/// Replaces every model used as a layer (LayerSpec::nested) by its own layers, recursively,
/// so that the graph runs them as ordinary layers and reports their attention.
///
/// An inner layer `L` of nested model `M` becomes layer "M/L" (deeper levels add more
/// prefixes: "M/N/L"). Call k of `M` gets its own calls of every inner layer: inner call j of
/// `L` becomes call `k * calls(L) + j` of "M/L" (so a model shared between two calls shares its
/// layers and weights, and its attention keys are "M/L" and "M/L@1"). The inner InputLayers
/// disappear: what read them reads the tensors the outer call passed. Models without nested
/// models are returned unchanged.
///
/// Throws InputFileError when a reference names a call or output the nested model does not
/// have, and UnsupportedModelError for a nested model called with tensors other than its
/// inputs (for example a `mask=` argument) or with a number of inputs it does not take.
ModelSpec flattenNestedModels(const ModelSpec &model, const std::string &source);

} // namespace attnlens
