#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "core/model.h"

namespace attnlens {

/// Builds a Model from a Keras file: detects the format, parses the architecture, binds the
/// weights, creates the layers through the layer factory, wires the graph and does a dry run
/// on zeros to learn every layer's output shape and the attention maps' sizes.
class ModelBuilder
{
public:
    /// See Model::open for the contract.
    static std::shared_ptr<const Model> open(const std::filesystem::path &file,
        const std::optional<std::filesystem::path> &configFile, const LoadOptions &options);
};

} // namespace attnlens
