#pragma once

#include <memory>

#include "core/layers/layer_config.h"
#include "core/tensor/categorical.h"

namespace attnlens {

/// Keras's CategoryEncoding: integer values in [0, num_tokens) as one-hot, multi-hot (the
/// default) or count rows (keras/src/layers/preprocessing/category_encoding.py).
class CategoryEncoding : public Layer
{
public:
    static std::unique_ptr<Layer> fromKeras(const LayerConfig &config);
    CategoryEncoding(std::string name, CategoryOutput output, std::int64_t tokens);
    std::vector<std::string> callSignature() const override { return {"inputs", "count_weights"}; }
    CallResult call(const CallArgs &args, const CallContext &context) const override;

private:
    CategoryOutput m_output;
    std::int64_t m_tokens;
};

} // namespace attnlens
