#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/layers/layer_config.h"
#include "core/tensor/tensor.h"

namespace attnlens {

/// A tensor written by a NumPy reference script as {"shape": [...], "values": [...]}.
inline Tensor tensorOf(const nlohmann::json &j)
{
    return Tensor(j["shape"].get<Shape>(), j["values"].get<std::vector<float>>());
}

/// The config of one layer under test, as a Keras file of `version` would give it.
inline LayerConfig configOf(const std::string &className, nlohmann::json config,
    std::vector<Tensor> weights, const std::string &version = "3.15.1")
{
    LayerConfig c;
    c.name = config.value("name", std::string("layer"));
    c.className = className;
    c.config = std::move(config);
    c.weights = std::move(weights);
    c.kerasVersion = version;
    return c;
}

} // namespace attnlens
