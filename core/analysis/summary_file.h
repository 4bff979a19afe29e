#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/analysis/dataset_summary.h"

namespace attnlens {

/// Where a summary's numbers come from: the root attributes of SUMMARY.h5.
struct SummaryProvenance
{
    std::string modelFile;   ///< the model file's name
    std::string modelSha256; ///< 64 hex digits
    std::vector<std::string> dataFiles;
    std::string by; ///< "", "target", "prediction" or "correct"
};

/// SUMMARY.h5, what `attnlens-cli summarize` writes and `merge` reads and writes:
///   root attributes: model_file, model_sha256, data_files (list), by, attnlens_version, calls
///     (the attention call keys, model order), call_kind ("self"/"cross" per call), groups
///     (the group names, "all" first; a '/' in a name is written as '_' in its path),
///     rollout (empty, or why the calls do not chain), rows (int64: the samples summarised)
///   /<group>/count                                     int64 scalar, the group's samples
///   /<group>/attention/<key>/{mean,std}                float32 (heads, T_query, T_key)
///   /<group>/attention/<key>/{sum,sumsq}               float64, same shape (merge adds them)
///   /<group>/attention/<key>/head_mean/{mean,std,sum,sumsq}   (T_query, T_key): each sample's
///   /<group>/attention/<key>/head_max/{mean,std,sum,sumsq}    mean / maximum over heads
///   /<group>/heads/<key>/{entropy,max_weight,first_weight,last_weight}  float32 (heads,)
///   /<group>/heads/<key>/statistic_sums                float64 (4, heads), the sums of those
///   /<group>/received/<key>                            float32 (heads, T_key), column means
///   /<group>/received_over_heads/<key>                 float32 (T_key,)
///   /<group>/rollout, rollout_sum                      float32 / float64 (T, T), when chaining
/// Written under a temporary name and renamed when complete; throws OutputError.
void writeSummary(const std::filesystem::path &file, const DatasetSummary &summary,
    const SummaryProvenance &provenance);

struct SummaryFile
{
    DatasetSummary summary;
    SummaryProvenance provenance;
};

/// Reads a SUMMARY.h5 back, sums included. Throws InputFileError naming the file and the
/// object when it is not a summary or is inconsistent.
SummaryFile readSummary(const std::filesystem::path &file);

/// Adds `parts` (summaries of disjoint row ranges of one model, `by` the same) into one, equal
/// to a single summary of their union within float64 rounding. Throws InputFileError naming the
/// part that was made by another model (sha256) or grouped differently.
SummaryFile mergeSummaries(const std::vector<std::filesystem::path> &parts);

} // namespace attnlens
