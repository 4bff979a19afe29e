#include "core/layers/recurrent_layer.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

RecurrentLayer::RecurrentLayer(std::string name, Options options)
    : Layer(std::move(name))
    , m_options(options)
{
}

RecurrentLayer::Options RecurrentLayer::optionsFromKeras(const LayerConfig &config)
{
    Options o;
    o.units = configInt(config, "units", -1, 1, std::int64_t(1) << 24);
    if (o.units < 0)
        throw InputFileError(
            layerWhere(config) + ": config has no 'units'. The model file is damaged.");
    o.returnSequences = configBool(config, "return_sequences", false);
    o.returnState = configBool(config, "return_state", false);
    o.goBackwards = configBool(config, "go_backwards", false);
    if (configBool(config, "time_major", false))
        throw UnsupportedModelError(layerWhere(config)
            + " uses time_major=True, which AttnLens does not support. Save the model with "
              "time_major=False.");
    return o;
}

RecurrentLayer::Run RecurrentLayer::run(const Tensor &x, const Mask &mask,
    const std::vector<Tensor> &initialStates, bool zeroOutputForMask) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), className());
    if (x.rank() != 3 || x.dim(2) != inputFeatures())
        throw ShapeError(where + ": input of shape " + shapeToString(x.shape())
            + " does not fit; the layer needs (batch, steps, " + std::to_string(inputFeatures())
            + ").");
    const std::int64_t n = x.dim(0);
    const std::int64_t steps = x.dim(1);
    const std::int64_t units = m_options.units;
    if (!mask.empty() && mask.size() != n * steps)
        throw ShapeError(where + ": mask of shape " + shapeToString(mask.shape())
            + " does not fit an input of shape " + shapeToString(x.shape()) + ".");

    std::vector<RowMatrix> states;
    if (initialStates.empty()) {
        states.assign(static_cast<std::size_t>(stateCount()), RowMatrix::Zero(n, units));
    } else {
        if (static_cast<int>(initialStates.size()) != stateCount())
            throw ShapeError(where + ": " + std::to_string(initialStates.size())
                + " initial states given, the layer needs " + std::to_string(stateCount()) + ".");
        for (const Tensor &s : initialStates) {
            if (s.shape() != Shape {n, units})
                throw ShapeError(where + ": initial state of shape " + shapeToString(s.shape())
                    + " does not fit; it needs (" + std::to_string(n) + ", " + std::to_string(units)
                    + ").");
            states.push_back(s.matrix());
        }
    }

    const RowMatrix projected = projectInputs(x.matrix()); // (N*T, gates), row = b*T + t
    const Eigen::Index gates = projected.cols();
    Run result;
    result.output = m_options.returnSequences ? Tensor({n, steps, units}) : Tensor({n, units});
    RowMatrix previousOutput = RowMatrix::Zero(n, units);
    RowMatrix stepInput(n, gates);
    for (std::int64_t s = 0; s < steps; ++s) {
        const std::int64_t t = m_options.goBackwards ? steps - 1 - s : s;
        for (std::int64_t b = 0; b < n; ++b)
            stepInput.row(b) = projected.row(b * steps + t);
        std::vector<RowMatrix> next = states;
        RowMatrix output = step(stepInput, next);
        if (!mask.empty()) {
            for (std::int64_t b = 0; b < n; ++b) {
                if (mask.data()[b * steps + t] != 0.0f)
                    continue;
                for (std::size_t k = 0; k < next.size(); ++k)
                    next[k].row(b) = states[k].row(b);
                if (zeroOutputForMask)
                    output.row(b).setZero();
                else
                    output.row(b) = previousOutput.row(b);
            }
        }
        states = std::move(next);
        if (m_options.returnSequences)
            for (std::int64_t b = 0; b < n; ++b)
                MatrixMap(result.output.data() + (b * steps + s) * units, 1, units) = output.row(b);
        previousOutput = std::move(output);
    }
    if (!m_options.returnSequences)
        result.output.matrix() = previousOutput;
    for (const RowMatrix &s : states) {
        Tensor t({n, units});
        t.matrix() = s;
        result.states.push_back(std::move(t));
    }
    return result;
}

/// One output per step only with return_sequences; otherwise the last state.
PositionRule RecurrentLayer::positions() const
{
    return m_options.returnSequences ? PositionRule::positionwise() : PositionRule::none();
}

CallResult RecurrentLayer::call(const CallArgs &args, const CallContext &) const
{
    const std::string input = args.has("sequences") ? "sequences" : "inputs";
    const Tensor &x = args.one(input);
    // An explicit `mask=` argument wins over the mask carried by the input tensor.
    const Mask &mask = args.has("mask") ? args.one("mask") : args.maskOf(input);
    Run r = run(x, mask, args.all("initial_state"), false);
    CallResult result;
    result.outputs.push_back(std::move(r.output));
    result.masks.push_back(m_options.returnSequences ? mask : Mask());
    if (m_options.returnState)
        for (Tensor &s : r.states) {
            result.outputs.push_back(std::move(s));
            result.masks.emplace_back();
        }
    return result;
}

} // namespace attnlens
