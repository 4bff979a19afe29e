#include "core/layers/get_item.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "core/errors.h"
#include "core/layers/layer_util.h"

namespace attnlens {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxKeyItems = 64;
/// Slice steps beyond this select at most one element anyway; clamping keeps -step and the
/// length arithmetic of numpy_kernels.cpp free of overflow.
constexpr std::int64_t kMaxStep = std::int64_t(1) << 62;

std::string excerpt(const json &j)
{
    return j.dump().substr(0, 100);
}

std::string className(const json &j)
{
    const auto it = j.find("class_name");
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t toInt64(const json &v)
{
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        return u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
            ? std::numeric_limits<std::int64_t>::max()
            : static_cast<std::int64_t>(u);
    }
    return v.get<std::int64_t>();
}

[[noreturn]] void refuseTensorIndex(const ErrorWhere &where, const json &key)
{
    throw UnsupportedModelError(where + ": the index " + excerpt(key)
        + " uses a tensor or an array as an index (advanced indexing). AttnLens supports "
          "constant integers, slices, '...' and None only, as in x[:, -1, :]. Use a Keras "
          "layer for this step and save the model again.");
}

bool isTensorObject(const json &j)
{
    const std::string c = className(j);
    return c == "__keras_tensor__" || c == "__tensor__" || c == "__numpy__";
}

/// A slice bound or step: an integer or None.
std::optional<std::int64_t> sliceValue(
    const json &v, const char *what, const ErrorWhere &where, const json &key)
{
    if (v.is_null())
        return std::nullopt;
    if (v.is_object() && isTensorObject(v))
        refuseTensorIndex(where, key);
    if (!v.is_number_integer())
        throw InputFileError(where + ": the slice " + what + " " + excerpt(v) + " in the index "
            + excerpt(key) + " is not an integer or None. The model file is damaged.");
    return toInt64(v);
}

IndexItem sliceItem(const json &bounds, const ErrorWhere &where, const json &key)
{
    if (!bounds.is_object())
        throw InputFileError(where + ": a slice in the index " + excerpt(key)
            + " has no start/stop/step config. The model file is damaged.");
    auto field = [&](const char *name) {
        const auto it = bounds.find(name);
        return it == bounds.end() ? std::optional<std::int64_t>()
                                  : sliceValue(*it, name, where, key);
    };
    IndexItem item;
    item.kind = IndexItem::Kind::Slice;
    item.start = field("start");
    item.stop = field("stop");
    const std::optional<std::int64_t> step = field("step");
    if (step && *step == 0)
        throw InputFileError(where + ": a slice in the index " + excerpt(key)
            + " has step 0, which Python refuses. The model file is damaged.");
    item.step = step ? std::clamp(*step, -kMaxStep, kMaxStep) : 1;
    return item;
}

IndexItem parseItem(const json &j, const ErrorWhere &where, const json &key)
{
    IndexItem item;
    if (j.is_null()) {
        item.kind = IndexItem::Kind::NewAxis;
        return item;
    }
    if (j.is_boolean())
        throw UnsupportedModelError(where + ": the index " + excerpt(key)
            + " contains a boolean, which NumPy treats as a mask (advanced indexing); AttnLens "
              "supports constant integers, slices, '...' and None only.");
    if (j.is_number_integer()) {
        item.kind = IndexItem::Kind::Integer;
        item.index = toInt64(j);
        return item;
    }
    if (j.is_array())
        refuseTensorIndex(where, key);
    if (j.is_object()) {
        const std::string c = className(j);
        if (c == "__ellipsis__") {
            item.kind = IndexItem::Kind::Ellipsis;
            return item;
        }
        if (c == "__slice__") // Keras 3 serialization_lib
            return sliceItem(j.contains("config") ? j["config"] : json(), where, key);
        if (isTensorObject(j))
            refuseTensorIndex(where, key);
        if (c.empty() && (j.contains("start") || j.contains("stop") || j.contains("step")))
            return sliceItem(j, where, key); // tf.keras _slice_to_dict
    }
    throw InputFileError(where + ": the index " + excerpt(key) + " contains " + excerpt(j)
        + ", which is not an integer, a slice, '...' or None. The model file is damaged.");
}

bool startsWith(const std::string &s, const char *prefix)
{
    return s.rfind(prefix, 0) == 0;
}

} // namespace

GetItem::GetItem(std::string name, bool keras2)
    : Layer(std::move(name))
    , m_keras2(keras2)
{
}

std::unique_ptr<Layer> GetItem::fromKeras(const LayerConfig &config)
{
    const bool kerasModule = config.module.empty() || startsWith(config.module, "keras.src.ops")
        || startsWith(config.module, "keras.ops");
    if (!kerasModule || (!config.registeredName.empty() && config.registeredName != "GetItem"))
        throw UnsupportedModelError(layerWhere(config) + " is a custom class named GetItem ("
            + (config.registeredName.empty() ? config.module : config.registeredName)
            + "), not Keras's GetItem operation; custom classes contain Python code, which "
              "AttnLens never executes.");
    requireWeightCount(config, {0});
    return std::unique_ptr<Layer>(new GetItem(config.name, false));
}

std::unique_ptr<Layer> GetItem::fromSlicingOpLambda(const LayerConfig &config)
{
    const json &c = config.config;
    if (!c.is_object() || !c.contains("function") || !c["function"].is_string())
        throw InputFileError(layerWhere(config)
            + ": SlicingOpLambda config has no 'function' name. The model file is damaged.");
    std::string function = c["function"].get<std::string>();
    if (startsWith(function, "tf."))
        function.erase(0, 3);
    if (function != "__operators__.getitem")
        throw UnsupportedModelError(layerWhere(config) + " applies the TensorFlow function 'tf."
            + function.substr(0, 80)
            + "', which AttnLens cannot run; of the slicing functions only indexing "
              "(tf.__operators__.getitem, x[:, -1, :]) is supported. Rebuild the model with "
              "Keras layers for this step.");
    requireWeightCount(config, {0});
    return std::unique_ptr<Layer>(new GetItem(config.name, true));
}

std::vector<IndexItem> GetItem::parseKey(const json &key, const ErrorWhere &where)
{
    const json *items = &key;
    if (key.is_object() && className(key) == "__tuple__") { // tf.keras json_utils tuples
        const auto it = key.find("items");
        if (it == key.end() || !it->is_array())
            throw InputFileError(where + ": the index " + excerpt(key)
                + " is a tuple without items. The model file is damaged.");
        items = &*it;
    }
    std::vector<IndexItem> parsed;
    if (!items->is_array()) {
        parsed.push_back(parseItem(*items, where, key));
        return parsed;
    }
    if (items->size() > kMaxKeyItems)
        throw InputFileError(where + ": the index " + excerpt(key) + " has "
            + std::to_string(items->size()) + " items, more than any tensor has axes.");
    for (const json &item : *items)
        parsed.push_back(parseItem(item, where, key));
    return parsed;
}

std::vector<std::string> GetItem::callSignature() const
{
    if (m_keras2)
        return {"tensor", "slice_spec", "var"};
    return {"x", "key"};
}

ErrorWhere GetItem::where() const
{
    return ErrorWhere::ofLayer(name(), m_keras2 ? "SlicingOpLambda" : "GetItem");
}

std::shared_ptr<const CallOptions> GetItem::bindCallOptions(const nlohmann::json &constants) const
{
    auto key = std::make_shared<Key>();
    const auto keyIt = constants.find(keyParameter());
    if (keyIt != constants.end()) {
        key->items = parseKey(*keyIt, where());
        key->text = indexKeyToString(*key->items);
    }
    if (m_keras2) {
        const auto var = constants.find("var");
        key->slicesVariable = var != constants.end() && !var->is_null();
    }
    return key;
}

CallResult GetItem::call(const CallArgs &args, const CallContext &) const
{
    const ErrorWhere where = this->where();
    const std::string tensorParameter = m_keras2 ? "tensor" : "x";
    const std::string keyParameter = this->keyParameter();
    if (args.has(keyParameter))
        throw UnsupportedModelError(where
            + ": the index is a tensor computed by the model; AttnLens supports constant "
              "indices only, as in x[:, -1, :].");
    const Key *bound = args.optionsAs<Key>();
    if (bound == nullptr || !bound->items)
        throw InputFileError(where + ": the call has no index ('" + keyParameter
            + "' argument). The model file is damaged.");
    if (m_keras2 && (args.has("var") || bound->slicesVariable))
        throw UnsupportedModelError(where + ": slicing a variable (var=...) is not supported.");
    const std::vector<IndexItem> &key = *bound->items;
    const Tensor &x = args.one(tensorParameter);
    const std::vector<IndexItem> expanded = expandIndexKey(key, x.rank(), where);
    if (!expanded.empty()) {
        const IndexItem &batch = expanded.front();
        const bool full = batch.kind == IndexItem::Kind::Slice
            && (!batch.start || *batch.start == 0) && !batch.stop && batch.step == 1;
        if (!full)
            throw UnsupportedModelError(where + ": the index " + bound->text
                + " does not keep the batch axis (axis 0) whole: it would select or reorder "
                  "samples, so its result would depend on how AttnLens groups rows into "
                  "batches. Only ':' is supported on the batch axis, as in x[:, -1, :].");
    }
    CallResult result;
    result.outputs.push_back(getItem(x, key, where));
    return result;
}

} // namespace attnlens
