#include "core/layers/masked_softmax.h"

#include <Eigen/Core>

namespace attnlens {

void maskedSoftmaxRow(float *row, std::int64_t n, const std::uint8_t *mask, MaskedSoftmaxMode mode)
{
    if (n <= 0)
        return;
    Eigen::Map<Eigen::ArrayXf> x(row, n);
    if (mask) {
        // Keras adds (1 - mask) * -1e9 (Keras 2, 3.0-3.12) or selects -1e9 (>= 3.13). In float32
        // x + -1e9 rounds to a multiple of 64, so a fully masked row comes out near uniform.
        constexpr float masked = -1e9f;
        if (mode == MaskedSoftmaxMode::WhereZero) {
            for (std::int64_t i = 0; i < n; ++i)
                if (!mask[i])
                    row[i] = masked;
        } else {
            for (std::int64_t i = 0; i < n; ++i)
                if (!mask[i])
                    row[i] += masked;
        }
    }
    const float max = x.maxCoeff();
    x = (x - max).exp();
    x *= 1.0f / x.sum();
    if (mask && mode != MaskedSoftmaxMode::AdditiveKeep) {
        for (std::int64_t i = 0; i < n; ++i)
            if (!mask[i])
                row[i] = 0.0f;
    }
}

void maskedSoftmaxRows(float *rows, std::int64_t count, std::int64_t n, const std::uint8_t *mask,
    MaskedSoftmaxMode mode)
{
    if (n <= 0 || count <= 0)
        return;
    if (mask) {
        for (std::int64_t r = 0; r < count; ++r)
            maskedSoftmaxRow(rows + r * n, n, mask + r * n, mode);
        return;
    }
    // The same arithmetic as maskedSoftmaxRow, but exp runs once over the whole block: short
    // rows (T = 48) spend most of their time in per-row set-up otherwise.
    for (std::int64_t r = 0; r < count; ++r) {
        Eigen::Map<Eigen::ArrayXf> x(rows + r * n, n);
        x -= x.maxCoeff();
    }
    Eigen::Map<Eigen::ArrayXf> all(rows, count * n);
    all = all.exp();
    for (std::int64_t r = 0; r < count; ++r) {
        Eigen::Map<Eigen::ArrayXf> x(rows + r * n, n);
        x *= 1.0f / x.sum();
    }
}

} // namespace attnlens
