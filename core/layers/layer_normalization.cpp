#include "core/layers/layer_normalization.h"

#include <algorithm>
#include <cmath>

#include <omp.h>

#include "core/errors.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

std::unique_ptr<Layer> LayerNormalization::fromKeras(const LayerConfig &config)
{
    std::vector<std::int64_t> axes = configIntList(config, "axis");
    if (axes.empty())
        axes = {-1};
    const float epsilon = static_cast<float>(configNumber(config, "epsilon", 1e-3));
    const bool rms = configBool(config, "rms_scaling", false);
    const bool scale = configBool(config, "scale", true) || rms;
    const bool center = configBool(config, "center", true) && !rms;
    requireWeightCount(config, {std::size_t(scale) + std::size_t(center)});
    Tensor gamma;
    Tensor beta;
    std::size_t i = 0;
    if (scale)
        gamma = config.weights[i++];
    if (center) {
        beta = config.weights[i];
        if (scale)
            requireWeightShape(config, i, gamma.shape(), "beta");
    }
    const Tensor &any = scale ? gamma : beta;
    if (!any.empty() && any.rank() != static_cast<int>(axes.size()))
        throw InputFileError(layerWhere(config) + ": its weights have shape "
            + shapeToString(any.shape()) + " but it normalizes " + std::to_string(axes.size())
            + " axes. The weights do not belong to this architecture; save the model again.");
    return std::make_unique<LayerNormalization>(
        config.name, std::move(axes), epsilon, rms, std::move(gamma), std::move(beta));
}

LayerNormalization::LayerNormalization(std::string name, std::vector<std::int64_t> axes,
    float epsilon, bool rmsScaling, Tensor gamma, Tensor beta)
    : Layer(std::move(name))
    , m_axes(std::move(axes))
    , m_epsilon(epsilon)
    , m_rmsScaling(rmsScaling)
    , m_gamma(std::move(gamma))
    , m_beta(std::move(beta))
{
}

void LayerNormalization::normalizeRow(
    const float *v, float *out, std::int64_t width, const float *gamma, const float *beta) const
{
    // Sums in double, in four interleaved partial sums so that the loops vectorise.
    double s[4] = {0.0, 0.0, 0.0, 0.0};
    std::int64_t i = 0;
    for (; i + 4 <= width; i += 4)
        for (int k = 0; k < 4; ++k)
            s[k] += v[i + k];
    double sum = (s[0] + s[1]) + (s[2] + s[3]);
    for (; i < width; ++i)
        sum += v[i];
    const double mean = sum / static_cast<double>(width);
    double q[4] = {0.0, 0.0, 0.0, 0.0};
    i = 0;
    for (; i + 4 <= width; i += 4)
        for (int k = 0; k < 4; ++k)
            q[k] += (v[i + k] - mean) * (v[i + k] - mean);
    double sq = (q[0] + q[1]) + (q[2] + q[3]);
    for (; i < width; ++i)
        sq += (v[i] - mean) * (v[i] - mean);
    const float variance = static_cast<float>(sq / static_cast<double>(width));
    const float inv = 1.0f / std::sqrt(variance + m_epsilon);
    const float m = m_rmsScaling ? 0.0f : static_cast<float>(mean);
    if (gamma && beta) {
        for (i = 0; i < width; ++i)
            out[i] = (v[i] - m) * inv * gamma[i] + beta[i];
    } else {
        for (i = 0; i < width; ++i) {
            float o = (v[i] - m) * inv;
            if (gamma)
                o *= gamma[i];
            if (beta)
                o += beta[i];
            out[i] = o;
        }
    }
}

CallResult LayerNormalization::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "LayerNormalization");
    const int rank = x.rank();
    // Move the normalized axes (in config order) to the end.
    std::vector<int> normAxes;
    Shape normShape;
    for (const std::int64_t a : m_axes) {
        const int axis = normalizeAxis(a, rank, where);
        if (std::find(normAxes.begin(), normAxes.end(), axis) == normAxes.end()) {
            normAxes.push_back(axis);
            normShape.push_back(x.shape()[static_cast<std::size_t>(axis)]);
        }
    }
    const Tensor &w = m_gamma.empty() ? m_beta : m_gamma;
    if (!w.empty() && w.shape() != normShape)
        throw ShapeError(where + ": input of shape " + shapeToString(x.shape())
            + " does not fit its weights of shape " + shapeToString(w.shape()) + ".");
    std::vector<int> perm;
    for (int a = 0; a < rank; ++a)
        if (std::find(normAxes.begin(), normAxes.end(), a) == normAxes.end())
            perm.push_back(a);
    perm.insert(perm.end(), normAxes.begin(), normAxes.end());
    bool identity = true;
    for (std::size_t i = 0; i < perm.size(); ++i)
        identity = identity && perm[i] == static_cast<int>(i);
    // Normalized values are written to `y` (the usual last-axis case reads `x` directly).
    const Tensor moved = identity ? Tensor() : permuteAxes(x, perm);
    const Tensor &src = identity ? x : moved;
    Tensor y = Tensor::uninitialized(src.shape());
    const std::int64_t width = shapeSize(normShape);
    const std::int64_t rows = width == 0 ? 0 : y.size() / width;
    const float *gamma = m_gamma.empty() ? nullptr : m_gamma.data();
    const float *beta = m_beta.empty() ? nullptr : m_beta.data();
    const bool parallel = rows * width >= (std::int64_t(1) << 16) && !omp_in_parallel();
#pragma omp parallel for schedule(dynamic, 16) if (parallel)
    for (std::int64_t r = 0; r < rows; ++r)
        normalizeRow(src.data() + r * width, y.data() + r * width, width, gamma, beta);
    if (!identity) {
        std::vector<int> inverse(perm.size());
        for (std::size_t i = 0; i < perm.size(); ++i)
            inverse[static_cast<std::size_t>(perm[i])] = static_cast<int>(i);
        y = permuteAxes(y, inverse);
    }
    CallResult result;
    result.outputs.push_back(std::move(y));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
