#include "core/layers/permute_layer.h"

#include <algorithm>

#include "core/errors.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

std::unique_ptr<Layer> PermuteLayer::fromKeras(const LayerConfig &config)
{
    requireWeightCount(config, {0});
    const std::vector<std::int64_t> dims = configIntList(config, "dims");
    std::vector<int> perm = {0};
    for (const std::int64_t d : dims)
        perm.push_back(static_cast<int>(std::clamp<std::int64_t>(d, -1, 1000)));
    std::vector<int> sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i)
        if (sorted[i] != static_cast<int>(i))
            throw InputFileError(layerWhere(config) + ": dims " + shapeToString(dims)
                + " is not a permutation of 1.." + std::to_string(dims.size()) + ".");
    return std::make_unique<PermuteLayer>(config.name, std::move(perm));
}

PermuteLayer::PermuteLayer(std::string name, std::vector<int> perm)
    : Layer(std::move(name))
    , m_perm(std::move(perm))
{
}

CallResult PermuteLayer::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    if (x.rank() != static_cast<int>(m_perm.size()))
        throw ShapeError(ErrorWhere::ofLayer(name(), "Permute") + " expects inputs of rank "
            + std::to_string(m_perm.size()) + " but got shape " + shapeToString(x.shape()) + ".");
    CallResult result;
    result.outputs.push_back(permuteAxes(x, m_perm));
    result.masks.emplace_back();
    return result;
}

} // namespace attnlens
