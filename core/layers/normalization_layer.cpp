#include "core/layers/normalization_layer.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/errors.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

namespace {

/// A JSON number or (nested, rectangular) list of numbers as a tensor.
Tensor jsonToTensor(const nlohmann::json &value, const ErrorWhere &where)
{
    Shape shape;
    const nlohmann::json *level = &value;
    while (level->is_array()) {
        shape.push_back(static_cast<std::int64_t>(level->size()));
        if (level->empty() || shape.size() > 16)
            break;
        level = &(*level)[0];
    }
    std::vector<float> values;
    const std::int64_t expected = shapeSize(shape);
    values.reserve(static_cast<std::size_t>(std::min<std::int64_t>(expected, 1 << 20)));
    std::function<void(const nlohmann::json &, std::size_t)> walk
        = [&](const nlohmann::json &v, std::size_t depth) {
              if (depth == shape.size()) {
                  if (!v.is_number())
                      throw InputFileError(where + " holds a non-numeric value " + v.dump());
                  values.push_back(v.get<float>());
                  return;
              }
              if (!v.is_array() || static_cast<std::int64_t>(v.size()) != shape[depth])
                  throw InputFileError(where + " is not a rectangular list of numbers.");
              for (const auto &item : v)
                  walk(item, depth + 1);
          };
    walk(value, 0);
    return Tensor(shape, std::move(values));
}

} // namespace

std::unique_ptr<Layer> NormalizationLayer::fromKeras(const LayerConfig &config)
{
    const ErrorWhere where = layerWhere(config);
    std::vector<std::int64_t> axes;
    const nlohmann::json axis = config.config.value("axis", nlohmann::json(-1));
    if (!axis.is_null())
        axes = axis.is_number_integer() ? std::vector<std::int64_t> {axis.get<std::int64_t>()}
                                        : configIntList(config, "axis");
    const nlohmann::json mean = config.config.value("mean", nlohmann::json());
    const nlohmann::json variance = config.config.value("variance", nlohmann::json());
    Tensor m;
    Tensor v;
    if (!mean.is_null() && !variance.is_null()) {
        requireWeightCount(config, {0});
        m = jsonToTensor(mean, where + ": config 'mean'");
        v = jsonToTensor(variance, where + ": config 'variance'");
        if (m.shape() != v.shape())
            throw InputFileError(where + ": config 'mean' " + shapeToString(m.shape())
                + " and 'variance' " + shapeToString(v.shape()) + " differ in shape.");
    } else {
        requireWeightCount(config, {2, 3});
        m = config.weights[0];
        requireWeightShape(config, 1, m.shape(), "variance");
        v = config.weights[1];
    }
    if (m.rank() > static_cast<int>(axes.size()))
        throw InputFileError(where + ": mean of shape " + shapeToString(m.shape())
            + " has more axes than the layer keeps (" + std::to_string(axes.size()) + ").");
    return std::make_unique<NormalizationLayer>(
        config.name, std::move(axes), m, v, configBool(config, "invert", false));
}

NormalizationLayer::NormalizationLayer(
    std::string name, std::vector<std::int64_t> axes, Tensor mean, Tensor variance, bool invert)
    : Layer(std::move(name))
    , m_axes(std::move(axes))
    , m_mean(std::move(mean))
    , m_denominator(std::move(variance))
    , m_invert(invert)
{
    constexpr float epsilon = 1e-7f; // keras.backend.epsilon()
    for (float &d : m_denominator.values())
        d = std::max(std::sqrt(d), epsilon);
}

CallResult NormalizationLayer::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "Normalization");
    const int rank = x.rank();
    std::vector<int> keep;
    for (const std::int64_t a : m_axes)
        keep.push_back(normalizeAxis(a, rank, where));
    std::sort(keep.begin(), keep.end());
    // Align the mean's axes with the kept axes, right to left (Keras).
    Shape expanded(static_cast<std::size_t>(rank), 1);
    const int mr = m_mean.rank();
    if (mr > static_cast<int>(keep.size()))
        throw ShapeError(where + ": input of shape " + shapeToString(x.shape())
            + " does not fit a mean of shape " + shapeToString(m_mean.shape()) + ".");
    for (int i = 1; i <= mr; ++i)
        expanded[static_cast<std::size_t>(keep[keep.size() - static_cast<std::size_t>(i)])]
            = m_mean.shape()[static_cast<std::size_t>(mr - i)];
    const Tensor mean = m_mean.reshaped(expanded);
    const Tensor denominator = m_denominator.reshaped(expanded);
    Tensor y;
    if (m_invert) {
        y = broadcastBinary(
            x, denominator, [](float a, float d) { return a * d; }, where);
        y = broadcastBinary(
            y, mean, [](float a, float m) { return m + a; }, where);
    } else {
        y = broadcastBinary(
            x, mean, [](float a, float m) { return a - m; }, where);
        y = broadcastBinary(
            y, denominator, [](float a, float d) { return a / d; }, where);
    }
    if (y.shape() != x.shape())
        throw ShapeError(where + ": input of shape " + shapeToString(x.shape())
            + " does not fit a mean of shape " + shapeToString(m_mean.shape()) + ".");
    CallResult result;
    result.outputs.push_back(std::move(y));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
