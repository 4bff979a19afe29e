#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/runtime/graph.h"
#include "core/runtime/model.h"

namespace attnlens {

/// Traces what the positions of a sequence tensor stand for, back through position-preserving
/// layers to a model input (AxisOrigin's kinds). `configs[layer]` is each graph layer's Keras
/// config and `inputShapes[i]` model input i's shape (batch axis included). Never throws.
AxisOrigin traceAxisOrigin(const Graph &graph, const ValueRef &ref,
    const std::vector<nlohmann::json> &configs, const std::vector<Shape> &inputShapes);

} // namespace attnlens
