#include "core/layer_factory.h"

#include <functional>
#include <map>

#include "core/errors.h"
#include "core/layers/dense.h"
#include "core/layers/interpretable_multi_head_attention.h"
#include "core/layers/multi_head_attention.h"

namespace attnlens {

namespace {

using Factory = std::unique_ptr<Layer> (*)(const LayerConfig &);
using Table = std::map<std::string, Factory, std::less<>>;

const Table &table()
{
    static const Table rows = {
        // --- core, attention, normalization, merge and reshaping layers (layers engineer) ---
        {"Dense", &Dense::fromKeras}, {"MultiHeadAttention", &MultiHeadAttention::fromKeras},
        {"InterpretableMultiHeadAttention", &InterpretableMultiHeadAttention::fromKeras},

        // --- sequence, embedding, pooling and operator layers (sequence engineer) ---
    };
    return rows;
}

std::string supportedList()
{
    std::string list;
    for (const auto &row : table()) {
        if (!list.empty())
            list += ", ";
        list += row.first;
    }
    return list;
}

} // namespace

bool isKnownLayerClass(std::string_view className)
{
    return table().find(className) != table().end();
}

std::vector<std::string> knownLayerClasses()
{
    std::vector<std::string> names;
    for (const auto &row : table())
        names.push_back(row.first);
    return names;
}

std::unique_ptr<Layer> makeLayer(const LayerConfig &config)
{
    const std::string where = "layer '" + config.name + "' (class " + config.className + ")"
        + (config.file.empty() ? std::string() : " in " + config.file);
    if (config.className == "Lambda")
        throw UnsupportedModelError(where
            + " is a Lambda layer: it contains Python code, which AttnLens never executes. "
              "Replace it with built-in Keras layers and save the model again.");
    const auto it = table().find(config.className);
    if (it == table().end())
        throw UnsupportedModelError(where + " cannot be run by AttnLens: the class '"
            + config.className + "' is not supported. Supported layer classes: " + supportedList()
            + ".");
    return it->second(config);
}

} // namespace attnlens
