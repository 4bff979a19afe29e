#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// The KerasFactory classes AttnLens refuses because their inference cannot be reproduced
/// outside Python, each with its reason (docs/kerasfactory.md §8): BusinessRulesLayer and
/// CategoricalAnomalyDetectionLayer (string tensors and lookup tables), DateParsingLayer
/// (Python string parsing; zeros in graph mode), DistributionAwareEncoder (chooses its
/// transform from batch statistics in Python). Also any class of KerasFactory's sibling
/// library KDP (kdp.layers>...).
class KerasFactoryRefusal
{
public:
    /// Always throws UnsupportedModelError naming the layer, its class and the reason.
    [[noreturn]] static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    /// True for a class registered by KDP ("kdp.layers>...", module "kdp.").
    static bool isKdpClass(const LayerConfig &config);
};

} // namespace attnlens
