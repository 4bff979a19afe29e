#pragma once

#include <memory>

#include "core/layers/layer_config.h"
#include "core/runtime/string_encoder.h"

namespace attnlens {

/// Keras's TextVectorization and StringLookup: they take text, which AttnLens encodes when it
/// reads the data (core/runtime/string_encoder.h); in the graph the layer passes the ids on.
/// The vocabulary comes from the config or, for an adapted layer in a `.keras` archive, from
/// its `vocabulary.txt` asset (LayerConfig::assets). Only valid right after a text Input: the
/// loader checks that and gives the input this layer's encoder.
class StringLookup : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    StringLookup(std::string name, std::shared_ptr<const StringEncoder> encoder);
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override;
    std::shared_ptr<const StringEncoder> stringEncoder() const override { return m_encoder; }

private:
    std::shared_ptr<const StringEncoder> m_encoder;
};

} // namespace attnlens
