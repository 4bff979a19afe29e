#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace attnlens {

/// Byte offset of the first byte that breaks UTF-8 in `text`, or npos when it is valid UTF-8
/// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t findInvalidUtf8(std::string_view text);

/// Shortest text that reads back as `value` ("0.1", "842302", "nan").
std::string formatNumber(float value);

/// `text` cut to `maxChars` bytes (on a UTF-8 boundary) with "..." appended when cut; for
/// quoting cell contents in messages.
std::string shortened(std::string_view text, std::size_t maxChars = 40);

/// ASCII case-insensitive equality.
bool equalsIgnoreCase(std::string_view a, std::string_view b);

} // namespace attnlens
