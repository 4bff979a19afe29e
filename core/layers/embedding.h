#pragma once

#include <memory>

#include "core/layers/layer_config.h"

namespace attnlens {

/// keras.layers.Embedding: integer ids (N, ...) given as floats -> (N, ..., output_dim), rows
/// of the (input_dim, output_dim) embeddings matrix. With mask_zero the output mask is
/// ids != 0. Ids are rounded to the nearest integer; an id outside [0, input_dim) or a
/// non-finite id throws ShapeError naming the layer and the id.
class Embedding : public Layer
{
public:
    /// Config: input_dim, output_dim, mask_zero. Weights: embeddings (input_dim, output_dim).
    /// Throws InputFileError when the weights do not match the config.
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);

    CallResult call(const CallArgs &args, const CallContext &context) const override;
    PositionRule positions() const override { return PositionRule::tokens(); }
    std::int64_t parameterCount() const override { return m_embeddings.size(); }

private:
    Embedding(std::string name, Tensor embeddings, bool maskZero);

    Tensor m_embeddings; ///< (input_dim, output_dim)
    bool m_maskZero = false;
};

} // namespace attnlens
