#include "core/layers/einsum_dense.h"

#include <algorithm>

#include "core/errors.h"
#include "core/layers/layer_util.h"
#include "core/tensor/ops.h"

namespace attnlens {

namespace {

/// "...bc" -> ".bc": one character stands for the ellipsis.
std::string compactEllipsis(std::string term)
{
    const auto at = term.find("...");
    if (at != std::string::npos)
        term.replace(at, 3, ".");
    return term;
}

bool has(const std::string &s, char c)
{
    return s.find(c) != std::string::npos;
}

} // namespace

std::unique_ptr<Layer> EinsumDense::fromKeras(const LayerConfig &config)
{
    const ErrorWhere where = layerWhere(config);
    const std::string equation = config.config.value("equation", std::string());
    const auto comma = equation.find(',');
    const auto arrow = equation.find("->");
    if (comma == std::string::npos || arrow == std::string::npos || arrow < comma)
        throw InputFileError(where + ": equation '" + equation
            + "' is not of the form '<input>,<kernel>-><output>'.");
    const std::string input = compactEllipsis(equation.substr(0, comma));
    const std::string kernel = equation.substr(comma + 1, arrow - comma - 1);
    const std::string output = compactEllipsis(equation.substr(arrow + 2));
    auto valid = [](const std::string &s, bool dots) {
        return std::all_of(s.begin(), s.end(), [&](char c) {
            return (c >= 'a' && c <= 'z') || (dots && c == '.');
        }) && std::count(s.begin(), s.end(), '.') <= 1;
    };
    if (!valid(input, true) || !valid(kernel, false) || !valid(output, true)
        || has(input, '.') != has(output, '.'))
        throw UnsupportedModelError(where + ": equation '" + equation
            + "' is not supported (letters a-z, '...' on input and output only).");
    for (const char c : input + kernel + output) {
        if (c == '.')
            continue;
        const int n = int(has(input, c)) + int(has(kernel, c)) + int(has(output, c));
        if (n == 3 || n == 1 || (has(output, c) && n != 2))
            throw UnsupportedModelError(where + ": equation '" + equation + "' uses the axis '"
                + std::string(1, c) + "' in a way AttnLens does not support.");
    }
    const bool useBias = config.config.contains("bias_axes")
        && config.config["bias_axes"].is_string()
        && !config.config["bias_axes"].get<std::string>().empty();
    requireWeightCount(config, {useBias ? 2u : 1u});
    const Tensor &k = config.weights[0];
    if (k.rank() != static_cast<int>(kernel.size()))
        requireWeightShape(config, 0, Shape(kernel.size(), -1), "kernel");
    Tensor bias;
    if (useBias) {
        const std::string axes = config.config["bias_axes"].get<std::string>();
        std::size_t first = output.size();
        for (const char c : axes) {
            if (!has(output, c) || !has(kernel, c))
                throw UnsupportedModelError(where + ": bias axis '" + std::string(1, c)
                    + "' is not a kernel axis of the output.");
            first = std::min(first, output.find(c));
        }
        Shape shape;
        for (std::size_t i = first; i < output.size(); ++i)
            shape.push_back(has(axes, output[i]) ? k.shape()[kernel.find(output[i])] : 1);
        if (config.weights[1].size() != shapeSize(shape))
            requireWeightShape(config, 1, shape, "bias");
        bias = config.weights[1].reshaped(shape);
    }
    auto activation = ActivationFunction::fromKeras(
        config.config.value("activation", nlohmann::json("linear")), config.kerasVersion, where);
    return std::make_unique<EinsumDense>(
        config.name, input, kernel, output, k, std::move(bias), activation);
}

EinsumDense::EinsumDense(std::string name, std::string input, std::string kernelSpec,
    std::string output, Tensor kernel, Tensor bias, ActivationFunction activation)
    : Layer(std::move(name))
    , m_input(std::move(input))
    , m_kernelSpec(std::move(kernelSpec))
    , m_output(std::move(output))
    , m_kernel(std::move(kernel))
    , m_bias(std::move(bias))
    , m_activation(activation)
{
}

/// Position-wise when only the last axis is contracted ("abc,cd->abd", "...b,bc->...c").
PositionRule EinsumDense::positions() const
{
    const bool lastAxisOnly = !m_input.empty() && m_input.size() == m_output.size()
        && m_input.compare(0, m_input.size() - 1, m_output, 0, m_output.size() - 1) == 0;
    return lastAxisOnly ? PositionRule::positionwise() : PositionRule::none();
}

CallResult EinsumDense::call(const CallArgs &args, const CallContext &) const
{
    const Tensor &x = args.one("inputs");
    const ErrorWhere where = ErrorWhere::ofLayer(name(), "EinsumDense");
    // Expand the ellipsis into distinct placeholder characters.
    const int named = static_cast<int>(m_input.size()) - (has(m_input, '.') ? 1 : 0);
    const int extra = x.rank() - named;
    if (extra < 0 || (!has(m_input, '.') && extra != 0))
        throw ShapeError(where + ": input of shape " + shapeToString(x.shape())
            + " does not fit the equation's input '" + m_input + "'.");
    std::string dots;
    for (int i = 0; i < extra; ++i)
        dots += static_cast<char>('A' + i);
    auto expand = [&](std::string s) {
        const auto at = s.find('.');
        if (at != std::string::npos)
            s.replace(at, 1, dots);
        return s;
    };
    const std::string in = expand(m_input);
    const std::string out = expand(m_output);
    auto dimOf = [&](char c) {
        return has(in, c) ? x.shape()[in.find(c)] : m_kernel.shape()[m_kernelSpec.find(c)];
    };
    std::string freeIn;
    std::string contracted;
    std::string freeKernel;
    for (const char c : in)
        (has(m_kernelSpec, c) ? contracted : freeIn) += c;
    for (const char c : m_kernelSpec)
        if (!has(in, c))
            freeKernel += c;
    for (const char c : contracted)
        if (x.shape()[in.find(c)] != m_kernel.shape()[m_kernelSpec.find(c)])
            throw ShapeError(where + ": input of shape " + shapeToString(x.shape())
                + " does not fit the kernel of shape " + shapeToString(m_kernel.shape())
                + " on axis '" + std::string(1, c) + "'.");
    std::vector<int> xPerm;
    for (const char c : freeIn + contracted)
        xPerm.push_back(static_cast<int>(in.find(c)));
    std::vector<int> kPerm;
    for (const char c : contracted + freeKernel)
        kPerm.push_back(static_cast<int>(m_kernelSpec.find(c)));
    const Tensor xp = permuteAxes(x, xPerm);
    const Tensor kp = permuteAxes(m_kernel, kPerm);
    std::int64_t p = 1, c = 1, q = 1;
    for (const char ch : freeIn)
        p *= dimOf(ch);
    for (const char ch : contracted)
        c *= dimOf(ch);
    for (const char ch : freeKernel)
        q *= dimOf(ch);
    Shape productShape;
    for (const char ch : freeIn + freeKernel)
        productShape.push_back(dimOf(ch));
    Tensor product(productShape);
    Eigen::Map<RowMatrix>(product.data(), p, q).noalias()
        = ConstMatrixMap(xp.data(), p, c) * ConstMatrixMap(kp.data(), c, q);
    const std::string productSpec = freeIn + freeKernel;
    std::vector<int> outPerm;
    for (const char ch : out)
        outPerm.push_back(static_cast<int>(productSpec.find(ch)));
    Tensor y = permuteAxes(product, outPerm);
    if (!m_bias.empty())
        y = broadcastBinary(
            y, m_bias, [](float a, float b) { return a + b; }, where);
    m_activation.apply(y);
    CallResult result;
    result.outputs.push_back(std::move(y));
    result.masks.push_back(args.maskOf("inputs"));
    return result;
}

} // namespace attnlens
