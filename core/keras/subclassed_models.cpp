#include "core/keras/subclassed_models.h"

#include <array>
#include <string_view>

#include "core/keras/base_feed_forward_model.h"

namespace attnlens {

namespace {

using Translate = FunctionalTranslation (*)(
    const nlohmann::json &config, const std::string &origin, const std::string &source);

struct ModelRow
{
    std::string_view registeredName;
    Translate translate;
};

/// One row per registered name (KerasFactory's older package `kmr` saved the same class).
constexpr std::array kModels {
    ModelRow {"kerasfactory>BaseFeedForwardModel", &baseFeedForwardAsFunctional},
    ModelRow {"kmr>BaseFeedForwardModel", &baseFeedForwardAsFunctional},
};

std::string text(const nlohmann::json &root, const char *key)
{
    const auto it = root.find(key);
    return it != root.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

std::optional<FunctionalTranslation> translateSubclassedModel(
    const nlohmann::json &root, const std::string &source)
{
    if (!root.is_object())
        return std::nullopt;
    // `.keras` and to_json() write registered_name beside a bare class_name; tf-keras wrote
    // the package into class_name itself.
    std::string name = text(root, "registered_name");
    if (name.empty())
        name = text(root, "class_name");
    for (const ModelRow &row : kModels) {
        if (name != row.registeredName)
            continue;
        const auto config = root.find("config");
        const nlohmann::json empty = nlohmann::json::object();
        return row.translate(config != root.end() ? *config : empty, name, source);
    }
    return std::nullopt;
}

} // namespace attnlens
