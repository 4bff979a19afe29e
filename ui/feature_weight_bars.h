#pragma once

#include <vector>

#include <QString>
#include <QStringList>

#include "ui/bar_chart.h"
#include "ui/workspace.h"

namespace attnlens {

namespace presenter {

/// The bars of set `set` (an index into Model::featureWeightLayers()) for `scores.sample`,
/// labelled by the data's feature names where the weights are over the input's features.
/// Throws std::out_of_range when `scores` holds no such set.
BarChart featureWeightBars(
    const Workspace &workspace, const SampleAttention &scores, int set, BarOrder order);

} // namespace presenter
} // namespace attnlens
