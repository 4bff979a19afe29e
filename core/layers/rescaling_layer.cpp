#include "core/layers/rescaling_layer.h"

#include "core/errors.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

namespace {

Tensor numbers(const LayerConfig &config, const char *key, float fallback)
{
    const nlohmann::json v = config.config.value(key, nlohmann::json());
    if (v.is_null())
        return Tensor(Shape {}, fallback);
    if (v.is_number())
        return Tensor(Shape {}, v.get<float>());
    if (v.is_array() && v.size() <= (1u << 20)) {
        std::vector<float> values;
        for (const auto &item : v) {
            if (!item.is_number())
                break;
            values.push_back(item.get<float>());
        }
        if (values.size() == v.size())
            return Tensor(Shape {static_cast<std::int64_t>(values.size())}, std::move(values));
    }
    throw InputFileError(
        layerWhere(config) + ": config '" + key + "' must be a number or a list of numbers.");
}

} // namespace

std::unique_ptr<Layer> RescalingLayer::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    return std::make_unique<RescalingLayer>(
        config.name, numbers(config, "scale", 1.0f), numbers(config, "offset", 0.0f));
}

RescalingLayer::RescalingLayer(std::string name, Tensor scale, Tensor offset)
    : Layer(std::move(name))
    , m_scale(std::move(scale))
    , m_offset(std::move(offset))
{
}

CallResult RescalingLayer::call(const CallArgs &args, const CallContext &) const
{
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "Rescaling");
    Tensor y = broadcastBinary(
        args.one("inputs"), m_scale, [](float a, float s) { return a * s; }, where);
    y = broadcastBinary(
        y, m_offset, [](float a, float o) { return a + o; }, where);
    CallResult result;
    result.outputs.push_back(std::move(y));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
