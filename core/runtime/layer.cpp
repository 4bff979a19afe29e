#include "core/runtime/layer.h"

#include "core/errors.h"

namespace attnlens {

bool CallArgs::has(const std::string &parameter) const
{
    const auto it = tensors.find(parameter);
    return it != tensors.end() && !it->second.empty();
}

const Tensor &CallArgs::one(const std::string &parameter) const
{
    const auto it = tensors.find(parameter);
    if (it == tensors.end() || it->second.empty())
        throw ShapeError("call argument '" + parameter + "' is missing");
    return it->second.front();
}

const Mask &CallArgs::maskOf(const std::string &parameter, std::size_t index) const
{
    static const Mask none;
    const auto it = masks.find(parameter);
    if (it == masks.end() || index >= it->second.size())
        return none;
    return it->second[index];
}

const Mask &CallArgs::callMask(const std::string &parameter, std::size_t index) const
{
    if (const auto it = tensors.find("mask"); it != tensors.end() && index < it->second.size())
        return it->second[index];
    return maskOf(parameter, index);
}

const std::vector<Tensor> &CallArgs::all(const std::string &parameter) const
{
    static const std::vector<Tensor> none;
    const auto it = tensors.find(parameter);
    return it == tensors.end() ? none : it->second;
}

} // namespace attnlens
