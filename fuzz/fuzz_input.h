#pragma once
// What the fuzz targets share: the bytes as a file for readers that take a path, and one row of
// a model run under a memory cap.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace attnlens::fuzz {

/// Memory cap given to every reader and model: what a fuzz input may make AttnLens allocate
/// before it must refuse (libFuzzer's own -rss_limit_mb is above it).
constexpr std::int64_t kMemoryCap = std::int64_t(512) << 20;

/// Writes `size` bytes to a file of this process named `name` (e.g. "input.keras") in the
/// temporary folder and returns its path; the same path is reused by every run.
std::filesystem::path asFile(const std::uint8_t *data, std::size_t size, const std::string &name);

/// Opens `model` (with `config` when not empty, and the user's `recipes`) and runs one row of
/// zeros (free lengths 4): what "where it opens, runs one row" means. Errors AttnLens reports
/// are expected; anything else escapes and is a finding.
void openAndRunOneRow(const std::filesystem::path &model, const std::filesystem::path &config,
    const std::vector<std::filesystem::path> &recipes = {});

} // namespace attnlens::fuzz
