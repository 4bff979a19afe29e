#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/runtime/model.h"

namespace attnlens {

/// Where axis labels may come from besides the model and the dataset.
struct LabelOptions
{
    /// One label per line (UTF-8); replaces the labels of both axes (count must match both).
    std::optional<std::filesystem::path> labelFile;
    /// Same, for one axis only (wins over labelFile).
    std::optional<std::filesystem::path> queryLabelFile;
    std::optional<std::filesystem::path> keyLabelFile;
    /// Vocabulary for token axes: line i is the token of id i.
    std::optional<std::filesystem::path> vocabularyFile;
    /// Sample whose token ids / time-column values label Tokens / TimeSteps axes.
    std::int64_t sample = 0;
};

/// Labels of the query (rows) and key (columns) axes of one attention map.
struct AxisLabels
{
    std::vector<std::string> query; ///< T_query labels
    std::vector<std::string> key;   ///< T_key labels
};

/// Labels for every position of both axes of `layer`, from the axis origin the model traced:
///  - Features  -> the input's feature names (CSV header, HDF5/NPZ names), else "0".."F-1";
///  - TimeSteps -> the time column's values for `options.sample` (or the file's time labels), else
///                 "t-(T-1)" ... "t-1", "t0" (steps before the last one);
///  - Tokens    -> the term of each id of sample `options.sample` (the vocabulary file, else a
///                 text input's own vocabulary, Dataset::vocabularies; the empty mask term
///                 shows as "(pad)"), else the ids themselves;
///  - Unknown   -> "0".."T-1".
/// A label file overrides all of this. An axis whose length is free (-1) takes the dataset's
/// length along the traced input axis. `dataset` may be empty (model open, no data yet).
/// Throws InputFileError when a label or vocabulary file is unreadable, not UTF-8 (line given),
/// or has a count that does not match the axis.
AxisLabels axisLabels(
    const AttentionLayerInfo &layer, const Dataset &dataset, const LabelOptions &options = {});

/// One label per position of a layer's feature weights (FeatureWeightsInfo), for a bar chart:
/// over the input's features, the feature names of the input they trace to (as axisLabels
/// gives a Features axis), else "0".."F-1"; experts "expert 0".., modules "module 0"...
/// `dataset` may be empty. Never throws for a missing dataset.
std::vector<std::string> featureWeightLabels(
    const FeatureWeightsInfo &weights, const Dataset &dataset);

/// What the positions of an axis traced to `origin` are, as a noun for titles and listings:
/// "feature", "time step", "token" or "latent channel" (plural with `plural`); empty
/// for an axis of unknown origin.
std::string axisOriginNoun(const AxisOrigin &origin, bool plural = false);

/// Reads a text file of one label per line (UTF-8, optional BOM, \n or \r\n; a final empty line
/// is ignored). Throws InputFileError naming the file and line of any bytes that are not UTF-8.
std::vector<std::string> readLabelFile(const std::filesystem::path &file);

} // namespace attnlens
