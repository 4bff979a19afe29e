#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/runtime/graph.h"
#include "core/runtime/model.h"

namespace attnlens {

/// What an opened Model holds: filled by the Keras loader (Model::open,
/// core/keras/model_builder.cpp), read by Model.
struct Model::Impl
{
    ModelSummary summary;
    std::vector<LayerInfo> layers;
    std::vector<InputInfo> inputs;
    std::vector<Shape> outputShapes;
    std::vector<AttentionLayerInfo> attention;
    std::vector<int> attentionNodes; ///< graph node of attention[i]
    /// Attention part of attention[i] at its node (index into CallResult::partAttention), or -1
    /// for the layer's own map (CallResult::attention).
    std::vector<int> attentionParts;
    std::vector<FeatureWeightsInfo> featureWeights;
    std::vector<int> featureWeightNodes; ///< graph node of featureWeights[i]
    std::vector<int> featureWeightParts; ///< index into that call's CallResult::featureWeights
    std::vector<std::string> warnings;
    std::unique_ptr<Graph> graph;
    LoadOptions options;
    /// Per-sample input elements of the dry run (free dimensions set to 1), per input.
    std::vector<std::int64_t> dryRunInputElements;
    /// Peak bytes of live intermediate values per sample in the dry run.
    std::int64_t dryRunBytesPerSample = 0;
};

} // namespace attnlens
