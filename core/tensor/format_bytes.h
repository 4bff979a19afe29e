#pragma once

#include <cstdint>
#include <string>

namespace attnlens {

/// A size in bytes for messages, on a 1024 base with one decimal: "300 bytes", "1.5 KiB",
/// "256.0 MiB", "8.0 GiB" (the largest unit that keeps the number at least 1). Every message
/// about memory or file sizes uses it, so one cap always reads the same. It lives in tensor/
/// because every part of core (runtime, keras, data) may include it.
std::string formatBytes(std::int64_t bytes);

} // namespace attnlens
