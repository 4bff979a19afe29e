#pragma once

#include <cstdint>
#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.ZeroPadding1D and Cropping1D along the steps axis: (N, T, C) -> (N, left + T +
/// right, C) with zeros, or (N, T - left - right, C) keeping steps [left, T - right). Keras 3's
/// ZeroPadding1D also takes data_format channels_first, (N, C, T). Neither layer supports
/// masking in Keras (an input mask is dropped, no output mask).
class Padding1D : public Layer
{
public:
    enum class Kind
    {
        ZeroPad,
        Crop
    };

    /// Config: padding / cropping as an int (both sides) or a pair (left, right), each >= 0
    /// (default 1 / (1, 1)); data_format ("channels_last" default, "channels_first"). No weights.
    /// Throws InputFileError naming the layer for a negative or malformed value.
    static std::unique_ptr<Layer> fromKerasZeroPadding(const LayerConfig &config);
    static std::unique_ptr<Layer> fromKerasCropping(const LayerConfig &config);

    CallResult call(const CallArgs &args, const CallContext &context) const override;

private:
    Padding1D(std::string name, Kind kind);
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config, Kind kind);

    Kind m_kind;
    std::int64_t m_left = 1;
    std::int64_t m_right = 1;
    bool m_channelsFirst = false;
};

} // namespace attnlens
