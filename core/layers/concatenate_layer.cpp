#include "core/layers/concatenate_layer.h"

#include <algorithm>

#include "core/errors.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

std::unique_ptr<Layer> ConcatenateLayer::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    return std::make_unique<ConcatenateLayer>(config.name, configInt(config, "axis", -1, -64, 64));
}

ConcatenateLayer::ConcatenateLayer(std::string name, std::int64_t axis)
    : Layer(std::move(name))
    , m_axis(axis)
{
}

namespace {

Tensor concatenate(const std::vector<Tensor> &parts, int axis, const ErrorWhere &where)
{
    Shape shape = parts[0].shape();
    std::int64_t total = 0;
    for (const Tensor &t : parts) {
        Shape a = t.shape();
        Shape b = shape;
        if (a.size() != b.size())
            throw ShapeError(where + ": inputs " + shapeToString(shape) + " and "
                + shapeToString(t.shape()) + " have different ranks.");
        a[static_cast<std::size_t>(axis)] = 0;
        b[static_cast<std::size_t>(axis)] = 0;
        if (a != b)
            throw ShapeError(where + ": inputs " + shapeToString(shape) + " and "
                + shapeToString(t.shape()) + " differ on an axis other than " + std::to_string(axis)
                + ".");
        total += t.shape()[static_cast<std::size_t>(axis)];
    }
    shape[static_cast<std::size_t>(axis)] = total;
    Tensor out(shape);
    std::int64_t outer = 1;
    for (int i = 0; i < axis; ++i)
        outer *= shape[static_cast<std::size_t>(i)];
    const std::int64_t outRow = outer == 0 ? 0 : out.size() / outer;
    std::int64_t offset = 0;
    for (const Tensor &t : parts) {
        const std::int64_t row = outer == 0 ? 0 : t.size() / outer;
        for (std::int64_t o = 0; o < outer; ++o)
            std::copy_n(t.data() + o * row, row, out.data() + o * outRow + offset);
        offset += row;
    }
    return out;
}

} // namespace

/// Joining along the last axis keeps every other axis's positions.
PositionRule ConcatenateLayer::positions() const
{
    return m_axis == -1 ? PositionRule::positionwise() : PositionRule::none();
}

CallResult ConcatenateLayer::call(const CallArgs &args, const CallContext &) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "Concatenate");
    const std::vector<Tensor> &inputs = args.all("inputs");
    if (inputs.empty())
        throw ShapeError(where + " got no inputs.");
    const int axis = normalizeAxis(m_axis, inputs[0].rank(), where);
    CallResult result;
    result.outputs.push_back(concatenate(inputs, axis, where));
    bool anyMask = false;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        anyMask = anyMask || !args.maskOf("inputs", i).empty();
    Mask mask;
    if (anyMask) {
        std::vector<Tensor> full;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const Mask &m = args.maskOf("inputs", i);
            full.push_back(m.empty() ? Tensor(inputs[i].shape(), 1.0f)
                                     : broadcastTo(expandDims(m, -1), inputs[i].shape(), where));
        }
        const Tensor joined = concatenate(full, axis, where);
        Shape shape(joined.shape().begin(), joined.shape().end() - 1);
        mask = Tensor(shape, 1.0f);
        const std::int64_t width = joined.shape().back();
        for (std::int64_t r = 0; r < mask.size(); ++r)
            for (std::int64_t c = 0; c < width; ++c)
                if (joined.data()[r * width + c] == 0.0f)
                    mask.data()[r] = 0.0f;
    }
    result.masks.push_back(std::move(mask));
    return result;
}

} // namespace attnlens
