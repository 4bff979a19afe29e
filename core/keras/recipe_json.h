#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace attnlens {

/// A JSON document that remembers the line of every value, so that a message about a recipe
/// (core/keras/recipe.h) can point at the line to fix.
struct LinedJson
{
    nlohmann::json value;
    /// JSON pointer ("/sublayers/0/config") -> 1-based line: an object member's line is its
    /// key's, an array element's the line where it starts.
    std::map<std::string, std::int64_t> lines;

    /// The line of `pointer`, or of its nearest enclosing value the map knows; 1 when none.
    std::int64_t lineOf(const std::string &pointer) const;
};

/// Parses `text`. Throws InputFileError whose context names `file` and the line of the syntax
/// error.
LinedJson parseLinedJson(std::string_view text, const std::string &file);

/// `pointer` + "/" + `token`, with JSON pointer escaping (~0, ~1) of the token.
std::string jsonPointerChild(const std::string &pointer, const std::string &token);

} // namespace attnlens
