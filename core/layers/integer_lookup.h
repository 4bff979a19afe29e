#pragma once

#include <map>
#include <memory>
#include <optional>

#include "core/layers/layer_config.h"
#include "core/tensor/categorical.h"

namespace attnlens {

/// Keras's IntegerLookup (keras/src/layers/preprocessing/index_lookup.py): maps integer values
/// to vocabulary indices (the mask token to 0, unknown values to the OOV indices by floormod),
/// then, outside output_mode "int", one-hot / multi-hot / count encodes them.
class IntegerLookup : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override;

private:
    using Layer::Layer;
    float indexOf(float value) const;

    std::map<std::int64_t, std::int64_t> m_index;
    std::optional<std::int64_t> m_maskToken;
    std::int64_t m_oovStart = 0;
    std::int64_t m_oovIndices = 1;
    std::optional<CategoryOutput> m_output; ///< nullopt: output_mode "int"
    std::int64_t m_depth = 0;
};

} // namespace attnlens
