#pragma once

#include <cstdint>
#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.UpSampling1D: repeats every step `size` times along the steps axis, (N, T, C) ->
/// (N, T * size, C), as ops.repeat(x, size, axis=1). Keras's layer does not support masking (an
/// input mask is dropped, no output mask).
class UpSampling1D : public Layer
{
public:
    /// Config: size (int >= 1, default 2). No weights. Throws InputFileError naming the layer for
    /// a size below 1.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    CallResult call(const CallArgs &args, const CallContext &context) const override;

private:
    UpSampling1D(std::string name, std::int64_t size);

    std::int64_t m_size = 2;
};

} // namespace attnlens
