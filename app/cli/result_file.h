#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/io/hdf5_id.h"
#include "core/runtime/model.h"

namespace attnlens::cli {

/// The root attributes of RESULT.h5.
struct ResultFileHeader
{
    std::string modelFile;
    std::string modelSha256;
    std::string dataFiles;
    std::vector<std::int64_t> rows;   ///< dataset row index of each sample written, N in all
    std::vector<std::string> ids;     ///< N sample labels (Dataset::sampleLabels of `rows`)
    std::string idColumn;             ///< where they come from: a column name, or "row"
    std::vector<std::string> targets; ///< N targets, or empty when the data has none
    std::string targetColumn;
    /// Custom layers run from recipes, "layer: recipe; ..."; written (attribute `recipes`) only
    /// when not empty.
    std::string recipes;
};

/// Writes what `attnlens-cli run` produces, a chunk of rows at a time, so that a run over many
/// samples never holds more than one chunk's scores in memory.
///
/// Layout of RESULT.h5:
///   /outputs/<i>             float32 (N, ...)                   model output i
///   /attention/<layer key>   float32 (N, heads, T_query, T_key) scores, key as in `info`
///                            (a key "layer/attribute" is a group "layer" holding "attribute")
///   /feature_weights/<key>   float32 (N, count) weights over features, experts or modules, or
///                            (count,) for static ones; key as in `info`; attributes "over"
///                            ("features", "experts", "modules") and "labels" (one per position,
///                            feature names where the data has them)
///   root attributes: model_file (name), model_sha256 (hex), attnlens_version,
///                    data_files (names, ';'-separated), rows (int64 [N]: the dataset row index
///                    of each written sample; rows with missing values are not written).
///   /rows/id                 strings (N,) the id of each written sample (the id column's
///                            text, else its row number); attribute "column"
///   /rows/target             strings (N,) its target as written in the data, only when the
///                            data has a target; attribute "column"
///
/// The file is written under a temporary name beside `path` and renamed over `path` by
/// commit(); without commit() (an error, Ctrl-C) the temporary file is removed. Every failure
/// throws OutputError naming `path`.
class ResultFileWriter
{
public:
    /// `weightLabels[key]`: the position labels written with /feature_weights/<key>.
    ResultFileWriter(std::filesystem::path path, const ResultFileHeader &header,
        std::vector<std::pair<std::string, std::vector<std::string>>> weightLabels = {});
    ~ResultFileWriter();
    ResultFileWriter(const ResultFileWriter &) = delete;
    ResultFileWriter &operator=(const ResultFileWriter &) = delete;

    /// Writes `chunk` (outputs and attention of rows [firstRow, firstRow + n)). The first chunk
    /// creates the datasets; later chunks must have the same per-row shapes.
    void write(std::int64_t firstRow, const RunResult &chunk);
    /// Flushes, closes and renames the file to its final name.
    void commit();

private:
    void writeRows(
        hid_t dataset, const std::string &name, std::int64_t firstRow, const Tensor &tensor) const;
    [[noreturn]] void fail(const std::string &what) const;

    std::filesystem::path m_path;
    std::filesystem::path m_temporary;
    std::int64_t m_total = 0;
    Hdf5Id m_file;
    std::vector<Hdf5Id> m_outputs;
    std::vector<std::pair<std::string, Hdf5Id>> m_attention;
    std::vector<std::pair<std::string, Hdf5Id>> m_weights; ///< static ones: written once
    std::vector<std::pair<std::string, std::vector<std::string>>> m_weightLabels;
    bool m_created = false; ///< datasets exist (after the first chunk)
    bool m_committed = false;
};

} // namespace attnlens::cli
