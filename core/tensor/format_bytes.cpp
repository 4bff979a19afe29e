#include "core/tensor/format_bytes.h"

#include <cstdio>

namespace attnlens {

std::string formatBytes(std::int64_t bytes)
{
    constexpr double kib = 1024.0;
    const double b = static_cast<double>(bytes);
    char buffer[64];
    if (bytes < 1024 && bytes > -1024)
        std::snprintf(buffer, sizeof buffer, "%lld bytes", static_cast<long long>(bytes));
    else if (b < kib * kib)
        std::snprintf(buffer, sizeof buffer, "%.1f KiB", b / kib);
    else if (b < kib * kib * kib)
        std::snprintf(buffer, sizeof buffer, "%.1f MiB", b / (kib * kib));
    else
        std::snprintf(buffer, sizeof buffer, "%.1f GiB", b / (kib * kib * kib));
    return buffer;
}

} // namespace attnlens
