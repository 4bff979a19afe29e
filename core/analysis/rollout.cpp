#include "core/analysis/rollout.h"

#include <Eigen/Core>

#include "core/errors.h"

namespace attnlens {

namespace {

using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// 0.5 * mean over heads + 0.5 I, rows renormalised.
MatrixD residualMap(const float *scores, int heads, std::int64_t t)
{
    MatrixD a = MatrixD::Zero(t, t);
    for (int h = 0; h < heads; ++h)
        a += Eigen::Map<
            const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            scores + h * t * t, t, t)
                 .cast<double>();
    a *= 0.5 / static_cast<double>(heads);
    a.diagonal().array() += 0.5;
    const Eigen::VectorXd rows = a.rowwise().sum();
    for (std::int64_t q = 0; q < t; ++q)
        a.row(q) /= rows(q);
    return a;
}

} // namespace

std::string Rollout::refusal(const std::vector<AttentionLayerInfo> &calls)
{
    if (calls.empty())
        return "the model has no attention call";
    const std::int64_t t = calls.front().queryLength;
    for (const AttentionLayerInfo &call : calls) {
        if (!call.selfAttention)
            return "attention call '" + call.key
                + "' is cross-attention (its query and key are different tensors), so the calls"
                  " do not chain";
        if (call.queryLength != call.keyLength || call.queryLength < 1)
            return "attention call '" + call.key + "' maps " + std::to_string(call.queryLength)
                + " queries onto " + std::to_string(call.keyLength)
                + " keys, so the calls do not chain";
        if (call.queryLength != t)
            return "attention call '" + call.key + "' runs over " + std::to_string(call.queryLength)
                + " positions and '" + calls.front().key + "' over " + std::to_string(t)
                + ", so the calls do not chain";
    }
    return {};
}

Rollout::Rollout(const std::vector<AttentionLayerInfo> &calls)
{
    const std::string why = refusal(calls);
    if (!why.empty())
        throw ShapeError("No rollout: " + why + ".");
    m_length = calls.front().queryLength;
    for (const AttentionLayerInfo &call : calls)
        m_heads.push_back(call.heads);
}

std::vector<double> Rollout::ofSample(const std::vector<const float *> &maps) const
{
    if (maps.size() != m_heads.size())
        throw ShapeError("rollout: " + std::to_string(maps.size()) + " attention maps given for "
            + std::to_string(m_heads.size()) + " calls.");
    MatrixD r = residualMap(maps[0], m_heads[0], m_length);
    for (std::size_t i = 1; i < maps.size(); ++i)
        r = residualMap(maps[i], m_heads[i], m_length) * r;
    return std::vector<double>(r.data(), r.data() + r.size());
}

} // namespace attnlens
