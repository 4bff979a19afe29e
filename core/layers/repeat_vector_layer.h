#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.RepeatVector(n): (B, F) -> (B, n, F).
class RepeatVectorLayer : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    RepeatVectorLayer(std::string name, std::int64_t n);
    CallResult call(const CallArgs &args, const CallContext &context) const override;

private:
    std::int64_t m_n;
};

} // namespace attnlens
