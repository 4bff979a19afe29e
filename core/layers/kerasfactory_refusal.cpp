#include "core/layers/kerasfactory_refusal.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

std::unique_ptr<Layer> KerasFactoryRefusal::fromKeras(const LayerConfig &config)
{
    const ErrorWhere where = layerWhere(config);
    const std::string &c = config.className;
    std::string reason;
    if (isKdpClass(config))
        reason = "it belongs to KDP (keras-data-processor), a different library whose "
                 "preprocessing layers AttnLens does not run";
    else if (c == "BusinessRulesLayer" || c == "CategoricalAnomalyDetectionLayer")
        reason = "it works on string tensors (and lookup tables) and returns strings, which "
                 "only TensorFlow can run";
    else if (c == "DateParsingLayer")
        reason = "it parses date strings in Python, and returns zeros when Keras runs it as a "
                 "graph, so no saved file says what it computes";
    else if (c == "DistributionAwareEncoder")
        reason = "it chooses its transform in Python from statistics of the batch it first "
                 "sees (skewness, kurtosis), not from anything saved in the file";
    else
        reason = "it cannot be reproduced outside Python";
    throw UnsupportedModelError(where + ": AttnLens cannot run KerasFactory's " + c + " because "
        + reason + ". Remove the layer from the model (apply it to the data "
        + "before AttnLens reads it) and save the model again.");
}

bool KerasFactoryRefusal::isKdpClass(const LayerConfig &config)
{
    return config.registeredName.rfind("kdp.", 0) == 0 || config.module.rfind("kdp.", 0) == 0;
}

} // namespace attnlens
