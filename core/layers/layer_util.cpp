#include "core/layers/layer_util.h"

#include <cmath>

#include "core/errors.h"

namespace attnlens {

ErrorWhere layerWhere(const LayerConfig &config)
{
    return ErrorWhere::ofLayer(config.name, config.className, config.file);
}

namespace {

const nlohmann::json *findValue(const LayerConfig &config, const std::string &key)
{
    if (!config.config.is_object())
        return nullptr;
    const auto it = config.config.find(key);
    if (it == config.config.end() || it->is_null())
        return nullptr;
    return &*it;
}

[[noreturn]] void badValue(
    const LayerConfig &config, const std::string &key, const std::string &expected)
{
    std::string value = "(missing)";
    if (const nlohmann::json *v = findValue(config, key))
        value = v->dump();
    if (value.size() > 80)
        value = value.substr(0, 80) + "...";
    throw InputFileError(layerWhere(config) + ": config '" + key + "' is " + value + ", expected "
        + expected + ". The model file is damaged or was not written by Keras.");
}

} // namespace

std::int64_t configInt(const LayerConfig &config, const std::string &key, std::int64_t fallback,
    std::int64_t minimum, std::int64_t maximum)
{
    const nlohmann::json *v = findValue(config, key);
    if (!v)
        return fallback;
    std::int64_t value = 0;
    if (v->is_number_integer()) {
        value = v->get<std::int64_t>();
    } else if (v->is_number_float()) {
        const double d = v->get<double>();
        if (d != std::floor(d) || !(std::abs(d) < 9e15))
            badValue(config, key, "an integer");
        value = static_cast<std::int64_t>(d);
    } else {
        badValue(config, key, "an integer");
    }
    if (value < minimum || value > maximum)
        badValue(config, key,
            "an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum));
    return value;
}

double configNumber(const LayerConfig &config, const std::string &key, double fallback)
{
    const nlohmann::json *v = findValue(config, key);
    if (!v)
        return fallback;
    if (!v->is_number())
        badValue(config, key, "a number");
    const double d = v->get<double>();
    if (!std::isfinite(d))
        badValue(config, key, "a finite number");
    return d;
}

nlohmann::json configValue(
    const LayerConfig &config, const std::string &key, const nlohmann::json &fallback)
{
    if (config.config.is_object() && config.config.contains(key))
        return config.config[key];
    return fallback;
}

bool configBool(const LayerConfig &config, const std::string &key, bool fallback)
{
    const nlohmann::json *v = findValue(config, key);
    if (!v)
        return fallback;
    if (!v->is_boolean())
        badValue(config, key, "true or false");
    return v->get<bool>();
}

std::vector<std::int64_t> configIntList(const LayerConfig &config, const std::string &key)
{
    const nlohmann::json *v = findValue(config, key);
    std::vector<std::int64_t> list;
    if (!v)
        return list;
    if (v->is_number_integer())
        return {v->get<std::int64_t>()};
    if (!v->is_array() || v->size() > 64)
        badValue(config, key, "an integer or a list of integers");
    for (const auto &item : *v) {
        if (!item.is_number_integer())
            badValue(config, key, "an integer or a list of integers");
        list.push_back(item.get<std::int64_t>());
    }
    return list;
}

std::int64_t configSingleInt(
    const LayerConfig &config, const std::string &key, std::int64_t fallback, std::int64_t maximum)
{
    const std::vector<std::int64_t> values = configIntList(config, key);
    if (values.empty())
        return fallback;
    if (values.size() != 1 || values[0] < 1 || values[0] > maximum)
        badValue(config, key, "one integer from 1 to " + std::to_string(maximum));
    return values[0];
}

std::string configString(
    const LayerConfig &config, const std::string &key, const std::string &fallback)
{
    const nlohmann::json *v = findValue(config, key);
    if (!v)
        return fallback;
    if (!v->is_string())
        badValue(config, key, "a string");
    return v->get<std::string>();
}

bool channelsFirst(const LayerConfig &config)
{
    const std::string format = configString(config, "data_format", "channels_last");
    if (format != "channels_last" && format != "channels_first")
        badValue(config, "data_format", "'channels_last' or 'channels_first'");
    return format == "channels_first";
}

SequenceDims sequenceDims(const Tensor &x, bool channelsFirst, const ErrorWhere &where)
{
    if (x.rank() != 3)
        throw ShapeError(where + ": input of shape " + shapeToString(x.shape())
            + " is not a sequence (batch, steps, channels); the layer needs rank 3.");
    return {x.dim(0), channelsFirst ? x.dim(2) : x.dim(1), channelsFirst ? x.dim(1) : x.dim(2)};
}

void requireWeightCount(const LayerConfig &config, const std::vector<std::size_t> &counts)
{
    for (const std::size_t n : counts)
        if (config.weights.size() == n)
            return;
    std::string expected;
    for (std::size_t i = 0; i < counts.size(); ++i)
        expected
            += (i == 0 ? "" : (i + 1 == counts.size() ? " or " : ", ")) + std::to_string(counts[i]);
    if (!config.weightsInFile)
        throw InputFileError(layerWhere(config)
            + ": the file has no weights for this layer of the architecture, which needs "
            + expected + "; the weights and the architecture do not belong to the same model");
    throw InputFileError(layerWhere(config) + " has " + std::to_string(config.weights.size())
        + " weights but its config needs " + expected
        + ". The weights do not belong to this architecture; save the model again.");
}

void requireWeightShape(
    const LayerConfig &config, std::size_t index, const Shape &expected, const std::string &what)
{
    if (index >= config.weights.size())
        throw InputFileError(layerWhere(config) + ": the " + what + " weight is missing.");
    const Shape &actual = config.weights[index].shape();
    if (actual == expected)
        return;
    std::string name = what;
    if (index < config.weightNames.size() && !config.weightNames[index].empty())
        name += " ('" + config.weightNames[index] + "')";
    throw InputFileError(layerWhere(config) + ": the " + name + " weight has shape "
        + shapeToString(actual) + " but the layer config needs " + shapeToString(expected)
        + ". The weights do not belong to this architecture; save the model again.");
}

int normalizeAxis(std::int64_t axis, int rank, const ErrorWhere &where)
{
    const std::int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
        throw ShapeError(where + ": axis " + std::to_string(axis)
            + " is out of range for an input of rank " + std::to_string(rank) + ".");
    return static_cast<int>(a);
}

namespace {

bool parseVersion(const std::string &version, int &major, int &minor)
{
    major = 0;
    minor = 0;
    std::size_t i = 0;
    auto number = [&](int &out) {
        const std::size_t start = i;
        while (i < version.size() && version[i] >= '0' && version[i] <= '9' && i - start < 6)
            out = out * 10 + (version[i++] - '0');
        return i > start;
    };
    if (!number(major))
        return false;
    if (i < version.size() && version[i] == '.') {
        ++i;
        number(minor);
    }
    return true;
}

} // namespace

MaskedSoftmaxMode maskedSoftmaxMode(const std::string &kerasVersion)
{
    int major = 0;
    int minor = 0;
    if (!parseVersion(kerasVersion, major, minor) || major > 3)
        return MaskedSoftmaxMode::WhereZero;
    if (major < 3 || minor < 10)
        return MaskedSoftmaxMode::AdditiveKeep;
    if (minor < 13)
        return MaskedSoftmaxMode::AdditiveZero;
    return MaskedSoftmaxMode::WhereZero;
}

bool isKeras2(const std::string &kerasVersion)
{
    int major = 0;
    int minor = 0;
    return parseVersion(kerasVersion, major, minor) && major < 3;
}

bool usesFusedAttention(const std::string &kerasVersion)
{
    int major = 0;
    int minor = 0;
    if (!parseVersion(kerasVersion, major, minor))
        return true;
    return major > 3 || (major == 3 && minor >= 7);
}

} // namespace attnlens
