#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/runtime/model.h"

namespace attnlens {

/// Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers") along
/// a model's attention calls: for each call in model order, A = the mean over heads, then
/// 0.5 A + 0.5 I with rows renormalised, multiplied from the first call to the last,
/// R = Â_L ... Â_1. Row q of R says how much of position q's final representation flows from
/// each input position.
class Rollout
{
public:
    /// Why `calls` do not chain, or empty when they do: every call must be self-attention
    /// (query and key the same tensor) over the same T positions (T_query = T_key = T for all),
    /// and there must be at least one. Rollout is refused for cross-attention and for calls of
    /// different lengths: it would compute something that means nothing.
    static std::string refusal(const std::vector<AttentionLayerInfo> &calls);

    /// For chaining `calls` (refusal() empty; throws ShapeError otherwise).
    explicit Rollout(const std::vector<AttentionLayerInfo> &calls);

    std::int64_t length() const { return m_length; }

    /// One sample's rollout, (T, T) row-major: `maps[i]` points at call i's scores for that
    /// sample, (heads_i, T, T). A fully masked query row (all weights 0) becomes the identity
    /// row after the residual step, as renormalising 0.5 I gives.
    std::vector<double> ofSample(const std::vector<const float *> &maps) const;

private:
    std::vector<int> m_heads;
    std::int64_t m_length = 0;
};

} // namespace attnlens
