#include "core/layers/call_options_binder.h"

namespace attnlens {

std::shared_ptr<const CallOptions> bindCallOptions(
    const Layer &layer, const nlohmann::json &constants)
{
    const auto *binder = dynamic_cast<const CallOptionsBinder *>(&layer);
    if (binder == nullptr)
        return nullptr;
    return binder->bindCallOptions(constants.is_object() ? constants : nlohmann::json::object());
}

} // namespace attnlens
