#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.GlobalAveragePooling1D and GlobalMaxPooling1D: (N, T, C) -> (N, C), or
/// (N, 1, C) with keepdims; channels_first takes (N, C, T) -> (N, C) / (N, C, 1).
/// Average honours an input mask (N, T) as Keras does: sum of the unmasked steps divided by
/// their count (0/0 = NaN for a fully masked sample, as in Keras). Max ignores the mask, as
/// Keras's GlobalMaxPooling1D does. No output mask.
class GlobalPooling1D : public Layer
{
public:
    enum class Kind
    {
        Average,
        Max
    };

    /// Config: data_format ("channels_last" default, "channels_first"), keepdims. No weights.
    static std::unique_ptr<Layer> fromKerasAverage(const LayerConfig &config);
    static std::unique_ptr<Layer> fromKerasMax(const LayerConfig &config);

    CallResult call(const CallArgs &args, const CallContext &context) const override;

private:
    GlobalPooling1D(std::string name, Kind kind, bool channelsFirst, bool keepdims);
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config, Kind kind);

    Kind m_kind;
    bool m_channelsFirst = false;
    bool m_keepdims = false;
};

} // namespace attnlens
