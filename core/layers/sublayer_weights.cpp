#include "core/layers/sublayer_weights.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

std::vector<std::vector<Tensor>> splitSublayerWeights(
    const LayerConfig &config, const std::vector<WeightCount> &plan)
{
    std::size_t trainable = 0;
    std::size_t nonTrainable = 0;
    for (const WeightCount &count : plan) {
        trainable += static_cast<std::size_t>(count.trainable);
        nonTrainable += static_cast<std::size_t>(count.nonTrainable);
    }
    if (config.weights.size() != trainable + nonTrainable)
        throw InputFileError(layerWhere(config) + ": the weights file holds "
            + std::to_string(config.weights.size()) + " weights for this layer, but its config "
            + "builds sublayers with " + std::to_string(trainable + nonTrainable)
            + "; the weights and the architecture do not belong to the same model");
    std::vector<std::vector<Tensor>> out(plan.size());
    std::size_t next = 0;              // PerSublayer: one cursor
    std::size_t nextFixed = trainable; // TrainableFirst: non-trainable ones after all others
    for (std::size_t p = 0; p < plan.size(); ++p) {
        for (int k = 0; k < plan[p].trainable; ++k)
            out[p].push_back(config.weights[next++]);
        for (int k = 0; k < plan[p].nonTrainable; ++k) {
            if (config.weightOrder == WeightOrder::TrainableFirst)
                out[p].push_back(config.weights[nextFixed++]);
            else
                out[p].push_back(config.weights[next++]);
        }
    }
    return out;
}

} // namespace attnlens
