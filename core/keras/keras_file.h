#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/io/hdf5_file.h"
#include "core/keras/weight_reader.h"
#include "core/runtime/model.h"

namespace attnlens {

/// A Keras model file opened far enough to know its format, its architecture JSON and where
/// its weights are; the format is detected from the content, never from the extension.
struct KerasFile
{
    ModelFormat format = ModelFormat::KerasArchive;
    nlohmann::json config;    ///< the architecture (`model_config`, `config.json`, --config)
    std::string configSource; ///< names the architecture's origin in messages
    std::string kerasVersion; ///< empty when the file does not say
    std::unique_ptr<Hdf5File> weights;
    WeightReader::Layout layout = WeightReader::Layout::Keras3;
    std::string legacyRoot; ///< Legacy layout: "model_weights" or "" (root)
    /// A `.keras` archive's assets/ files (TextVectorization's vocabulary.txt) by path below
    /// assets/ ("layers/text_vectorization/vocabulary.txt"); empty for other formats.
    std::map<std::string, std::string> assets;
};

/// Opens `file` (and `configFile` for weights-only files). Throws InputFileError with a clear
/// message for a missing, empty, truncated or non-Keras file, a Git LFS pointer, or a
/// weights-only file without its architecture.
KerasFile openKerasFile(
    const std::filesystem::path &file, const std::optional<std::filesystem::path> &configFile);

} // namespace attnlens
