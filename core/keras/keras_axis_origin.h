#pragma once

#include <vector>

#include "core/runtime/graph.h"
#include "core/runtime/model.h"

namespace attnlens {

/// Traces what the positions of a sequence tensor stand for, back through the layers whose
/// Layer::positions() keep them, to a model input (AxisOrigin's kinds). `inputShapes[i]` is
/// model input i's shape (batch axis included). Never throws.
AxisOrigin traceAxisOrigin(
    const Graph &graph, const ValueRef &ref, const std::vector<Shape> &inputShapes);

} // namespace attnlens
