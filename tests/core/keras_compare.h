#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <vector>

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

/// QVERIFY(matches(actual, shape, {...})): `actual` has `shape` and holds `expected` (C order),
/// each value within worstError's bound (default: 1e-5 absolute). Says what differs (qWarning).
inline bool matches(const attnlens::Tensor &actual, const attnlens::Shape &shape,
    const std::vector<float> &expected, double abs = 1e-5, double rel = 0.0)
{
    if (actual.shape() != shape) {
        qWarning("shape %s, expected %s", attnlens::shapeToString(actual.shape()).c_str(),
            attnlens::shapeToString(shape).c_str());
        return false;
    }
    if (attnlens::shapeSize(shape) != static_cast<std::int64_t>(expected.size())) {
        qWarning("the test lists %zu values for shape %s", expected.size(),
            attnlens::shapeToString(shape).c_str());
        return false;
    }
    const double worst = worstError(actual, attnlens::Tensor(shape, expected), abs, rel);
    if (worst != 0.0)
        qWarning("worst error %g (bound %g absolute, %g relative)", worst, abs, rel);
    return worst == 0.0;
}

/// matches() where the shape is checked separately: `expected` lists every value of `actual`.
/// (Another name, not an overload: matches(x, {1, 1}, {8}) would otherwise read 8 as `abs`.)
inline bool matchesValues(const attnlens::Tensor &actual, const std::vector<float> &expected,
    double abs = 1e-5, double rel = 0.0)
{
    if (actual.size() != static_cast<std::int64_t>(expected.size())) {
        qWarning(
            "%lld values, expected %zu", static_cast<long long>(actual.size()), expected.size());
        return false;
    }
    return matches(actual, actual.shape(), expected, abs, rel);
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
