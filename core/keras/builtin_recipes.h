#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace attnlens {

/// The recipes compiled into the engine (core/keras/recipes/*.json, embedded by CMake):
/// (file name, JSON text) pairs, sorted by file name.
const std::vector<std::pair<std::string_view, std::string_view>> &builtinRecipeTexts();

} // namespace attnlens
