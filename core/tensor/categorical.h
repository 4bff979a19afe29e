#pragma once

#include <cstdint>
#include <string>

#include "core/tensor/tensor.h"

namespace attnlens {

/// How integer categories become rows (Keras's numerical_utils.encode_categorical_inputs, used by
/// CategoryEncoding, StringLookup and IntegerLookup).
enum class CategoryOutput
{
    OneHot,   ///< a row of `depth` per value; a last axis of 1 is replaced by it
    MultiHot, ///< one row per sample: 1 at every value its last axis holds
    Count     ///< one row per sample: how often each value occurs in its last axis
};

/// The encoded shape of ids of shape `ids` (batch axis first, -1 allowed): Keras's
/// compute_output_shape. Throws ShapeError naming `where` for MultiHot / Count of anything but
/// (N, cells): Keras would fold a rank-1 batch into one row.
Shape categoricalShape(
    const Shape &ids, CategoryOutput output, std::int64_t depth, const std::string &where);

/// Encodes `ids` (integral values). A value outside [0, depth) adds nothing, as Keras's one_hot
/// gives a zero row for it; lookups mark dropped terms (a mask token) with -1 so.
Tensor encodeCategorical(
    const Tensor &ids, CategoryOutput output, std::int64_t depth, const std::string &where);

} // namespace attnlens
