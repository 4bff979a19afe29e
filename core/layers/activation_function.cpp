#include "core/layers/activation_function.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <Eigen/Core>
#include <omp.h>

#if defined(__AVX2__) && defined(__GLIBC__)                                                        \
    && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#include <immintrin.h>
// glibc's libmvec (linked by cmake/CMakeLists.txt): erff on 8 floats, within 1 ulp of erff.
extern "C" __m256 _ZGVdN8v_erff(__m256);
#define ATTNLENS_VECTOR_ERF 1
#endif

#include "core/errors.h"
#include "core/layers/activation_layer.h"
#include "core/layers/layer_util.h"
#include "core/layers/registry.h"
#include "core/layers/relu_layer.h"
#include "core/tensor/ops.h"

namespace attnlens {

namespace {

using Kind = ActivationFunction::Kind;

const std::map<std::string, Kind> &kindsByName()
{
    static const std::map<std::string, Kind> kinds = {
        {"linear", Kind::Linear},
        {"relu", Kind::Relu},
        {"relu6", Kind::Relu6},
        {"sigmoid", Kind::Sigmoid},
        {"hard_sigmoid", Kind::HardSigmoid},
        {"tanh", Kind::Tanh},
        {"softmax", Kind::Softmax},
        {"log_softmax", Kind::LogSoftmax},
        {"softplus", Kind::Softplus},
        {"softsign", Kind::Softsign},
        {"elu", Kind::Elu},
        {"selu", Kind::Selu},
        {"gelu", Kind::Gelu},
        {"silu", Kind::Silu},
        {"swish", Kind::Silu},
        {"exponential", Kind::Exponential},
        {"mish", Kind::Mish},
        {"leaky_relu", Kind::LeakyRelu},
        {"hard_silu", Kind::HardSilu},
        {"hard_swish", Kind::HardSilu},
    };
    return kinds;
}

std::string supportedNames()
{
    std::string s;
    for (const auto &[name, kind] : kindsByName())
        s += (s.empty() ? "" : ", ") + name;
    return s;
}

float softplus(float x)
{
    // log(1 + exp(x)) without overflow
    return x > 0.0f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

float sigmoid(float x)
{
    return 1.0f / (1.0f + std::exp(-x));
}

float hardSigmoid(float x)
{
    return std::clamp(x + 3.0f, 0.0f, 6.0f) / 6.0f;
}

/// 0.5 x (1 + erf(x / sqrt(2))) in place: 8 at a time with libmvec's erff when available
/// (about 18x faster than std::erf; 9 in 10 results bit-identical, the others 1 ulp of erf).
void geluErf(float *data, std::int64_t n)
{
    constexpr float invSqrt2 = 0.70710678118654752440f;
    std::int64_t i = 0;
#ifdef ATTNLENS_VECTOR_ERF
    const __m256 c = _mm256_set1_ps(invSqrt2);
    const __m256 half = _mm256_set1_ps(0.5f);
    const __m256 one = _mm256_set1_ps(1.0f);
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(data + i);
        const __m256 e = _ZGVdN8v_erff(_mm256_mul_ps(x, c));
        _mm256_storeu_ps(data + i, _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(one, e)));
    }
#endif
    for (; i < n; ++i)
        data[i] = 0.5f * data[i] * (1.0f + std::erf(data[i] * invSqrt2));
}

/// An activation given as a layer object ({"class_name": "LeakyReLU", "config": {...}}): the
/// registry builds the layer, which says which function it is. nullopt for a class that is not
/// registered and for a ReLU with max_value, negative_slope or threshold (no plain function).
std::optional<ActivationFunction> layerAsFunction(const std::string &className,
    const nlohmann::json &config, const std::string &kerasVersion, const std::string &where)
{
    if (!config.is_object() || !isKnownLayerClass(className))
        return std::nullopt;
    LayerConfig layer;
    layer.name = "activation";
    layer.className = className;
    layer.config = config;
    layer.kerasVersion = kerasVersion;
    std::unique_ptr<Layer> built;
    try {
        built = makeLayer(layer);
    } catch (const Error &e) {
        throw UnsupportedModelError(where + ": its activation, a " + className
            + " layer object, cannot be used: " + e.what());
    }
    if (const auto *activation = dynamic_cast<const ActivationLayer *>(built.get()))
        return activation->function();
    if (const auto *relu = dynamic_cast<const ReluLayer *>(built.get()))
        return relu->asFunction();
    return std::nullopt;
}

} // namespace

std::string ActivationFunction::name() const
{
    if (m_kind == Kind::GeluTanh)
        return "gelu_approximate";
    const Kind kind = m_kind == Kind::HardSigmoidKeras2 ? Kind::HardSigmoid : m_kind;
    // The table is sorted by name, so of two aliases the first ("silu", "hard_silu") is found.
    for (const auto &[name, entry] : kindsByName())
        if (entry == kind)
            return name;
    return "linear"; // unreachable: every other kind has a name in the table
}

ActivationFunction ActivationFunction::of(Kind kind, float alpha)
{
    ActivationFunction f;
    f.m_kind = kind;
    f.m_alpha = alpha;
    if (kind == Kind::LeakyRelu && alpha == 0.0f)
        f.m_alpha = 0.2f;
    if (kind == Kind::Elu && alpha == 0.0f)
        f.m_alpha = 1.0f;
    return f;
}

ActivationFunction ActivationFunction::fromKeras(
    const nlohmann::json &activation, const std::string &kerasVersion, const ErrorWhere &where)
{
    if (activation.is_null())
        return of(Kind::Linear);
    std::string name;
    if (activation.is_string()) {
        name = activation.get<std::string>();
    } else if (activation.is_object() && activation.contains("class_name")
        && activation["class_name"].is_string()) {
        // A serialized function ({"class_name": "function", "config": "gelu"}) or a layer object.
        const std::string className = activation["class_name"].get<std::string>();
        const nlohmann::json config = activation.value("config", nlohmann::json::object());
        if (config.is_string())
            name = config.get<std::string>();
        else if (const auto function = layerAsFunction(className, config, kerasVersion, where))
            return *function;
        else
            name = className;
    } else {
        throw UnsupportedModelError(where + ": the activation " + activation.dump()
            + " is not a Keras activation AttnLens knows. Supported: " + supportedNames() + ".");
    }
    // Python module paths ("keras.activations.relu") and Keras 2 registered names.
    if (const auto dot = name.rfind('.'); dot != std::string::npos)
        name = name.substr(dot + 1);
    if (name == "gelu_approximate")
        return of(Kind::GeluTanh);
    const auto it = kindsByName().find(name);
    if (it == kindsByName().end())
        throw UnsupportedModelError(where + ": the activation '" + name
            + "' is not supported by AttnLens (custom activations are Python code, which is "
              "never executed). Supported: "
            + supportedNames() + ".");
    if (it->second == Kind::HardSigmoid && isKeras2(kerasVersion))
        return of(Kind::HardSigmoidKeras2);
    return of(it->second);
}

void ActivationFunction::apply(Tensor &t) const
{
    const std::int64_t cols = t.shape().empty() ? 1 : t.shape().back();
    apply(t.data(), cols == 0 ? 0 : t.size() / cols, cols);
}

void ActivationFunction::apply(float *data, std::int64_t rows, std::int64_t cols) const
{
    // Large tensors in slices over the threads (not when already inside a parallel region:
    // batches run one slice of samples per thread, see Model::run).
    constexpr std::int64_t kSlice = std::int64_t(1) << 15;
    const std::int64_t n = rows * cols;
    if (m_kind != Kind::Linear && cols > 0 && n >= 2 * kSlice && !omp_in_parallel()
        && omp_get_max_threads() > 1) {
        const std::int64_t sliceRows = std::max<std::int64_t>(1, kSlice / cols);
        const std::int64_t slices = (rows + sliceRows - 1) / sliceRows;
#pragma omp parallel for schedule(dynamic)
        for (std::int64_t s = 0; s < slices; ++s) {
            const std::int64_t begin = s * sliceRows;
            applySerial(data + begin * cols, std::min(sliceRows, rows - begin), cols);
        }
        return;
    }
    applySerial(data, rows, cols);
}

void ActivationFunction::applySerial(float *data, std::int64_t rows, std::int64_t cols) const
{
    const std::int64_t n = rows * cols;
    Eigen::Map<Eigen::ArrayXf> a(data, n);
    constexpr float selu_alpha = 1.6732632423543772848170429916717f;
    constexpr float selu_scale = 1.0507009873554804934193349852946f;
    const float alpha = m_alpha;
    switch (m_kind) {
    case Kind::Linear:
        return;
    case Kind::Relu:
        a = a.max(0.0f);
        return;
    case Kind::Relu6:
        a = a.max(0.0f).min(6.0f);
        return;
    case Kind::Sigmoid:
        a = a.unaryExpr([](float x) { return sigmoid(x); });
        return;
    case Kind::HardSigmoid:
        a = a.unaryExpr([](float x) { return hardSigmoid(x); });
        return;
    case Kind::HardSigmoidKeras2:
        a = (a * 0.2f + 0.5f).max(0.0f).min(1.0f);
        return;
    case Kind::Tanh:
        a = a.tanh();
        return;
    case Kind::Softmax:
        softmaxRows(data, rows, cols);
        return;
    case Kind::LogSoftmax:
        logSoftmaxRows(data, rows, cols);
        return;
    case Kind::Softplus:
        a = a.unaryExpr([](float x) { return softplus(x); });
        return;
    case Kind::Softsign:
        a = a / (a.abs() + 1.0f);
        return;
    case Kind::Elu:
        a = a.unaryExpr([alpha](float x) { return x > 0.0f ? x : alpha * std::expm1(x); });
        return;
    case Kind::Selu:
        a = a.unaryExpr(
            [=](float x) { return selu_scale * (x > 0.0f ? x : selu_alpha * std::expm1(x)); });
        return;
    case Kind::Gelu:
        geluErf(data, n);
        return;
    case Kind::GeluTanh:
        a = a.unaryExpr([](float x) {
            constexpr float c = 0.7978845608028654f; // sqrt(2 / pi)
            return 0.5f * x * (1.0f + std::tanh(c * (x + 0.044715f * x * x * x)));
        });
        return;
    case Kind::Silu:
        a = a.unaryExpr([](float x) { return x * sigmoid(x); });
        return;
    case Kind::Exponential:
        a = a.exp();
        return;
    case Kind::Mish:
        a = a.unaryExpr([](float x) { return x * std::tanh(softplus(x)); });
        return;
    case Kind::LeakyRelu:
        a = a.unaryExpr([alpha](float x) { return x >= 0.0f ? x : alpha * x; });
        return;
    case Kind::HardSilu:
        a = a.unaryExpr([](float x) { return x * hardSigmoid(x); });
        return;
    }
}

} // namespace attnlens
