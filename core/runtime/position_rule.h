#pragma once

#include <cstdint>
#include <string>

namespace attnlens {

/// How a layer's output positions relate to its input's, so that the axes of an attention map
/// can be labelled with what they stand for (time steps, tokens, feature columns). Each layer
/// answers from its own parsed settings (Layer::positions()); the axis tracer walks the graph
/// and asks them.
struct PositionRule
{
    enum class Kind
    {
        None,          ///< moves, mixes or drops positions (the default)
        Elementwise,   ///< every axis, the last included, keeps its positions (ReLU, Add)
        Positionwise,  ///< every axis but the last keeps its positions (Dense, LSTM sequences)
        Tokens,        ///< reads integer ids, one output vector per id (Embedding)
        SplitsColumns, ///< (N, F) -> (N, F, k): F feature columns become F positions (Reshape)
    };
    Kind kind = Kind::None;
    /// The call parameter whose positions the output keeps; empty = the first one.
    std::string follows;
    /// Which tensor of that parameter, when it is a list ([query, value]); -1 = any of them.
    int followsIndex = -1;
    /// SplitsColumns: F, the number of positions the columns are split into.
    std::int64_t columns = 0;

    static PositionRule none() { return {}; }
    static PositionRule elementwise() { return {Kind::Elementwise, {}, -1, 0}; }
    static PositionRule positionwise(std::string follows = {}, int followsIndex = -1)
    {
        return {Kind::Positionwise, std::move(follows), followsIndex, 0};
    }
    static PositionRule tokens() { return {Kind::Tokens, {}, -1, 0}; }
    static PositionRule splitsColumns(std::int64_t columns)
    {
        return {Kind::SplitsColumns, {}, -1, columns};
    }
};

} // namespace attnlens
