#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/keras/recipe_json.h"

namespace attnlens {

/// A recipe: what the Python `call()` of a custom layer class computes, written as data in the
/// engine's vocabulary (docs/recipes.md). A saved model holds a custom layer's config and weights
/// but never its code; the recipe names the sublayers the class builds (Keras layer configs whose
/// values may be `"${key}"` references to the custom layer's config), every weight variable with
/// its shape and where it is saved, and the call graph from the inputs through sublayers and
/// operations to the outputs (masks included). Nothing in a recipe is executed as code.
///
/// Immutable once parsed. Every part remembers its JSON pointer, so a message can name the
/// recipe file and the line (Recipe::where).
struct Recipe
{
    /// One weight variable: its path below the layer's group in a Keras 3 file
    /// ("att/query_dense/vars/0") and its shape, each dimension a number or "${key}".
    struct Weight
    {
        std::string path;
        nlohmann::json shape; ///< array
        bool trainable = true;
        std::string pointer;
    };

    /// One sublayer, named by the Python attribute that holds it ("att"; "ffn/dense" for a layer
    /// inside a Sequential attribute).
    struct Sublayer
    {
        std::string name;
        std::string className; ///< a Keras class the engine runs ("MultiHeadAttention")
        nlohmann::json config; ///< its Keras config, "${key}" references not yet replaced
        std::vector<Weight> weights;
        std::string pointer;
    };

    /// One argument of a step: a value reference ("x", or "x.mask" for x's mask), a list of
    /// references (a merge layer's inputs), or a constant (any other JSON value).
    struct Argument
    {
        std::string parameter; ///< keyword name; empty for a positional argument
        nlohmann::json value;
        std::string pointer;
    };

    /// One step of the call: a sublayer call, an operation (a Keras 3 operation class such as
    /// "Add", "ExpandDims", with its config), or "positions": 0 .. length-1 of an axis of a value.
    struct Step
    {
        enum class Kind
        {
            Sublayer,
            Operation,
            Positions
        };
        Kind kind = Kind::Sublayer;
        std::string target;           ///< sublayer name, operation class, or the value measured
        nlohmann::json config;        ///< operation config; Positions: {"axis": -1}
        std::vector<Argument> args;   ///< positional first, in order, then keywords
        std::vector<std::string> out; ///< names given to the outputs
        std::string pointer;
    };

    /// One call input: a parameter of the Python `call`. `implicitMaskOf` names another input
    /// whose Keras mask is passed when the call does not give this one (a `mask` parameter).
    struct Input
    {
        std::string name;
        std::string implicitMaskOf;
    };

    struct Output
    {
        std::string value;
        std::string mask; ///< a value reference used as the output's mask; empty = none
    };

    std::string file;   ///< where the recipe came from ("built-in:keras_io_transformer_block.json")
    std::string title;  ///< "keras-io TransformerBlock"
    std::string source; ///< where its Python original is published, may be empty
    std::string className;
    /// config key -> type: "int", "number", "bool", "string", "list", "any". Exactly these keys
    /// besides Keras's own (name, trainable, dtype) must be in a layer's config.
    std::vector<std::pair<std::string, std::string>> configKeys;
    /// Registered names besides the bare class name ("Custom>X" is always accepted).
    std::vector<std::string> registeredNames;
    std::string positions = "none"; ///< "none", "positionwise", "elementwise", "tokens"
    std::vector<Sublayer> sublayers;
    std::vector<Input> inputs;
    std::vector<Step> steps;
    std::vector<Output> outputs;
    LinedJson json;

    /// The recipe's file and the line of `pointer`, as an error context.
    ErrorContext where(const std::string &pointer) const;
    /// "built-in recipe 'keras-io TransformerBlock'" or "recipe 'title' (file)".
    std::string label() const;
    bool builtIn() const;
};

/// Parses a recipe. `file` names it in messages. Throws InputFileError naming the file and the
/// line: bad JSON, a missing or mistyped field, a reference to an unknown value, sublayer or
/// config key, a value used before it is made.
Recipe parseRecipe(std::string_view text, const std::string &file);

} // namespace attnlens
