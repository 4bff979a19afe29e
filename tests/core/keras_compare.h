#pragma once

#include <algorithm>
#include <cmath>
#include <exception>

#include <QTest>

#include "core/tensor/tensor.h"

/// Largest violation of |a - e| <= max(abs, rel * |e|) (0 when all fit); -1 on a shape mismatch.
/// With abs = 1e-5 and rel = 1e-4 this is the "within 1e-5 absolute or 1e-4 relative".
inline double worstError(
    const attnlens::Tensor &actual, const attnlens::Tensor &expected, double abs, double rel)
{
    if (actual.shape() != expected.shape())
        return -1.0;
    double worst = 0.0;
    for (std::size_t i = 0; i < actual.values().size(); ++i) {
        const double a = actual.values()[i];
        const double e = expected.values()[i];
        const double excess = std::fabs(a - e) - std::max(abs, rel * std::fabs(e));
        if (!(excess <= 0.0))
            worst = std::max(worst, std::isnan(excess) ? 1e30 : std::fabs(a - e));
    }
    return worst;
}

/// Runs a test body; an exception becomes a test failure with its message, not an abort.
template <class Body>
void guarded(Body body)
{
    try {
        body();
    } catch (const std::exception &e) {
        QFAIL(e.what());
    }
}
