#include "core/layers/recipe_layer.h"

#include <optional>

#include "core/errors.h"

namespace attnlens {

namespace {

/// One named value of a call: absent until a step makes it.
struct Slot
{
    std::optional<Tensor> tensor;
    Mask mask;
};

/// The tensor `ref` names, or nullopt when it is absent (a mask reference to a value without
/// one is absent too).
std::optional<Tensor> lookup(const std::vector<Slot> &slots, const RecipeLayer::Ref &ref)
{
    const Slot &slot = slots.at(static_cast<std::size_t>(ref.value));
    if (!slot.tensor)
        return std::nullopt;
    if (!ref.mask)
        return *slot.tensor;
    if (slot.mask.empty())
        return std::nullopt;
    return slot.mask;
}

/// 0, 1, ..., n-1 as a float vector (ids for an Embedding, which casts them).
Tensor positionsOf(const Tensor &x, int axis)
{
    const std::int64_t n = x.dim(axis);
    Tensor out(Shape {n});
    for (std::int64_t i = 0; i < n; ++i)
        out.data()[i] = static_cast<float>(i);
    return out;
}

} // namespace

RecipeLayer::RecipeLayer(std::string name, std::vector<std::unique_ptr<Layer>> sublayers, Plan plan)
    : Layer(std::move(name))
    , m_sublayers(std::move(sublayers))
    , m_plan(std::move(plan))
{
}

std::vector<std::string> RecipeLayer::callSignature() const
{
    std::vector<std::string> names;
    for (const Input &input : m_plan.inputs)
        names.push_back(input.name);
    return names;
}

CallResult RecipeLayer::call(const CallArgs &args, const CallContext &context) const
{
    std::vector<Slot> slots(static_cast<std::size_t>(m_plan.valueCount));
    for (std::size_t i = 0; i < m_plan.inputs.size(); ++i) {
        const Input &input = m_plan.inputs[i];
        if (args.has(input.name)) {
            slots[i].tensor = args.one(input.name);
            slots[i].mask = args.maskOf(input.name);
        }
    }
    // A `mask` parameter that the call did not give gets the Keras mask of its input.
    for (std::size_t i = 0; i < m_plan.inputs.size(); ++i) {
        const int source = m_plan.inputs[i].implicitMaskOf;
        if (!slots[i].tensor && source >= 0) {
            const Mask &mask = slots[static_cast<std::size_t>(source)].mask;
            if (!mask.empty())
                slots[i].tensor = mask;
        }
    }
    CallResult result;
    if (context.captureAttention)
        result.partAttention.resize(m_plan.parts.size());
    for (const Step &step : m_plan.steps) {
        if (step.layer < 0) {
            const Slot &measured = slots.at(static_cast<std::size_t>(step.positionsOf));
            if (measured.tensor)
                slots.at(static_cast<std::size_t>(step.outputs.at(0))).tensor
                    = positionsOf(*measured.tensor, step.positionsAxis);
            continue;
        }
        CallArgs callArgs;
        callArgs.options = step.options;
        bool skip = false;
        for (const Argument &arg : step.args) {
            std::vector<Tensor> tensors;
            std::vector<Mask> masks;
            for (const Ref &ref : arg.refs) {
                std::optional<Tensor> t = lookup(slots, ref);
                if (!t)
                    break;
                tensors.push_back(std::move(*t));
                masks.push_back(
                    ref.mask ? Mask() : slots[static_cast<std::size_t>(ref.value)].mask);
            }
            if (tensors.size() != arg.refs.size()) {
                skip = skip || arg.required;
                continue;
            }
            callArgs.tensors[arg.parameter] = std::move(tensors);
            callArgs.masks[arg.parameter] = std::move(masks);
        }
        if (skip)
            continue;
        CallContext inner;
        inner.captureAttention = context.captureAttention && step.part >= 0;
        const Layer &layer = *m_sublayers.at(static_cast<std::size_t>(step.layer));
        CallResult r = layer.call(callArgs, inner);
        if (r.outputs.size() < step.outputs.size())
            throw ShapeError(ErrorWhere::ofLayer(name(), {}) + ": sublayer '" + layer.name()
                + "' gives " + std::to_string(r.outputs.size()) + " outputs, the " + m_plan.recipe
                + " names " + std::to_string(step.outputs.size()));
        for (std::size_t o = 0; o < step.outputs.size(); ++o) {
            Slot &slot = slots[static_cast<std::size_t>(step.outputs[o])];
            slot.tensor = std::move(r.outputs[o]);
            slot.mask = o < r.masks.size() ? std::move(r.masks[o]) : Mask();
        }
        if (inner.captureAttention)
            result.partAttention[static_cast<std::size_t>(step.part)] = std::move(r.attention);
    }
    for (const Output &output : m_plan.outputs) {
        const Slot &slot = slots.at(static_cast<std::size_t>(output.value));
        if (!slot.tensor)
            throw ShapeError(ErrorWhere::ofLayer(name(), {}) + ": the call did not give what the "
                + m_plan.recipe + " needs to make its output (an optional input is missing)");
        result.outputs.push_back(*slot.tensor);
        std::optional<Tensor> mask;
        if (output.mask.value >= 0)
            mask = lookup(slots, output.mask);
        result.masks.push_back(mask ? std::move(*mask) : Mask());
    }
    return result;
}

std::int64_t RecipeLayer::parameterCount() const
{
    std::int64_t count = 0;
    for (const auto &layer : m_sublayers)
        count += layer->parameterCount();
    return count;
}

} // namespace attnlens
