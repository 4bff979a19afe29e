#pragma once

#include <memory>
#include <vector>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.Permute(dims): dims are 1-based sample axes; output axis i+1 is input axis
/// dims[i]. Drops the mask.
class PermuteLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    PermuteLayer(std::string name, std::vector<int> perm);
    CallResult call(const CallArgs &args, const CallContext &context) const override;

private:
    std::vector<int> m_perm; ///< including the batch axis 0
};

} // namespace attnlens
