#include "core/layers/bidirectional.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"
#include "core/layers/registry.h"
#include "core/tensor/ops.h"

namespace attnlens {

namespace {

/// The wrapped layer's config as a LayerConfig, with `weightCount` weights from `first`.
LayerConfig wrappedConfig(const LayerConfig &outer, const nlohmann::json &entry, std::size_t first,
    std::size_t weightCount, const std::string &role)
{
    if (!entry.is_object() || !entry.contains("class_name") || !entry["class_name"].is_string()
        || !entry.contains("config") || !entry["config"].is_object())
        throw InputFileError(layerWhere(outer) + ": the " + role
            + " layer config is not a {class_name, config} object. The model file is damaged.");
    LayerConfig inner;
    inner.className = entry["class_name"].get<std::string>();
    inner.config = entry["config"];
    inner.name = inner.config.value("name", outer.name + "_" + role);
    if (entry.contains("registered_name") && entry["registered_name"].is_string())
        inner.registeredName = entry["registered_name"].get<std::string>();
    if (entry.contains("module") && entry["module"].is_string())
        inner.module = entry["module"].get<std::string>();
    inner.kerasVersion = outer.kerasVersion;
    inner.file = outer.file;
    inner.weightsInFile = outer.weightsInFile;
    if (first + weightCount > outer.weights.size() && !outer.weightsInFile)
        throw InputFileError(layerWhere(outer)
            + ": the file has no weights for this layer of the architecture; the weights and the "
              "architecture do not belong to the same model");
    if (first + weightCount > outer.weights.size())
        throw InputFileError(layerWhere(outer) + " has " + std::to_string(outer.weights.size())
            + " weights, fewer than its forward and backward layers need. The weights do not "
              "belong to this architecture; save the model again.");
    for (std::size_t i = first; i < first + weightCount; ++i) {
        inner.weights.push_back(outer.weights[i]);
        if (i < outer.weightNames.size())
            inner.weightNames.push_back(outer.weightNames[i]);
    }
    return inner;
}

/// Weights of a recurrent layer config: kernel, recurrent kernel, and the bias with use_bias.
std::size_t recurrentWeightCount(const nlohmann::json &entry)
{
    const nlohmann::json config
        = entry.is_object() ? entry.value("config", nlohmann::json()) : nlohmann::json();
    const bool useBias = !(config.is_object() && config.contains("use_bias")
        && config["use_bias"].is_boolean() && !config["use_bias"].get<bool>());
    return useBias ? 3 : 2;
}

} // namespace

Bidirectional::Bidirectional(
    std::string name, std::unique_ptr<Layer> forward, std::unique_ptr<Layer> backward, Merge merge)
    : Layer(std::move(name))
    , m_forwardLayer(std::move(forward))
    , m_backwardLayer(std::move(backward))
    , m_merge(merge)
{
    m_forward = dynamic_cast<const RecurrentLayer *>(m_forwardLayer.get());
    m_backward = dynamic_cast<const RecurrentLayer *>(m_backwardLayer.get());
}

std::unique_ptr<Layer> Bidirectional::fromKeras(const LayerConfig &config)
{
    const nlohmann::json &c = config.config;
    if (!c.is_object() || !c.contains("layer"))
        throw InputFileError(
            layerWhere(config) + ": config has no wrapped 'layer'. The model file is damaged.");
    Merge merge = Merge::Concat;
    if (c.contains("merge_mode")) {
        const nlohmann::json &m = c["merge_mode"];
        if (m.is_null())
            merge = Merge::None;
        else if (m == "concat")
            merge = Merge::Concat;
        else if (m == "sum")
            merge = Merge::Sum;
        else if (m == "mul")
            merge = Merge::Mul;
        else if (m == "ave")
            merge = Merge::Ave;
        else
            throw InputFileError(layerWhere(config) + ": merge_mode " + m.dump().substr(0, 40)
                + " is not concat, sum, mul, ave or None. The model file is damaged.");
    }
    const nlohmann::json &forwardEntry = c["layer"];
    nlohmann::json backwardEntry;
    if (c.contains("backward_layer") && !c["backward_layer"].is_null()) {
        backwardEntry = c["backward_layer"];
    } else {
        // Keras rebuilds the backward layer from the forward config with go_backwards flipped.
        backwardEntry = forwardEntry;
        if (backwardEntry.is_object() && backwardEntry.contains("config")
            && backwardEntry["config"].is_object()) {
            nlohmann::json &inner = backwardEntry["config"];
            inner["go_backwards"] = !inner.value("go_backwards", false);
            inner["name"] = "backward_" + inner.value("name", std::string("layer"));
        }
    }
    const std::size_t forwardCount = recurrentWeightCount(forwardEntry);
    const std::size_t backwardCount = recurrentWeightCount(backwardEntry);
    if (config.weights.size() != forwardCount + backwardCount)
        throw InputFileError(layerWhere(config) + " has " + std::to_string(config.weights.size())
            + " weights but its forward and backward layers need "
            + std::to_string(forwardCount + backwardCount)
            + ". The weights do not belong to this architecture; save the model again.");
    std::unique_ptr<Layer> forward
        = makeLayer(wrappedConfig(config, forwardEntry, 0, forwardCount, "forward"));
    std::unique_ptr<Layer> backward
        = makeLayer(wrappedConfig(config, backwardEntry, forwardCount, backwardCount, "backward"));
    std::unique_ptr<Bidirectional> layer(
        new Bidirectional(config.name, std::move(forward), std::move(backward), merge));
    if (!layer->m_forward || !layer->m_backward)
        throw UnsupportedModelError(layerWhere(config)
            + " wraps a layer that is not recurrent; AttnLens runs Bidirectional around LSTM, "
              "GRU and SimpleRNN only.");
    const RecurrentLayer::Options &f = layer->m_forward->options();
    const RecurrentLayer::Options &b = layer->m_backward->options();
    if (f.returnSequences != b.returnSequences || f.returnState != b.returnState
        || f.goBackwards == b.goBackwards)
        throw InputFileError(layerWhere(config)
            + ": the forward and backward layers disagree on return_sequences / return_state, "
              "or both read the sequence in the same direction. The model file is damaged.");
    return layer;
}

std::int64_t Bidirectional::parameterCount() const
{
    return m_forwardLayer->parameterCount() + m_backwardLayer->parameterCount();
}

/// As the wrapped layer: position-wise when it returns sequences.
PositionRule Bidirectional::positions() const
{
    return m_forwardLayer->positions();
}

CallResult Bidirectional::call(const CallArgs &args, const CallContext &) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "Bidirectional");
    const std::string input = args.has("sequences") ? "sequences" : "inputs";
    const Tensor &x = args.one(input);
    const Mask &mask = args.has("mask") ? args.one("mask") : args.maskOf(input);
    const std::vector<Tensor> &initial = args.all("initial_state");
    std::vector<Tensor> forwardInitial;
    std::vector<Tensor> backwardInitial;
    if (!initial.empty()) {
        const std::size_t half = initial.size() / 2;
        forwardInitial.assign(initial.begin(), initial.begin() + static_cast<std::ptrdiff_t>(half));
        backwardInitial.assign(initial.begin() + static_cast<std::ptrdiff_t>(half), initial.end());
    }
    const RecurrentLayer::Options &options = m_forward->options();
    const bool sequences = options.returnSequences;
    RecurrentLayer::Run y = m_forward->run(x, mask, forwardInitial, sequences);
    RecurrentLayer::Run yRev = m_backward->run(x, mask, backwardInitial, sequences);
    if (sequences) {
        // The backward layer emits its steps last-to-first; put them back in input order.
        const std::int64_t n = yRev.output.dim(0);
        const std::int64_t steps = yRev.output.dim(1);
        const std::int64_t units = yRev.output.dim(2);
        Tensor flipped(yRev.output.shape());
        for (std::int64_t b = 0; b < n; ++b)
            for (std::int64_t t = 0; t < steps; ++t)
                std::copy_n(yRev.output.data() + (b * steps + t) * units, units,
                    flipped.data() + (b * steps + steps - 1 - t) * units);
        yRev.output = std::move(flipped);
    }
    CallResult result;
    const Mask outputMask = sequences ? mask : Mask();
    switch (m_merge) {
    case Merge::Concat: {
        const Tensor &a = y.output;
        const Tensor &b = yRev.output;
        Shape shape = a.shape();
        shape.back() = a.shape().back() + b.shape().back();
        Tensor out(shape);
        auto o = out.matrix();
        o.leftCols(a.matrix().cols()) = a.matrix();
        o.rightCols(b.matrix().cols()) = b.matrix();
        result.outputs.push_back(std::move(out));
        break;
    }
    case Merge::Sum:
        result.outputs.push_back(broadcastBinary(
            y.output, yRev.output, [](float a, float b) { return a + b; }, where));
        break;
    case Merge::Mul:
        result.outputs.push_back(broadcastBinary(
            y.output, yRev.output, [](float a, float b) { return a * b; }, where));
        break;
    case Merge::Ave: {
        Tensor sum = broadcastBinary(
            y.output, yRev.output, [](float a, float b) { return a + b; }, where);
        for (float &v : sum.values())
            v *= 0.5f;
        result.outputs.push_back(std::move(sum));
        break;
    }
    case Merge::None:
        result.outputs.push_back(std::move(y.output));
        result.outputs.push_back(std::move(yRev.output));
        result.masks.push_back(outputMask);
        break;
    }
    result.masks.push_back(outputMask);
    if (options.returnState) {
        for (Tensor &s : y.states)
            result.outputs.push_back(std::move(s));
        for (Tensor &s : yRev.states)
            result.outputs.push_back(std::move(s));
        result.masks.resize(result.outputs.size());
    }
    return result;
}

} // namespace attnlens
