#include "core/tensor/categorical.h"

#include <cmath>

#include "core/errors.h"

namespace attnlens {

Shape categoricalShape(
    const Shape &ids, CategoryOutput output, std::int64_t depth, const std::string &where)
{
    Shape out = ids;
    if (output == CategoryOutput::OneHot) {
        if (out.size() > 1 && out.back() == 1)
            out.back() = depth;
        else
            out.push_back(depth);
        return out;
    }
    if (ids.size() != 2)
        throw ShapeError(where + " encodes each sample's values into one row, so its input must "
            + "be (None, values), not " + shapeToString(ids));
    out.back() = depth;
    return out;
}

Tensor encodeCategorical(
    const Tensor &ids, CategoryOutput output, std::int64_t depth, const std::string &where)
{
    Tensor out(categoricalShape(ids.shape(), output, depth, where));
    const std::int64_t cells = output == CategoryOutput::OneHot ? 1 : ids.shape().back();
    const std::int64_t rows = cells > 0 ? ids.size() / cells : 0;
    float *data = out.data();
    for (std::int64_t r = 0; r < rows; ++r) {
        float *row = data + r * depth;
        for (std::int64_t c = 0; c < cells; ++c) {
            const float v = ids.data()[r * cells + c];
            if (!(v >= 0.0f) || v >= static_cast<float>(depth))
                continue;
            const auto index = static_cast<std::int64_t>(std::trunc(v));
            if (output == CategoryOutput::Count)
                row[index] += 1.0f;
            else
                row[index] = 1.0f;
        }
    }
    return out;
}

} // namespace attnlens
