#pragma once

#include <cstdint>
#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.MaxPooling1D and AveragePooling1D (aliases MaxPool1D, AvgPool1D): (N, T, C) ->
/// (N, T_out, C), or (N, C, T) -> (N, C, T_out) with data_format channels_first. As Keras 3
/// (keras/src/backend/*/nn.py max_pool / average_pool, lax.reduce_window) and TensorFlow:
/// padding "valid" gives T_out = floor((T - pool_size) / strides) + 1; "same" gives T_out =
/// ceil(T / strides) with pad_total = max((T_out - 1) * strides + pool_size - T, 0) split
/// pad_total / 2 on the left and the rest on the right. Max ignores the padded positions; the
/// average divides by the number of real (unpadded) elements of each window. Keras pooling layers
/// do not support masking: an input mask is dropped and there is no output mask.
class Pooling1D : public Layer
{
public:
    enum class Kind
    {
        Max,
        Average
    };

    /// Config: pool_size (int or 1-tuple), strides (int, 1-tuple or null = pool_size), padding
    /// ("valid", "same"), data_format ("channels_last" default, "channels_first"). No weights.
    /// Throws InputFileError naming the layer for a pool size or stride below 1, or an unknown
    /// padding or data_format.
    static std::unique_ptr<Layer> fromKerasMax(const LayerConfig &config);
    static std::unique_ptr<Layer> fromKerasAverage(const LayerConfig &config);

    CallResult call(const CallArgs &args, const CallContext &context) const override;

private:
    Pooling1D(std::string name, Kind kind);
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config, Kind kind);

    Kind m_kind;
    std::int64_t m_poolSize = 2;
    std::int64_t m_stride = 2;
    bool m_same = false;
    bool m_channelsFirst = false;
};

} // namespace attnlens
