#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/data/array_data.h"

namespace attnlens {

/// Parses a `.npy` image: header versions 1.0, 2.0 and 3.0; dtypes float16/32/64, int8..64,
/// uint8..64, bool, and U/S text; either byte order; C or Fortran order (returned in C order).
/// Object arrays are refused (they are pickles, never unpickled). `where` names the file in
/// messages. Throws InputFileError for a corrupt header, an unsupported dtype or truncated data
/// (expected and actual byte counts given), or data above `memoryCapBytes`.
ArrayData parseNpy(std::string_view bytes, const std::string &where,
    std::int64_t memoryCapBytes = std::int64_t(8) << 30);

/// parseNpy on a file.
ArrayData readNpy(
    const std::filesystem::path &file, std::int64_t memoryCapBytes = std::int64_t(8) << 30);

/// Every array of a `.npz` (a zip of .npy members), named without the ".npy", in archive
/// order. Throws InputFileError as parseNpy, naming "file.npz:member.npy".
std::vector<std::pair<std::string, ArrayData>> readNpz(
    const std::filesystem::path &file, std::int64_t memoryCapBytes = std::int64_t(8) << 30);

} // namespace attnlens
