#pragma once

#include <algorithm>
#include <vector>

#include "core/tensor/tensor.h"

namespace attnlens {

/// Lets tests write QCOMPARE(t.values(), (std::vector<float> {...})): exact element equality.
/// Found by argument-dependent lookup (TensorValues' allocator lives in attnlens).
inline bool operator==(const TensorValues &a, const std::vector<float> &b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

} // namespace attnlens
