#include "core/layers/merge_layer.h"

#include <algorithm>

#include "core/errors.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

std::unique_ptr<Layer> MergeLayer::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    static const std::pair<const char *, Op> ops[]
        = {{"Add", Op::Add}, {"Subtract", Op::Subtract}, {"Multiply", Op::Multiply},
            {"Average", Op::Average}, {"Maximum", Op::Maximum}, {"Minimum", Op::Minimum}};
    for (const auto &[className, op] : ops)
        if (config.className == className)
            return std::make_unique<MergeLayer>(config.name, op);
    throw UnsupportedModelError(layerWhere(config) + " is not a merge layer AttnLens knows.");
}

MergeLayer::MergeLayer(std::string name, Op op)
    : Layer(std::move(name))
    , m_op(op)
{
}

CallResult MergeLayer::call(const CallArgs &args, const CallContext &) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), {});
    const std::vector<Tensor> &inputs = args.all("inputs");
    if (inputs.empty() || (m_op == Op::Subtract && inputs.size() != 2))
        throw ShapeError(where + " needs " + (m_op == Op::Subtract ? "exactly 2" : "at least 1")
            + " inputs but got " + std::to_string(inputs.size()) + ".");
    int rank = 0;
    for (const Tensor &t : inputs)
        rank = std::max(rank, t.rank());
    auto aligned = [&](const Tensor &t) {
        Tensor r = t;
        while (r.rank() < rank)
            r = expandDims(r, 1);
        return r;
    };
    Tensor acc = aligned(inputs[0]);
    for (std::size_t i = 1; i < inputs.size(); ++i) {
        const Tensor next = aligned(inputs[i]);
        switch (m_op) {
        case Op::Add:
        case Op::Average:
            acc = broadcastBinary(
                acc, next, [](float a, float b) { return a + b; }, where);
            break;
        case Op::Subtract:
            acc = broadcastBinary(
                acc, next, [](float a, float b) { return a - b; }, where);
            break;
        case Op::Multiply:
            acc = broadcastBinary(
                acc, next, [](float a, float b) { return a * b; }, where);
            break;
        case Op::Maximum:
            acc = broadcastBinary(
                acc, next, [](float a, float b) { return std::max(a, b); }, where);
            break;
        case Op::Minimum:
            acc = broadcastBinary(
                acc, next, [](float a, float b) { return std::min(a, b); }, where);
            break;
        }
    }
    if (m_op == Op::Average) {
        const float inv = 1.0f / static_cast<float>(inputs.size());
        for (float &v : acc.values())
            v *= inv;
    }
    Mask mask;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const Mask &m = args.maskOf("inputs", i);
        if (m.empty())
            continue;
        mask = mask.empty()
            ? m
            : broadcastBinary(
                mask, m, [](float a, float b) { return (a != 0.0f && b != 0.0f) ? 1.0f : 0.0f; },
                where + " (masks)");
    }
    CallResult result;
    result.outputs.push_back(std::move(acc));
    result.masks.push_back(std::move(mask));
    return result;
}

} // namespace attnlens
