// Indexing and joining operations: the Keras 3 GetItem operation (`x[:, -1, :]`), tf.keras
// SlicingOpLambda, the Keras 3 Concatenate / Stack operations and tf.concat / tf.stack
// TFOpLambda layers. Expected values were computed with NumPy (x = arange(30).reshape(2, 5, 3));
// the end-to-end models and their NumPy outputs are made by tests/data/slicing/make_slicing.py.
#include <fstream>

#include <QtTest>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/io/hdf5_file.h"
#include "core/layers/call_options_binder.h"
#include "core/layers/registry.h"
#include "core/runtime/model.h"
#include "tests/core/keras_compare.h"
#include "tests/core/tensor_compare.h"
#include "tests/test_util.h"

using namespace attnlens;
using nlohmann::json;

namespace {

const json kFull = {{"class_name", "__slice__"},
    {"config", {{"start", nullptr}, {"stop", nullptr}, {"step", nullptr}}}};
const json kEllipsis = {{"class_name", "__ellipsis__"}, {"config", json::object()}};

json slice(json start, json stop, json step = nullptr)
{
    return {{"class_name", "__slice__"},
        {"config", {{"start", std::move(start)}, {"stop", std::move(stop)}, {"step", step}}}};
}

json k2Slice(json start, json stop, json step = nullptr)
{
    return {{"start", std::move(start)}, {"stop", std::move(stop)}, {"step", std::move(step)}};
}

/// A Keras 3 operation node as .keras files describe it.
std::unique_ptr<Layer> operation(const std::string &className, json config = json::object())
{
    LayerConfig c;
    c.name = "op";
    c.className = className;
    c.registeredName = className;
    c.module = "keras.src.ops.numpy";
    c.config = std::move(config);
    c.config["name"] = "op";
    return makeLayer(c);
}

std::unique_ptr<Layer> tfLayer(const std::string &className, const std::string &function)
{
    LayerConfig c;
    c.name = "tf_op";
    c.className = className;
    c.config
        = {{"name", "tf_op"}, {"trainable", true}, {"dtype", "float32"}, {"function", function}};
    c.kerasVersion = "2.15.0";
    return makeLayer(c);
}

Tensor arange(Shape shape)
{
    Tensor t(shape);
    for (std::int64_t i = 0; i < t.size(); ++i)
        t.data()[i] = static_cast<float>(i);
    return t;
}

/// x[key] through the Keras 3 GetItem operation.
Tensor getItem3(const Tensor &x, const json &key)
{
    const auto layer = operation("GetItem");
    CallArgs args;
    args.tensors["x"] = {x};
    args.options = bindCallOptions(*layer, {{"key", key}});
    return layer->call(args, CallContext {}).outputs.at(0);
}

/// x[slice_spec] through the tf.keras SlicingOpLambda layer.
Tensor getItem2(const Tensor &x, const json &spec)
{
    const auto layer = tfLayer("SlicingOpLambda", "__operators__.getitem");
    CallArgs args;
    args.tensors["tensor"] = {x};
    args.options = bindCallOptions(*layer, {{"slice_spec", spec}});
    return layer->call(args, CallContext {}).outputs.at(0);
}

Tensor join(const Layer &layer, const std::string &parameter, std::vector<Tensor> parts,
    const json &options = json::object())
{
    CallArgs args;
    args.tensors[parameter] = std::move(parts);
    args.options = bindCallOptions(layer, options);
    return layer.call(args, CallContext {}).outputs.at(0);
}

bool throwsWith(const std::function<void()> &f, const std::string &type, const std::string &text)
{
    try {
        f();
    } catch (const UnsupportedModelError &e) {
        return type == "Unsupported" && std::string(e.what()).find(text) != std::string::npos;
    } catch (const InputFileError &e) {
        return type == "InputFile" && std::string(e.what()).find(text) != std::string::npos;
    } catch (const ShapeError &e) {
        return type == "Shape" && std::string(e.what()).find(text) != std::string::npos;
    }
    return false;
}

json readJson(const std::string &name)
{
    std::ifstream in(testData("slicing/" + name));
    return json::parse(in);
}

json &entry(json &model, const std::string &name)
{
    for (json &e : model["config"]["layers"])
        if (e["name"] == name)
            return e;
    throw std::runtime_error("no layer " + name);
}

} // namespace

class TestGetItem : public QObject
{
    Q_OBJECT
private slots:
    void keras3Keys()
    {
        const Tensor x = arange({2, 5, 3});
        Tensor r = getItem3(x, {kFull, -1, kFull}); // x[:, -1, :]
        QCOMPARE(r.shape(), (Shape {2, 3}));
        QCOMPARE(r.values(), (std::vector<float> {12, 13, 14, 27, 28, 29}));
        r = getItem3(x, {kEllipsis, 0}); // x[..., 0]
        QCOMPARE(r.shape(), (Shape {2, 5}));
        QCOMPARE(r.values(), (std::vector<float> {0, 3, 6, 9, 12, 15, 18, 21, 24, 27}));
        r = getItem3(x, {kFull, slice(1, 5, 2)}); // x[:, 1:5:2]
        QCOMPARE(r.shape(), (Shape {2, 2, 3}));
        QCOMPARE(r.values(), (std::vector<float> {3, 4, 5, 9, 10, 11, 18, 19, 20, 24, 25, 26}));
        r = getItem3(x, {kFull, slice(nullptr, nullptr, -2), -1}); // x[:, ::-2, -1]
        QCOMPARE(r.shape(), (Shape {2, 3}));
        QCOMPARE(r.values(), (std::vector<float> {14, 8, 2, 29, 23, 17}));
        r = getItem3(x, {kFull, slice(-10, 2)}); // x[:, -10:2]: start clamped to 0
        QCOMPARE(r.shape(), (Shape {2, 2, 3}));
        QCOMPARE(r.values(), (std::vector<float> {0, 1, 2, 3, 4, 5, 15, 16, 17, 18, 19, 20}));
        r = getItem3(
            x, {kFull, slice(4, 1, -1), nullptr, slice(1, nullptr)}); // [:, 4:1:-1, None, 1:]
        QCOMPARE(r.shape(), (Shape {2, 3, 1, 2}));
        QCOMPARE(r.values(), (std::vector<float> {13, 14, 10, 11, 7, 8, 28, 29, 25, 26, 22, 23}));
        r = getItem3(x, {kFull, slice(100, -100, -2), 0}); // x[:, 100:-100:-2, 0]
        QCOMPARE(r.shape(), (Shape {2, 3}));
        QCOMPARE(r.values(), (std::vector<float> {12, 6, 0, 27, 21, 15}));
        r = getItem3(x, {kFull, slice(7, nullptr)}); // x[:, 7:] is empty, as in NumPy
        QCOMPARE(r.shape(), (Shape {2, 0, 3}));
        r = getItem3(x, kFull); // x[:] (a lone slice, not a list)
        QCOMPARE(r.shape(), x.shape());
        QCOMPARE(r.values(), x.values());
        r = getItem3(x, {kFull, 2, 1}); // both inner axes dropped
        QCOMPARE(r.values(), (std::vector<float> {7, 22}));
        r = getItem3(x, {kFull, nullptr, kEllipsis, nullptr}); // x[:, None, ..., None]
        QCOMPARE(r.shape(), (Shape {2, 1, 5, 3, 1}));
        QCOMPARE(r.values(), x.values());
        r = getItem3(x, {slice(0, nullptr, 1), -1}); // 0::1 keeps the batch axis whole
        QCOMPARE(r.shape(), (Shape {2, 3}));
    }

    void outOfRangeIndexIsAShapeError()
    {
        const Tensor x = arange({2, 5, 3});
        QVERIFY(throwsWith(
            [&] {
                getItem3(x, {kFull, 5});
            },
            "Shape",
            "layer 'op' (GetItem): index 5 of [:, 5] is out of range for axis 1 of size 5"));
        QVERIFY(throwsWith([&] { getItem3(x, {kFull, -6}); }, "Shape", "index -6"));
        QVERIFY(throwsWith([&] { getItem3(x, {kEllipsis, 3}); }, "Shape", "axis 2 of size 3"));
        QVERIFY(throwsWith(
            [&] {
                getItem3(x, {kFull, 0, 0, 0});
            },
            "Shape", "indexes 4 axes, but the input"));
        QVERIFY(throwsWith(
            [&] {
                getItem3(x, {kEllipsis, kEllipsis});
            },
            "Shape", "more than one ellipsis"));
    }

    void batchAxisMustStayWhole()
    {
        const Tensor x = arange({2, 5, 3});
        for (const json &key : {json(0), json {-1, kFull}, json {slice(1, nullptr)},
                 json {slice(nullptr, nullptr, -1)}, json {nullptr, kFull}, json(nullptr),
                 json {slice(nullptr, 1)}})
            QVERIFY2(throwsWith([&] { getItem3(x, key); }, "Unsupported",
                         "does not keep the batch axis (axis 0) whole"),
                key.dump().c_str());
        // `x[..., 0]` on a rank-1 tensor indexes the batch axis through the ellipsis.
        QVERIFY(throwsWith(
            [&] {
                getItem3(arange({4}), {kEllipsis, 0});
            },
            "Unsupported", "batch axis"));
    }

    void malformedKeys()
    {
        const Tensor x = arange({2, 5, 3});
        QVERIFY(throwsWith(
            [&] {
                getItem3(x, {kFull, slice("a", nullptr)});
            },
            "InputFile", "the slice start \"a\""));
        QVERIFY(throwsWith([&] { getItem3(x, {kFull, slice(0, 3, 0)}); }, "InputFile", "step 0"));
        QVERIFY(throwsWith([&] { getItem3(x, {kFull, 1.5}); }, "InputFile", "not an integer"));
        QVERIFY(throwsWith(
            [&] {
                getItem3(x, {kFull, {{"class_name", "__lambda__"}}});
            },
            "InputFile", "damaged"));
        QVERIFY(throwsWith([&] { getItem3(x, {kFull, "last"}); }, "InputFile", "damaged"));
        QVERIFY(throwsWith(
            [&] {
                getItem3(x, {kFull, {{"class_name", "__slice__"}}});
            },
            "InputFile", "no start/stop/step"));
        // Advanced indexing, tensors as indices: refused, not misread.
        QVERIFY(throwsWith(
            [&] {
                getItem3(x, {kFull, json {0, 2}});
            },
            "Unsupported", "advanced indexing"));
        QVERIFY(throwsWith([&] { getItem3(x, {kFull, true}); }, "Unsupported", "boolean"));
        const json tensor
            = {{"class_name", "__keras_tensor__"}, {"config", {{"keras_history", {"i", 0, 0}}}}};
        QVERIFY(throwsWith(
            [&] {
                getItem3(x, {kFull, tensor});
            },
            "Unsupported", "advanced indexing"));
        QVERIFY(throwsWith(
            [&] {
                getItem3(x, {kFull, slice(tensor, nullptr)});
            },
            "Unsupported", "tensor"));
        QVERIFY(throwsWith(
            [&] {
                getItem3(x, json::array({json::array(), 1}));
            },
            "Unsupported", "advanced indexing"));
        QVERIFY(
            throwsWith([&] { getItem3(x, json(json::array_t(65, 0))); }, "InputFile", "65 items"));
        // No key at all, or a key computed by the model.
        const auto layer = operation("GetItem");
        CallArgs args;
        args.tensors["x"] = {x};
        QVERIFY(throwsWith(
            [&] { layer->call(args, CallContext {}); }, "InputFile", "has no index ('key'"));
        args.tensors["key"] = {Tensor({1}, {1.0f})};
        QVERIFY(throwsWith([&] { layer->call(args, CallContext {}); }, "Unsupported",
            "index is a tensor computed by the model"));
        QCOMPARE(layer->callSignature(), (std::vector<std::string> {"x", "key"}));
    }

    void noWeightsAndNoCustomClasses()
    {
        LayerConfig c;
        c.name = "g";
        c.className = "GetItem";
        c.module = "mypackage.layers";
        c.registeredName = "mypackage>GetItem";
        c.config = {{"name", "g"}};
        QVERIFY(throwsWith([&] { makeLayer(c); }, "Unsupported", "custom class named GetItem"));
        c.module = "keras.src.ops.numpy";
        c.registeredName = "GetItem";
        c.weights = {Tensor({1})};
        QVERIFY_EXCEPTION_THROWN(makeLayer(c), InputFileError);
        // Keras 3 legacy .h5 files drop module and registered_name.
        c.module.clear();
        c.registeredName.clear();
        c.weights.clear();
        QCOMPARE(makeLayer(c)->callSignature(), (std::vector<std::string> {"x", "key"}));
        QVERIFY(isKnownLayerClass("GetItem"));
        QVERIFY(isKnownLayerClass("SlicingOpLambda"));
    }

    void keras2SlicingOpLambda()
    {
        const Tensor x = arange({2, 5, 3});
        const json full = k2Slice(nullptr, nullptr);
        Tensor r = getItem2(x, {full, -1, full});
        QCOMPARE(r.values(), (std::vector<float> {12, 13, 14, 27, 28, 29}));
        r = getItem2(x, {full, k2Slice(-2, nullptr, -3)}); // x[:, -2::-3]
        QCOMPARE(r.shape(), (Shape {2, 2, 3}));
        QCOMPARE(r.values(), (std::vector<float> {9, 10, 11, 0, 1, 2, 24, 25, 26, 15, 16, 17}));
        r = getItem2(x, {{{"class_name", "__ellipsis__"}}, 0}); // json_utils Ellipsis
        QCOMPARE(r.values(), (std::vector<float> {0, 3, 6, 9, 12, 15, 18, 21, 24, 27}));
        // A tuple as tf.keras's json_utils.Encoder writes it.
        r = getItem2(x, {{"class_name", "__tuple__"}, {"items", {full, nullptr, 1}}});
        QCOMPARE(r.shape(), (Shape {2, 1, 3}));
        QCOMPARE(r.values(), (std::vector<float> {3, 4, 5, 18, 19, 20}));
        QVERIFY(throwsWith(
            [&] {
                getItem2(x, {full, 9});
            },
            "Shape", "layer 'tf_op' (SlicingOpLambda): index 9"));
        QVERIFY(throwsWith([&] { getItem2(x, 0); }, "Unsupported", "batch axis"));

        const auto layer = tfLayer("SlicingOpLambda", "tf.__operators__.getitem");
        QCOMPARE(
            layer->callSignature(), (std::vector<std::string> {"tensor", "slice_spec", "var"}));
        QVERIFY(throwsWith(
            [&] { tfLayer("SlicingOpLambda", "boolean_mask"); }, "Unsupported", "tf.boolean_mask"));
        QVERIFY(throwsWith([&] { tfLayer("SlicingOpLambda", "__operators__.ragged_getitem"); },
            "Unsupported", "ragged_getitem"));
        LayerConfig c;
        c.name = "s";
        c.className = "SlicingOpLambda";
        c.config = {{"name", "s"}};
        QVERIFY(throwsWith([&] { makeLayer(c); }, "InputFile", "no 'function' name"));
    }

    void keras3ConcatenateAndStackOperations()
    {
        const Tensor a = arange({2, 3});
        Tensor b({2, 2}, {10, 11, 12, 13});
        Tensor c({2, 3}, {10, 11, 12, 13, 14, 15});
        const auto concat = operation("Concatenate", {{"axis", -1}});
        QCOMPARE(concat->callSignature(), (std::vector<std::string> {"xs"}));
        Tensor r = join(*concat, "xs", {a, b});
        QCOMPARE(r.shape(), (Shape {2, 5}));
        QCOMPARE(r.values(), (std::vector<float> {0, 1, 2, 10, 11, 3, 4, 5, 12, 13}));
        QVERIFY(throwsWith(
            [&] {
                join(*concat, "xs", {a, Tensor({3, 2})});
            },
            "Shape", "differ on an axis"));
        QVERIFY(throwsWith([&] { join(*concat, "xs", {}); }, "Shape", "got no tensors"));
        // ops.concatenate's default axis is 0, the batch axis: refused.
        QVERIFY(throwsWith(
            [&] {
                join(*operation("Concatenate"), "xs", {a, c});
            },
            "Unsupported", "batch axis"));
        QVERIFY(throwsWith(
            [&] {
                join(*operation("Concatenate", {{"axis", "x"}}), "xs", {a, b});
            },
            "InputFile", "not an axis number"));

        r = join(*operation("Stack", {{"axis", 1}}), "xs", {a, c});
        QCOMPARE(r.shape(), (Shape {2, 2, 3}));
        QCOMPARE(r.values(), (std::vector<float> {0, 1, 2, 10, 11, 12, 3, 4, 5, 13, 14, 15}));
        r = join(*operation("Stack", {{"axis", -1}}), "xs", {a, c});
        QCOMPARE(r.shape(), (Shape {2, 3, 2}));
        QCOMPARE(r.values(), (std::vector<float> {0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15}));
        QVERIFY(throwsWith(
            [&] {
                join(*operation("Stack", {{"axis", -3}}), "xs", {a, c});
            },
            "Unsupported", "batch axis"));
        QVERIFY(throwsWith(
            [&] {
                join(*operation("Stack", {{"axis", 1}}), "xs", {a, b});
            },
            "Shape", "differ"));
        QVERIFY(throwsWith(
            [&] {
                join(*operation("Stack", {{"axis", 3}}), "xs", {a, c});
            },
            "Shape", "range"));
    }

    void concatenateLayerIsNotTheOperation()
    {
        // keras.layers.Concatenate (default axis -1, masks) keeps its own class.
        LayerConfig c;
        c.name = "concatenate";
        c.className = "Concatenate";
        c.module = "keras.layers";
        c.config = {{"name", "concatenate"}, {"trainable", true}, {"dtype", "float32"}};
        QCOMPARE(makeLayer(c)->callSignature(), (std::vector<std::string> {"inputs"}));
        // The same class name without module: a layer has trainable / dtype, an operation not.
        c.module.clear();
        QCOMPARE(makeLayer(c)->callSignature(), (std::vector<std::string> {"inputs"}));
        c.config = {{"name", "concatenate"}, {"axis", -1}};
        QCOMPARE(makeLayer(c)->callSignature(), (std::vector<std::string> {"xs"}));
    }

    void keras2ConcatAndStack()
    {
        const Tensor a = arange({2, 3});
        const Tensor c({2, 3}, {10, 11, 12, 13, 14, 15});
        const auto concat = tfLayer("TFOpLambda", "tf.concat");
        QCOMPARE(concat->callSignature(), (std::vector<std::string> {"values", "axis"}));
        Tensor r = join(*concat, "values", {a, c}, {{"axis", 1}, {"name", nullptr}});
        QCOMPARE(r.values(), (std::vector<float> {0, 1, 2, 10, 11, 12, 3, 4, 5, 13, 14, 15}));
        QVERIFY(throwsWith(
            [&] {
                join(*concat, "values", {a, c});
            },
            "InputFile", "without an axis"));
        QVERIFY(throwsWith(
            [&] {
                join(*concat, "values", {a, c}, {{"axis", 0}});
            },
            "Unsupported", "batch axis"));
        const auto stack = tfLayer("TFOpLambda", "stack");
        r = join(*stack, "values", {a, c}, {{"axis", -1}});
        QCOMPARE(r.shape(), (Shape {2, 3, 2}));
        QCOMPARE(r.values(), (std::vector<float> {0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15}));
        // tf.stack's default axis is 0: refused.
        QVERIFY(throwsWith([&] { join(*stack, "values", {a, c}); }, "Unsupported", "batch axis"));
    }

    void endToEndKeras3()
    {
        guarded([] {
            const auto model = Model::open(
                testData("slicing/getitem_k3.h5"), testData("slicing/getitem_k3.json"));
            const Hdf5File reference(testData("slicing/reference.h5"));
            const RunResult result = model->run({reference.readTensor("/input")});
            QCOMPARE(result.outputs.size(), std::size_t(5));
            for (std::size_t i = 0; i < result.outputs.size(); ++i) {
                const Tensor expected = reference.readTensor("/k3/out_" + std::to_string(i));
                const double worst = worstError(result.outputs[i], expected, 1e-5, 1e-4);
                QVERIFY2(worst == 0.0, ("output " + std::to_string(i)).c_str());
            }
            QCOMPARE(result.attention.size(), std::size_t(1)); // the MHA's scores still captured
        });
    }

    void endToEndKeras2()
    {
        guarded([] {
            const auto model = Model::open(
                testData("slicing/slicing_k2.h5"), testData("slicing/slicing_k2.json"));
            const Hdf5File reference(testData("slicing/reference.h5"));
            const RunResult result = model->run({reference.readTensor("/input")});
            QCOMPARE(result.outputs.size(), std::size_t(3));
            for (std::size_t i = 0; i < result.outputs.size(); ++i) {
                const Tensor expected = reference.readTensor("/k2/out_" + std::to_string(i));
                const double worst = worstError(result.outputs[i], expected, 1e-5, 1e-4);
                QVERIFY2(worst == 0.0, ("output " + std::to_string(i)).c_str());
            }
        });
    }

    void fixedIndexOnAFreeLengthAxis()
    {
        // Input (None, None, 3) and dense[:, 5]: the dry run at length 1 cannot index position
        // 5, so the model is tried at a longer free length instead of being refused.
        guarded([] {
            ScratchDir dir;
            json config = readJson("getitem_k3.json");
            entry(config, "x")["config"]["batch_shape"] = json::array({nullptr, nullptr, 3});
            entry(config, "get_item_1")["inbound_nodes"][0]["args"][1] = json::array({kFull, 5});
            const auto model = Model::open(
                testData("slicing/getitem_k3.h5"), dir.write("m.json", config.dump()));
            QCOMPARE(model->inputs().at(0).shape, (Shape {-1, -1, 3}));
            const Hdf5File reference(testData("slicing/reference.h5"));
            const RunResult result = model->run({reference.readTensor("/input")}); // length 6
            // Outputs that do not read get_item_1 are Keras's numbers as before.
            for (std::size_t i = 1; i <= 3; ++i)
                QCOMPARE(worstError(result.outputs[i],
                             reference.readTensor("/k3/out_" + std::to_string(i)), 1e-5, 1e-4),
                    0.0);
            // concatenate([mha[:, -1], dense[:, 5]]): dense[:, 5] is the first row of
            // dense[:, ::-2] (out_1).
            const Tensor &joined = result.outputs[0];
            const Tensor expected = reference.readTensor("/k3/out_0");
            const Tensor &reversed = result.outputs[1];
            QCOMPARE(joined.shape(), (Shape {expected.dim(0), 8}));
            for (std::int64_t r = 0; r < joined.dim(0); ++r)
                for (std::int64_t c = 0; c < 4; ++c) {
                    QCOMPARE(joined.data()[r * 8 + c], expected.data()[r * 8 + c]);
                    QCOMPARE(joined.data()[r * 8 + 4 + c], reversed.data()[r * 3 * 4 + c]);
                }
            // Data shorter than the index reaches: one clear error, no crash.
            const Tensor three({2, 3, 3}, 0.5f);
            QVERIFY(throwsWith([&] { model->run({three}); }, "Shape", "get_item_1"));
        });
    }

    void badKeysInAModelAreRefusedWhenOpened()
    {
        ScratchDir dir;
        const auto openWithKey = [&](const std::string &layer, const json &key) {
            json model = readJson("getitem_k3.json");
            entry(model, layer)["inbound_nodes"][0]["args"][1] = key;
            const auto path = dir.write("model.json", model.dump());
            Model::open(testData("slicing/getitem_k3.h5"), path);
        };
        // x[0] selects a sample: refused when the model is opened, naming the layer.
        QVERIFY(throwsWith(
            [&] { openWithKey("get_item", 0); }, "Unsupported", "layer 'get_item' (GetItem)"));
        QVERIFY(throwsWith(
            [&] {
                openWithKey("get_item", {kFull, slice(0, 2, 0)});
            },
            "InputFile", "step 0"));
        QVERIFY(throwsWith(
            [&] {
                openWithKey("get_item_1", {kFull, 6});
            },
            "InputFile", "index 6 of [:, 6] is out of range for axis 1 of size 6"));
        QVERIFY(throwsWith(
            [&] {
                openWithKey("get_item_1", {kFull, {{"class_name", "__x__"}}});
            },
            "InputFile", "layer 'get_item_1' (GetItem)"));
        json model = readJson("slicing_k2.json");
        entry(model, "tf.__operators__.getitem")["inbound_nodes"][0][3]["slice_spec"]
            = json::array({k2Slice(nullptr, nullptr), json::array({0, 1})});
        const auto path = dir.write("model.json", model.dump());
        QVERIFY(throwsWith([&] { Model::open(testData("slicing/slicing_k2.h5"), path); },
            "Unsupported", "advanced indexing"));
    }
};

QTEST_APPLESS_MAIN(TestGetItem)
#include "tst_get_item.moc"
