#include "core/layers/time_distributed.h"

#include "core/errors.h"
#include "core/layers/call_options_binder.h"
#include "core/layers/layer_util.h"
#include "core/layers/registry.h"

namespace attnlens {

namespace {

/// The wrapped layer's LayerConfig: its own class and config, every weight of the wrapper.
LayerConfig wrappedConfig(const LayerConfig &outer)
{
    const nlohmann::json &c = outer.config;
    const nlohmann::json entry
        = c.is_object() ? c.value("layer", nlohmann::json()) : nlohmann::json();
    if (!entry.is_object() || !entry.contains("class_name") || !entry["class_name"].is_string()
        || !entry.contains("config") || !entry["config"].is_object())
        throw InputFileError(layerWhere(outer)
            + ": config 'layer' is not a {class_name, config} object. The model file is damaged.");
    LayerConfig inner = outer;
    inner.className = entry["class_name"].get<std::string>();
    inner.config = entry["config"];
    inner.name = inner.config.value("name", outer.name + "_layer");
    inner.registeredName.clear();
    if (entry.contains("registered_name") && entry["registered_name"].is_string())
        inner.registeredName = entry["registered_name"].get<std::string>();
    inner.module.clear();
    if (entry.contains("module") && entry["module"].is_string())
        inner.module = entry["module"].get<std::string>();
    return inner;
}

} // namespace

std::unique_ptr<Layer> TimeDistributed::fromKeras(const LayerConfig &config)
{
    std::unique_ptr<Layer> inner = makeLayer(wrappedConfig(config));
    if (inner->attention() || !inner->attentionParts().empty() || !inner->featureWeights().empty())
        throw UnsupportedModelError(layerWhere(config) + " wraps '" + inner->name()
            + "', which computes attention or feature weights: AttnLens does not run such a "
              "layer once per time step yet.");
    return std::make_unique<TimeDistributed>(config.name, std::move(inner));
}

TimeDistributed::TimeDistributed(std::string name, std::unique_ptr<Layer> inner)
    : Layer(std::move(name))
    , m_inner(std::move(inner))
{
    const std::vector<std::string> signature = m_inner->callSignature();
    m_innerParameter = signature.empty() ? "inputs" : signature.front();
    m_innerOptions = bindCallOptions(*m_inner, nlohmann::json::object());
}

CallResult TimeDistributed::call(const CallArgs &args, const CallContext &context) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "TimeDistributed");
    const Tensor &x = args.one("inputs");
    if (x.rank() < 3)
        throw ShapeError(where + " takes inputs of at least 3 axes (batch, time, ...); got "
            + shapeToString(x.shape()) + ".");
    const std::int64_t batch = x.shape()[0];
    const std::int64_t steps = x.shape()[1];
    Shape stepShape = {batch * steps};
    stepShape.insert(stepShape.end(), x.shape().begin() + 2, x.shape().end());
    CallArgs inner;
    inner.tensors[m_innerParameter] = {x.reshaped(stepShape)};
    inner.masks[m_innerParameter] = {Mask()};
    inner.options = m_innerOptions;
    CallContext innerContext = context;
    innerContext.captureAttention = false;
    innerContext.scoresDestination = nullptr;
    CallResult stepped = m_inner->call(inner, innerContext);
    if (stepped.outputs.size() != 1)
        throw ShapeError(where + ": the wrapped layer '" + m_inner->name() + "' gives "
            + std::to_string(stepped.outputs.size())
            + " outputs per step; TimeDistributed stacks one.");
    const Shape &out = stepped.outputs.front().shape();
    if (out.empty() || out.front() != batch * steps)
        throw ShapeError(where + ": the wrapped layer '" + m_inner->name() + "' turned "
            + shapeToString(stepShape) + " into " + shapeToString(out)
            + ", which does not keep one row per step.");
    Shape shape = {batch, steps};
    shape.insert(shape.end(), out.begin() + 1, out.end());
    CallResult result;
    result.outputs.push_back(stepped.outputs.front().reshaped(shape));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
