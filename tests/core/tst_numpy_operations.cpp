// The Keras 3 operations (keras.src.ops.numpy / nn / math / core) beyond what the fixtures
// masking_pooling and ops_constants cover: Keras's dtype promotion (keras/src/backend/common/
// dtypes.py, checked by hand against its lattice), the dtype of each result, keepdims, axes and
// broadcasting. Expected values were computed with NumPy 1.26 (float32 arrays, the functions
// Keras's numpy backend calls), e.g. np.std(x, axis=2, keepdims=True) for
// x = (arange(24).reshape(2, 3, 4) - 11.5) / 4; the formulas of keras/src/backend/numpy/nn.py
// for the nn functions.
#include <QtTest>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/layers/call_options_binder.h"
#include "core/layers/registry.h"
#include "core/tensor/dtype.h"
#include "tests/core/keras_compare.h"

using namespace attnlens;
using nlohmann::json;

namespace {

/// A Keras 3 operation node as a .keras file describes it (module given), or as a legacy .h5
/// does (no module, no registered_name).
LayerConfig operationConfig(
    const std::string &className, json config, const std::string &module = "keras.src.ops.numpy")
{
    LayerConfig c;
    c.name = "op";
    c.className = className;
    c.module = module;
    c.registeredName = module.empty() ? "" : className;
    c.config = std::move(config);
    c.config["name"] = "op";
    return c;
}

/// Runs one call: `tensors` bound by parameter name, `constants` as the node writes them.
std::vector<Tensor> run(const std::string &className, json config,
    std::map<std::string, Tensor> tensors, const json &constants = json::object(),
    const std::string &module = "keras.src.ops.numpy")
{
    const auto layer = makeLayer(operationConfig(className, std::move(config), module));
    CallArgs args;
    for (auto &[name, t] : tensors)
        args.tensors[name] = {t};
    args.options = bindCallOptions(*layer, constants);
    return layer->call(args, CallContext {}).outputs;
}

Tensor run1(const std::string &className, json config, std::map<std::string, Tensor> tensors,
    const json &constants = json::object())
{
    return run(className, std::move(config), std::move(tensors), constants).at(0);
}

Tensor typedTensor(Shape shape, std::vector<float> values, DType dtype)
{
    Tensor t(std::move(shape), values);
    t.setDType(dtype);
    return t;
}

/// (arange(24).reshape(2, 3, 4) - 11.5) / 4
Tensor sample()
{
    Tensor t({2, 3, 4});
    for (std::int64_t i = 0; i < t.size(); ++i)
        t.data()[i] = (static_cast<float>(i) - 11.5f) / 4.0f;
    return t;
}

Tensor range(Shape shape, float scale = 1.0f, float shift = 0.0f)
{
    Tensor t(std::move(shape));
    for (std::int64_t i = 0; i < t.size(); ++i)
        t.data()[i] = static_cast<float>(i) * scale + shift;
    return t;
}

} // namespace

class TestNumpyOperations : public QObject
{
    Q_OBJECT
private slots:
    void promotesDTypesAsKeras()
    {
        // keras.backend.result_type on the numpy backend (jnp.result_type with x64 off).
        auto r = [](std::vector<OperandType> t) { return resultType(t); };
        QCOMPARE(r({{DType::Int32, false}, {DType::Float32, true}}), DType::Float32);
        QCOMPARE(r({{DType::Int8, false}, {DType::Int32, true}}), DType::Int8);
        QCOMPARE(r({{DType::Bool, false}, {DType::Int32, true}}), DType::Int32);
        QCOMPARE(r({{DType::Bool, false}, {DType::Bool, false}}), DType::Bool);
        QCOMPARE(r({{DType::Int32, false}, {DType::Float16, false}}), DType::Float16);
        QCOMPARE(r({{DType::Float16, false}, {DType::Float32, true}}), DType::Float16);
        QCOMPARE(r({{DType::Int64, false}, {DType::Int32, false}}), DType::Int32);
        QCOMPARE(r({{DType::UInt8, false}, {DType::Int8, false}}), DType::Int16);
        QCOMPARE(
            r({{DType::UInt32, false}, {DType::Int32, false}}), DType::Int32); // int64, narrowed
        QCOMPARE(r({{DType::Float64, false}, {DType::Float32, false}}), DType::Float32);
        QCOMPARE(r({{DType::BFloat16, false}, {DType::Float16, false}}), DType::Float32);
        QCOMPARE(r({{DType::Int32, true}, {DType::Float32, true}}), DType::Float32);
        QCOMPARE(r({}), DType::Float32);
        QCOMPARE(dtypeFromName("int64"), std::optional<DType>(DType::Int64));
        QCOMPARE(dtypeFromName("string"), std::optional<DType>());
        QCOMPARE(std::string(dtypeName(DType::UInt16)), std::string("uint16"));
    }

    void comparisonsAndLogicalOperationsGiveBool()
    {
        const Tensor x({2, 3}, {-1.0f, 0.0f, 0.5f, 0.75f, 2.0f, 0.0f});
        const Tensor g = run1("Greater", {}, {{"x1", x}}, {{"x2", 0.5}});
        QCOMPARE(g.dtype(), DType::Bool);
        QVERIFY(matches(g, {2, 3}, {0, 0, 0, 1, 1, 0}));
        const Tensor ge = run1("GreaterEqual", {}, {{"x1", x}}, {{"x2", 0.5}});
        QVERIFY(matches(ge, {2, 3}, {0, 0, 1, 1, 1, 0}));
        // a row (3,) broadcast against (2, 3)
        const Tensor ne
            = run1("NotEqual", {}, {{"x1", x}, {"x2", Tensor({3}, {-1.0f, 0.0f, 0.0f})}});
        QVERIFY(matches(ne, {2, 3}, {0, 0, 1, 1, 1, 0}));
        const Tensor xor_ = run1("LogicalXor", {}, {{"x1", g}, {"x2", ge}});
        QCOMPARE(xor_.dtype(), DType::Bool);
        QVERIFY(matches(xor_, {2, 3}, {0, 0, 1, 0, 0, 0}));
        const Tensor isnan = run1("Isnan", {}, {{"x", Tensor({2}, {std::nanf(""), 1.0f})}});
        QCOMPARE(isnan.dtype(), DType::Bool);
        QVERIFY(matches(isnan, {2}, {1, 0}));
    }

    void arithmeticFollowsKerasDTypes()
    {
        const Tensor i = typedTensor({3}, {7, -7, 3}, DType::Int32);
        // int / int is float32 (result_type(x1, x2, float)); int // int stays int
        const Tensor div = run1("Divide", {}, {{"x1", i}}, {{"x2", 2}});
        QCOMPARE(div.dtype(), DType::Float32);
        QVERIFY(matches(div, {3}, {3.5f, -3.5f, 1.5f}));
        const Tensor floorDiv = run1("FloorDivide", {}, {{"x1", i}}, {{"x2", 2}});
        QCOMPARE(floorDiv.dtype(), DType::Int32);
        QVERIFY(matches(floorDiv, {3}, {3, -4, 1}));
        // an int tensor plus a Python float is float32, plus a Python int stays int32
        QCOMPARE(run1("Add", {}, {{"x1", i}}, {{"x2", 0.5}}).dtype(), DType::Float32);
        QCOMPARE(run1("Add", {}, {{"x1", i}}, {{"x2", 1}}).dtype(), DType::Int32);
        // bool + bool is a logical or, as NumPy's add on bools
        const Tensor b = typedTensor({3}, {1, 1, 0}, DType::Bool);
        const Tensor bb = run1("Add", {}, {{"x1", b}, {"x2", b}});
        QCOMPARE(bb.dtype(), DType::Bool);
        QVERIFY(matches(bb, {3}, {1, 1, 0}));
        // np.floor_divide and np.mod of float32 [-7, 7, -7.5, 7.5, 0.5, 2.5] by [2, -2, 2, -2, -3,
        // 3]
        const Tensor a({6}, {-7.0f, 7.0f, -7.5f, 7.5f, 0.5f, 2.5f});
        const Tensor d({6}, {2.0f, -2.0f, 2.0f, -2.0f, -3.0f, 3.0f});
        QVERIFY(
            matches(run1("FloorDivide", {}, {{"x1", a}, {"x2", d}}), {6}, {-4, -4, -4, -4, -1, 0}));
        QVERIFY(matches(
            run1("Mod", {}, {{"x1", a}, {"x2", d}}), {6}, {1, -1, 0.5f, -0.5f, -2.5f, 2.5f}));
        // sqrt of an int tensor computes in float32
        const Tensor s = run1("Sqrt", {}, {{"x", typedTensor({2}, {4, 2}, DType::Int32)}});
        QCOMPARE(s.dtype(), DType::Float32);
        QVERIFY(matches(s, {2}, {2.0f, 1.41421354f}));
        // abs keeps int
        QCOMPARE(run1("Absolute", {}, {{"x", i}}).dtype(), DType::Int32);
    }

    void castConvertsValues()
    {
        const Tensor x({4}, {-1.7f, 2.9f, 0.0f, 300.0f});
        const Tensor toInt = run1("Cast", {{"dtype", "int32"}}, {{"x", x}});
        QCOMPARE(toInt.dtype(), DType::Int32);
        QVERIFY(matches(toInt, {4}, {-1, 2, 0, 300}));
        const Tensor toBool = run1("Cast", {{"dtype", "bool"}}, {{"x", x}});
        QCOMPARE(toBool.dtype(), DType::Bool);
        QVERIFY(matches(toBool, {4}, {1, 1, 0, 1}));
        // np.array([300, -1, 255.9]).astype(int64).astype(uint8) = [44, 255, 255]
        QVERIFY(matches(
            run1("Cast", {{"dtype", "uint8"}}, {{"x", Tensor({3}, {300.0f, -1.0f, 255.9f})}}), {3},
            {44, 255, 255}));
        // float16 rounding: [0.1, 1/3, 65519, 1e-8] -> [0.0999755859375, 0.333251953125, 65504, 0]
        const Tensor half = run1("Cast", {{"dtype", "float16"}},
            {{"x", Tensor({4}, {0.1f, 1.0f / 3.0f, 65519.0f, 1e-8f})}});
        QCOMPARE(half.dtype(), DType::Float16);
        QVERIFY(matches(half, {4}, {0.0999755859375f, 0.333251953125f, 65504.0f, 0.0f}, 0.0));
        // cast to a dtype AttnLens does not hold
        QVERIFY_THROWS_EXCEPTION(
            UnsupportedModelError, run1("Cast", {{"dtype", "complex64"}}, {{"x", x}}));
    }

    void whereBroadcastsItsThreeOperands()
    {
        // np.where(cond (1, 3), arange(2).reshape(2, 1), -1.0)
        const Tensor cond = typedTensor({1, 3}, {1, 0, 1}, DType::Bool);
        const Tensor out
            = run1("Where", {}, {{"condition", cond}, {"x1", range({2, 1})}}, {{"x2", -1.0}});
        QCOMPARE(out.dtype(), DType::Float32);
        QVERIFY(matches(out, {2, 3}, {0, -1, 0, 1, -1, 1}));
        // where of two int operands stays int
        const Tensor ints = run1("Where", {},
            {{"condition", cond}, {"x1", typedTensor({3}, {1, 2, 3}, DType::Int32)}}, {{"x2", 0}});
        QCOMPARE(ints.dtype(), DType::Int32);
        // where(condition) alone has a data-dependent size: refused
        QVERIFY_THROWS_EXCEPTION(UnsupportedModelError, run1("Where", {}, {{"condition", cond}}));
    }

    void reductionsWithAxisAndKeepdims()
    {
        const Tensor x = sample();
        const Tensor std = run1("Std", {{"axis", 2}, {"keepdims", true}}, {{"x", x}});
        QVERIFY(matches(std, {2, 3, 1}, std::vector<float>(6, 0.279508501291275f)));
        const Tensor var
            = run1("Var", {{"axis", json::array({0, 1})}, {"keepdims", false}}, {{"x", x}});
        QVERIFY(matches(var, {4}, std::vector<float>(4, 2.9166667461395264f)));
        QVERIFY(matches(run1("Std", {{"axis", nullptr}}, {{"x", x}}), {}, {1.7305467128753662f}));
        QVERIFY(matches(run1("Prod", {{"axis", 1}}, {{"x", x}}), {2, 4},
            {-4.716796875f, -2.666015625f, -1.224609375f, -0.298828125f, 0.298828125f, 1.224609375f,
                2.666015625f, 4.716796875f}));
        QVERIFY(matches(run1("Logsumexp", {{"axis", -1}}, {{"x", x}}), {2, 3},
            {-1.0749835968017578f, -0.074983611702919f, 0.9250163435935974f, 1.9250164031982422f,
                2.925016403198242f, 3.925016403198242f}));
        // any / all over an axis, keepdims: bool results
        const Tensor b = typedTensor({2, 3}, {0, 1, 0, 1, 1, 1}, DType::Bool);
        const Tensor any = run1("Any", {{"axis", 1}, {"keepdims", true}}, {{"x", b}});
        QCOMPARE(any.dtype(), DType::Bool);
        QVERIFY(matches(any, {2, 1}, {1, 1}));
        QVERIFY(matches(run1("All", {{"axis", 1}, {"keepdims", false}}, {{"x", b}}), {2}, {0, 1}));
        QVERIFY(matches(run1("All", {{"axis", nullptr}}, {{"x", b}}), {}, {0}));
        // sum of bool is int32, mean of int is float32, max keeps the dtype
        const Tensor sum = run1("Sum", {{"axis", -1}}, {{"x", b}});
        QCOMPARE(sum.dtype(), DType::Int32);
        QVERIFY(matches(sum, {2}, {1, 3}));
        const Tensor mean = run1(
            "Mean", {{"axis", -1}}, {{"x", typedTensor({2, 2}, {1, 2, 3, 3}, DType::Int32)}});
        QCOMPARE(mean.dtype(), DType::Float32);
        QVERIFY(matches(mean, {2}, {1.5f, 3.0f}));
        QCOMPARE(run1("Max", {{"axis", 0}}, {{"x", b}}).dtype(), DType::Bool);
    }

    void argmaxAndCumulativeSums()
    {
        const Tensor x({2, 3}, {1.0f, 5.0f, 5.0f, 2.0f, std::nanf(""), 9.0f});
        const Tensor am = run1("Argmax", {{"axis", 1}, {"keepdims", false}}, {{"x", x}});
        QCOMPARE(am.dtype(), DType::Int32);
        QVERIFY(matches(am, {2}, {1, 1})); // the first maximum; NaN wins
        QVERIFY(matches(run1("Argmin", {{"axis", nullptr}, {"keepdims", true}}, {{"x", x}}), {1, 1},
            {4})); // NaN is the minimum too
        const Tensor cs = run1("Cumsum", {{"axis", 1}}, {{"x", sample()}});
        QVERIFY(matches(cs, {2, 3, 4},
            {-2.875f, -2.625f, -2.375f, -2.125f, -4.75f, -4.25f, -3.75f, -3.25f, -5.625f, -4.875f,
                -4.125f, -3.375f, 0.125f, 0.375f, 0.625f, 0.875f, 1.25f, 1.75f, 2.25f, 2.75f,
                3.375f, 4.125f, 4.875f, 5.625f}));
        const Tensor cb = run1(
            "Cumsum", {{"axis", nullptr}}, {{"x", typedTensor({2, 2}, {1, 0, 1, 1}, DType::Bool)}});
        QCOMPARE(cb.dtype(), DType::Int32);
        QVERIFY(matches(cb, {4}, {1, 1, 2, 3}));
        QVERIFY(matches(run1("Cumprod", {{"axis", -1}},
                            {{"x", Tensor({4}, {-2.875f, -2.625f, -2.375f, -2.125f})}}),
            {4}, {-2.875f, 7.546875f, -17.923828125f, 38.088134765625f}));
    }

    void shapeOperations()
    {
        const Tensor p = range({2, 3});
        QVERIFY(matches(run1("Tile", {{"repeats", json::array({2, 1, 2})}}, {{"x", p}}), {2, 2, 6},
            {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}));
        QVERIFY(
            matches(run1("Repeat", {{"repeats", json::array({1, 0, 2})}, {"axis", 1}}, {{"x", p}}),
                {2, 3}, {0, 2, 2, 3, 5, 5}));
        const json width = json::array({json::array({0, 0}), json::array({2, 3})});
        QVERIFY(matches(run1("Pad", {{"pad_width", width}, {"mode", "reflect"}}, {{"x", p}}),
            {2, 8}, {2, 1, 0, 1, 2, 1, 0, 1, 5, 4, 3, 4, 5, 4, 3, 4}));
        QVERIFY(matches(run1("Pad", {{"pad_width", width}, {"mode", "symmetric"}}, {{"x", p}}),
            {2, 8}, {1, 0, 0, 1, 2, 2, 1, 0, 4, 3, 3, 4, 5, 5, 4, 3}));
        QVERIFY(matches(run1("Pad", {{"pad_width", width}, {"mode", "edge"}}, {{"x", p}}), {2, 8},
            {0, 0, 0, 1, 2, 2, 2, 2, 3, 3, 3, 4, 5, 5, 5, 5}));
        QVERIFY(matches(run1("Pad", {{"pad_width", width}, {"mode", "wrap"}}, {{"x", p}}), {2, 8},
            {1, 2, 0, 1, 2, 0, 1, 2, 4, 5, 3, 4, 5, 3, 4, 5}));
        QVERIFY(matches(run1("Pad",
                            {{"pad_width", json::array({json::array({0, 0}), json::array({1, 1})})},
                                {"mode", "constant"}},
                            {{"x", p}}, {{"constant_values", 9}}),
            {2, 5}, {9, 0, 1, 2, 9, 9, 3, 4, 5, 9}));
        const std::vector<Tensor> parts
            = run("Split", {{"indices_or_sections", json::array({1})}, {"axis", 1}}, {{"x", p}});
        QCOMPARE(parts.size(), std::size_t(2));
        QVERIFY(matches(parts[0], {2, 1}, {0, 3}));
        QVERIFY(matches(parts[1], {2, 2}, {1, 2, 4, 5}));
        QVERIFY_THROWS_EXCEPTION(UnsupportedModelError,
            run("Split", {{"indices_or_sections", 2}, {"axis", 0}}, {{"x", p}}));
        QVERIFY(matches(
            run1("Roll", {{"shift", 1}, {"axis", 1}}, {{"x", p}}), {2, 3}, {2, 0, 1, 5, 3, 4}));
        QVERIFY(matches(run1("Flip", {{"axis", -1}}, {{"x", p}}), {2, 3}, {2, 1, 0, 5, 4, 3}));
        QVERIFY(matches(
            run1("Moveaxis", {{"source", 0}, {"destination", -1}}, {{"x", range({2, 3, 4})}}),
            {3, 4, 2},
            {0, 12, 1, 13, 2, 14, 3, 15, 4, 16, 5, 17, 6, 18, 7, 19, 8, 20, 9, 21, 10, 22, 11,
                23}));
        QVERIFY(matches(run1("Triu", {{"k", 1}}, {{"x", range({3, 3}, 1.0f, 1.0f)}}), {3, 3},
            {0, 2, 3, 0, 0, 6, 0, 0, 0}));
        QVERIFY(matches(run1("BroadcastTo", {{"shape", json::array({2, 2, 3})}},
                            {{"x", Tensor({3}, {1, 2, 3})}}),
            {2, 2, 3}, {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}));
        // bool stays bool through a shape operation
        const Tensor b = typedTensor({2, 1}, {1, 0}, DType::Bool);
        QCOMPARE(run1("Tile", {{"repeats", json::array({1, 3})}}, {{"x", b}}).dtype(), DType::Bool);
        QCOMPARE(run1("ExpandDims", {{"axis", -1}}, {{"x", b}}).dtype(), DType::Bool);
        QCOMPARE(run1("Transpose", {{"axes", nullptr}}, {{"x", b}}).dtype(), DType::Bool);
    }

    void takeAndTakeAlongAxis()
    {
        // np.take(arange(12).reshape(2, 6), [[5, -1], [0, 2]], axis=1)
        const Tensor idx = typedTensor({2, 2}, {5, -1, 0, 2}, DType::Int32);
        QVERIFY(matches(run1("Take", {{"axis", 1}}, {{"x", range({2, 6})}, {"indices", idx}}),
            {2, 2, 2}, {5, 5, 0, 2, 11, 11, 6, 8}));
        QVERIFY_THROWS_EXCEPTION(ShapeError,
            run1("Take", {{"axis", 1}},
                {{"x", range({2, 6})}, {"indices", typedTensor({1}, {6}, DType::Int32)}}));
        // np.take_along_axis(arange(12).reshape(2, 3, 2), [[[2], [0]], [[1], [1]]], axis=1)
        const Tensor along = typedTensor({2, 2, 1}, {2, 0, 1, 1}, DType::Int32);
        QVERIFY(matches(
            run1("TakeAlongAxis", {{"axis", 1}}, {{"x", range({2, 3, 2})}, {"indices", along}}),
            {2, 2, 2}, {4, 5, 0, 1, 8, 9, 8, 9}));
    }

    void productsAndEinsum()
    {
        const Tensor a = range({2, 2, 3}, 1.0f / 3.0f);
        const Tensor b = range({2, 3, 3}, 0.2f, -1.0f);
        const std::vector<float> bmm = {4.470348358154297e-08f, 0.19999998807907104f,
            0.40000003576278687f, -1.1999999284744263f, -0.3999999761581421f, 0.3999999761581421f,
            10.200000762939453f, 11.59999942779541f, 13.0f, 14.399999618530273f,
            16.399999618530273f, 18.399999618530273f};
        QVERIFY(matches(run1("Einsum", {{"subscripts", "bij,bjk->bik"}},
                            {{"operands_0", a}, {"operands_1", b}}),
            {2, 2, 3}, bmm, 2e-6));
        QVERIFY(matches(run1("Einsum", {{"subscripts", "ii->i"}},
                            {{"operands_0", b.sample(0).reshaped({3, 3})}}),
            {3}, {-1.0f, -0.19999998807907104f, 0.6000000238418579f}, 2e-6));
        const Tensor v({3}, {1.0f, -2.0f, 0.5f});
        const std::vector<float> av
            = {-0.3333333432674408f, -0.833333432674408f, -1.333333134651184f, -1.833333134651184f};
        QVERIFY(matches(
            run1("Einsum", {{"subscripts", "...i,i->..."}}, {{"operands_0", a}, {"operands_1", v}}),
            {2, 2}, av, 2e-6));
        QVERIFY(matches(run1("Einsum", {{"subscripts", "ij,jk"}},
                            {{"operands_0", a.sample(0).reshaped({2, 3})},
                                {"operands_1", b.sample(0).reshaped({3, 3})}}),
            {2, 3}, std::vector<float>(bmm.begin(), bmm.begin() + 6), 2e-6));
        QVERIFY(matches(run1("Dot", {}, {{"x1", a}, {"x2", v}}), {2, 2}, av, 2e-6));
        const Tensor td = run1("Tensordot",
            {{"axes", json::array({json::array({2}), json::array({1})})}}, {{"x1", a}, {"x2", b}});
        QCOMPARE(td.shape(), Shape({2, 2, 2, 3}));
        QVERIFY(std::abs(td.data()[3] - 1.8000000715255737f) < 2e-6f);
        QVERIFY(std::abs(td.data()[23] - 18.399999618530273f) < 2e-5f);
    }

    void nnFunctionsAndOneHot()
    {
        const Tensor x({3}, {-1.5f, 0.3f, 2.0f});
        QVERIFY(matches(run1("Gelu", {{"approximate", false}}, {{"x", x}}), {3},
            {-0.10021080076694489f, 0.1853734254837036f, 1.9544997215270996f}));
        QVERIFY(matches(run1("Gelu", {{"approximate", true}}, {{"x", x}}), {3},
            {-0.10042842301976707f, 0.18537092354275922f, 1.954597694087775f}));
        QVERIFY(
            matches(run1("Relu6", {}, {{"x", Tensor({3}, {-1.0f, 3.0f, 7.0f})}}), {3}, {0, 3, 6}));
        QVERIFY(matches(
            run1("LeakyRelu", {{"negative_slope", 0.1}}, {{"x", x}}), {3}, {-0.15f, 0.3f, 2.0f}));
        QVERIFY(
            matches(run1("Silu", {}, {{"x", Tensor({1}, {1.0f})}}), {1}, {0.7310585975646973f}));
        QVERIFY(
            matches(run1("Erf", {}, {{"x", Tensor({5}, {-1.5f, -0.2f, 0.0f, 0.3f, 2.0f})}}), {5},
                {-0.9661051630973816f, -0.22270259261131287f, 0.0f, 0.32862675189971924f,
                    0.9953222870826721f}));
        const Tensor inv = run1(
            "Erfinv", {}, {{"x", Tensor({2}, {-0.9661051630973816f, 0.32862675189971924f})}});
        QVERIFY(matches(inv, {2}, {-1.5f, 0.3f}, 1e-5));
        // np.round, half to even; decimals in float32 as NumPy
        QVERIFY(matches(
            run1("Round", {}, {{"x", Tensor({6}, {0.5f, 1.5f, 2.5f, -0.5f, 1.25f, 2.675f})}}), {6},
            {0, 2, 2, 0, 1, 3}, 0.0));
        QVERIFY(matches(
            run1("Round", {{"decimals", 1}}, {{"x", Tensor({4}, {0.25f, 0.35f, 1.25f, -2.45f})}}),
            {4}, {0.2f, 0.4f, 1.2f, -2.4f}));
        QVERIFY(matches(run1("LogSoftmax", {{"axis", 1}}, {{"x", sample()}}), {2, 3, 4},
            {-2.4076061248779297f, -2.4076061248779297f, -2.4076061248779297f, -2.4076061248779297f,
                -1.4076060056686401f, -1.4076060056686401f, -1.4076060056686401f,
                -1.4076060056686401f, -0.40760600566864014f, -0.40760600566864014f,
                -0.40760600566864014f, -0.40760600566864014f, -2.4076061248779297f,
                -2.4076061248779297f, -2.4076061248779297f, -2.4076061248779297f,
                -1.4076060056686401f, -1.4076060056686401f, -1.4076060056686401f,
                -1.4076060056686401f, -0.40760600566864014f, -0.40760600566864014f,
                -0.40760600566864014f, -0.40760600566864014f},
            2e-6));
        // one_hot([[1, 3]], 4, axis=1): (1, 4, 2); a negative id gives zeros
        const Tensor ids = typedTensor({1, 2}, {1, 3}, DType::Int32);
        const Tensor oh = run1("OneHot",
            {{"num_classes", 4}, {"axis", 1}, {"dtype", nullptr}, {"sparse", false}}, {{"x", ids}},
            json::object());
        QCOMPARE(oh.dtype(), DType::Float32);
        QVERIFY(matches(oh, {1, 4, 2}, {0, 0, 1, 0, 0, 0, 0, 1}));
        QVERIFY(matches(
            run1("OneHot", {{"num_classes", 3}}, {{"x", typedTensor({2}, {-1, 2}, DType::Int32)}}),
            {2, 3}, {0, 0, 0, 0, 0, 1}));
        const Tensor ar
            = run1("Arange", {{"dtype", nullptr}}, {}, {{"start", 1}, {"stop", 7}, {"step", 2}});
        QCOMPARE(ar.dtype(), DType::Int32);
        QVERIFY(matches(ar, {3}, {1, 3, 5}));
        QCOMPARE(run1("Arange", {}, {}, {{"start", 0.5}, {"stop", 2}}).dtype(), DType::Float32);
    }

    void tensorConstantsKeepTheirDType()
    {
        const json constant = {{"class_name", "__tensor__"},
            {"config", {{"value", json::array({1, 2, 3})}, {"dtype", "int32"}}}};
        const Tensor x = typedTensor({2, 3}, {1, 1, 1, 2, 2, 2}, DType::Int32);
        const Tensor sum = run1("Add", {}, {{"x1", x}}, {{"x2", constant}});
        QCOMPARE(sum.dtype(), DType::Int32);
        QVERIFY(matches(sum, {2, 3}, {2, 3, 4, 3, 4, 5}));
        const json boolConstant = {{"class_name", "__tensor__"},
            {"config", {{"value", json::array({true, false, true})}, {"dtype", "bool"}}}};
        const Tensor w = run1("Where", {}, {{"x1", Tensor({3}, {1, 2, 3})}},
            {{"condition", boolConstant}, {"x2", 0.0}});
        QVERIFY(matches(w, {3}, {1, 0, 3}));
        const json badDType = {{"class_name", "__tensor__"},
            {"config", {{"value", json::array({1})}, {"dtype", "string"}}}};
        QVERIFY_THROWS_EXCEPTION(InputFileError, run1("Add", {}, {{"x1", x}}, {{"x2", badDType}}));
    }

    void legacyFilesFindOperationsWithADTypeArgument()
    {
        // A legacy .h5 config has no module: Cast's "dtype" argument would make it look like a
        // layer; its registry row finds it.
        const Tensor out = run(
            "Cast", {{"dtype", "int32"}}, {{"x", Tensor({2}, {1.9f, -1.9f})}}, json::object(), "")
                               .at(0);
        QCOMPARE(out.dtype(), DType::Int32);
        QVERIFY(matches(out, {2}, {1, -1}));
    }

    void refusesAnOperationWithOneWordingInEveryLayout()
    {
        std::string keras;
        std::string legacy;
        try {
            makeLayer(operationConfig("Argsort", {{"axis", -1}}));
        } catch (const UnsupportedModelError &e) {
            keras = e.what();
        }
        try {
            makeLayer(operationConfig("Argsort", {{"axis", -1}}, ""));
        } catch (const UnsupportedModelError &e) {
            legacy = e.what();
        }
        for (const std::string &message : {keras, legacy}) {
            QVERIFY2(message.find("the Keras 3 operation 'Argsort'") != std::string::npos,
                message.c_str());
            QVERIFY2(message.find("architecture JSON") != std::string::npos, message.c_str());
            QVERIFY2(message.find("recipe") != std::string::npos, message.c_str());
            QVERIFY2(message.find("NotEqual") != std::string::npos, message.c_str());
        }
    }

    void explicitMaskReachesGlobalAveragePooling()
    {
        LayerConfig c;
        c.name = "pool";
        c.className = "GlobalAveragePooling1D";
        c.module = "keras.layers";
        c.config = {{"name", "pool"}, {"trainable", true}, {"dtype", "float32"},
            {"data_format", "channels_last"}, {"keepdims", false}};
        const auto layer = makeLayer(c);
        CallArgs args;
        args.tensors["inputs"] = {range({1, 3, 2})};
        // the input's own mask says all three steps; the explicit mask= tensor wins
        args.masks["inputs"] = {Tensor({1, 3}, {1, 1, 1})};
        args.tensors["mask"] = {typedTensor({1, 3}, {1, 0, 1}, DType::Bool)};
        QVERIFY(matches(layer->call(args, CallContext {}).outputs.at(0), {1, 2}, {2, 3}));
    }
};

QTEST_APPLESS_MAIN(TestNumpyOperations)
#include "tst_numpy_operations.moc"
