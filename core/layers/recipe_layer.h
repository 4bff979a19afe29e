#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/runtime/layer.h"

namespace attnlens {

/// A custom layer run from a recipe (core/keras/recipe.h, docs/recipes.md): a small graph of
/// ordinary layers and operations over named values, each a tensor with its Keras mask. The
/// loader (core/keras/recipe_builder) builds the sublayers and resolves every name to an index;
/// this class only runs the plan, so it knows no recipe JSON.
///
/// Keras's rules inside `call`: a value passed to a sublayer carries its mask (MultiHeadAttention
/// masks its queries and keys with them), an operation's output has none, and a step whose
/// positional argument is absent (an optional input the call did not get, `if mask is not
/// None`) is skipped, its outputs absent too; an absent keyword argument is left out.
/// Attention sublayers are reported as attention parts keyed "<layer>/<attribute>".
class RecipeLayer : public Layer
{
public:
    /// A value, or (mask) the mask of a value as a tensor.
    struct Ref
    {
        int value = -1;
        bool mask = false;
    };

    struct Argument
    {
        std::string parameter; ///< the callee's parameter name
        std::vector<Ref> refs; ///< one tensor, or a list
        bool list = false;     ///< passed as a list argument
        bool required = false; ///< positional: the step is skipped when a ref is absent
    };

    struct Step
    {
        /// Index into the sublayers (operations are sublayers too); -1 for a positions step.
        int layer = -1;
        std::vector<Argument> args;
        std::shared_ptr<const CallOptions> options; ///< the step's constants, bound by the loader
        std::vector<int> outputs;                   ///< value slots
        int part = -1;        ///< index into attentionParts() for an attention sublayer
        int positionsOf = -1; ///< positions step: the value measured
        int positionsAxis = -1;
    };

    struct Input
    {
        std::string name;
        int implicitMaskOf = -1; ///< input index whose mask stands in when this one is absent
    };

    struct Output
    {
        int value = -1;
        Ref mask; ///< value -1: no mask
    };

    struct Plan
    {
        std::vector<Input> inputs; ///< value slots 0 .. inputs.size()-1, in call order
        int valueCount = 0;
        std::vector<Step> steps;
        std::vector<Output> outputs;
        std::vector<AttentionPart> parts;
        PositionRule positions;
        /// "built-in recipe 'keras-io TransformerBlock'" etc., for messages.
        std::string recipe;
    };

    RecipeLayer(std::string name, std::vector<std::unique_ptr<Layer>> sublayers, Plan plan);

    std::vector<std::string> callSignature() const override;
    CallResult call(const CallArgs &args, const CallContext &context) const override;
    std::int64_t parameterCount() const override;
    std::vector<AttentionPart> attentionParts() const override { return m_plan.parts; }
    PositionRule positions() const override { return m_plan.positions; }

private:
    std::vector<std::unique_ptr<Layer>> m_sublayers;
    Plan m_plan;
};

} // namespace attnlens
