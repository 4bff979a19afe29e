#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/model.h"

namespace attnlens::cli {

/// What `attnlens-cli run` writes, and where.
///
/// Layout of RESULT.h5:
///   /outputs/<i>             float32 (N, ...)                   model output i
///   /attention/<layer key>   float32 (N, heads, T_query, T_key) scores, key as in `info`
///   root attributes: model_file (name), model_sha256 (hex), attnlens_version,
///                    data_files (names, ';'-separated), rows (int64 [N]: the dataset row index
///                    of each written sample; rows with missing values are not written).
struct ResultFileContents
{
    std::string modelFile;
    std::string modelSha256;
    std::string dataFiles;
    std::vector<std::int64_t> rows;
    const RunResult *result = nullptr;
};

/// Writes `contents` to a temporary file beside `path` and renames it over `path` at the end;
/// the temporary file is removed on failure. Throws std::runtime_error naming `path`.
void writeResultFile(const std::filesystem::path &path, const ResultFileContents &contents);

} // namespace attnlens::cli
