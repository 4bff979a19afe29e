#include "core/layers/embedding.h"

#include <cmath>
#include <cstring>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

Embedding::Embedding(std::string name, Tensor embeddings, bool maskZero)
    : Layer(std::move(name))
    , m_embeddings(std::move(embeddings))
    , m_maskZero(maskZero)
{
}

std::unique_ptr<Layer> Embedding::fromKeras(const LayerConfig &config)
{
    const std::int64_t limit = std::int64_t(1) << 40;
    const std::int64_t inputDim = configInt(config, "input_dim", -1, 1, limit);
    const std::int64_t outputDim = configInt(config, "output_dim", -1, 1, limit);
    if (inputDim < 0 || outputDim < 0)
        throw InputFileError(layerWhere(config)
            + ": config needs input_dim and output_dim. The model file is damaged.");
    requireWeightCount(config, {1});
    requireWeightShape(config, 0, {inputDim, outputDim}, "embeddings");
    return std::unique_ptr<Layer>(
        new Embedding(config.name, config.weights[0], configBool(config, "mask_zero", false)));
}

CallResult Embedding::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &ids = args.one("inputs");
    const std::int64_t inputDim = m_embeddings.dim(0);
    const std::int64_t outputDim = m_embeddings.dim(1);
    Shape shape = ids.shape();
    shape.push_back(outputDim);
    Tensor out(shape);
    Mask mask;
    if (m_maskZero)
        mask = Tensor(ids.shape());
    for (std::int64_t i = 0; i < ids.size(); ++i) {
        const float value = ids.data()[i];
        // Keras casts the ids to int32, which truncates toward zero (2.7 -> 2); the mask below
        // still compares the uncast value with 0, as Keras's compute_mask does.
        const double rounded = std::trunc(static_cast<double>(value));
        if (!std::isfinite(value) || rounded < 0.0 || rounded >= static_cast<double>(inputDim))
            throw ShapeError(ErrorWhere::ofLayer(name(), "Embedding") + ": id "
                + std::to_string(value) + " at position " + std::to_string(i)
                + " is outside the vocabulary [0, " + std::to_string(inputDim)
                + "). Check that the input column holds token ids.");
        const auto id = static_cast<std::int64_t>(rounded);
        std::memcpy(out.data() + i * outputDim, m_embeddings.data() + id * outputDim,
            static_cast<std::size_t>(outputDim) * sizeof(float));
        if (m_maskZero)
            mask.data()[i] = value != 0.0f ? 1.0f : 0.0f;
    }
    CallResult result;
    result.outputs.push_back(std::move(out));
    result.masks.push_back(std::move(mask));
    return result;
}

} // namespace attnlens
