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

/// Features (with the input's index) when the last-axis columns of `ref`, a rank-2 tensor, are
/// the feature columns of a rank-2 model input, passed on by element-wise layers only (a
/// column-weighting layer such as ColumnAttention weighs the input's features); else Unknown.
/// Never throws.
AxisOrigin traceFeatureColumns(
    const Graph &graph, const ValueRef &ref, const std::vector<Shape> &inputShapes);

} // namespace attnlens
