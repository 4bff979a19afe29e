// The architecture JSON parser: Keras 2 and Keras 3 node formats, Sequential models,
// registered class names, and refusals.
#include <QtTest>

#include "core/errors.h"
#include "core/keras/keras_config.h"
#include "core/keras/weight_reader.h"

using namespace attnlens;
using nlohmann::json;

namespace {

const LayerSpec &layerNamed(const ModelSpec &model, const std::string &name)
{
    for (const LayerSpec &layer : model.layers)
        if (layer.name == name)
            return layer;
    throw std::runtime_error("no layer " + name);
}

} // namespace

class TestKerasConfig : public QObject
{
    Q_OBJECT
private slots:
    void keras2ListNodes()
    {
        // Keras 2.15 style (sungholion/BearingGuardian, tmakian99/GeoLife): mha(x, x) puts the
        // second argument in kwargs; Add lists its tensors; TFOpLambda is one flat entry.
        const json root = json::parse(R"({"class_name": "Model", "config": {"name": "m",
          "layers": [
            {"class_name": "InputLayer", "name": "input_1",
             "config": {"batch_input_shape": [null, 10, 4], "dtype": "float32", "name": "input_1"},
             "inbound_nodes": []},
            {"class_name": "MultiHeadAttention", "name": "mha", "config": {"name": "mha"},
             "inbound_nodes": [[["input_1", 0, 0, {"value": ["input_1", 0, 0], "use_causal_mask": true}]]]},
            {"class_name": "Add", "name": "add", "config": {"name": "add"},
             "inbound_nodes": [[["input_1", 0, 0, {}], ["mha", 0, 0, {}]]]},
            {"class_name": "TFOpLambda", "name": "tf.__operators__.add", "config": {"name": "tf.__operators__.add"},
             "inbound_nodes": [["add", 0, 0, {"y": ["mha", 0, 0], "name": null}]]}],
          "input_layers": [["input_1", 0, 0]],
          "output_layers": [["tf.__operators__.add", 0, 0]]}})");
        const ModelSpec model = parseModelConfig(root, "test.json");
        QCOMPARE(model.className, std::string("Functional"));
        QCOMPARE(model.inputs.size(), std::size_t(1));
        QCOMPARE(layerNamed(model, "input_1").inputShape, (Shape {-1, 10, 4}));

        const NodeSpec &mha = layerNamed(model, "mha").nodes.at(0);
        QCOMPARE(mha.positional.size(), std::size_t(1));
        QCOMPARE(mha.positional[0].tensors.at(0).layer, std::string("input_1"));
        QVERIFY(!mha.positional[0].isList);
        QCOMPARE(mha.keyword.size(), std::size_t(2));
        for (const auto &[name, arg] : mha.keyword) {
            if (name == "value")
                QCOMPARE(arg.tensors.at(0).layer, std::string("input_1"));
            else
                QCOMPARE(arg.constant, json(true));
        }

        const NodeSpec &add = layerNamed(model, "add").nodes.at(0);
        QVERIFY(add.positional.at(0).isList);
        QCOMPARE(add.positional[0].tensors.size(), std::size_t(2));
        QCOMPARE(add.positional[0].tensors[1].layer, std::string("mha"));

        const NodeSpec &op = layerNamed(model, "tf.__operators__.add").nodes.at(0);
        QCOMPARE(op.positional.at(0).tensors.at(0).layer, std::string("add"));
        bool sawY = false;
        for (const auto &[name, arg] : op.keyword)
            if (name == "y") {
                sawY = true;
                QCOMPARE(arg.tensors.at(0).layer, std::string("mha"));
            }
        QVERIFY(sawY);
    }

    void keras3DictNodesAndSharedLayers()
    {
        // A layer called twice; the second call's output is node 1 of that layer.
        const json root = json::parse(R"({"class_name": "Functional", "config": {"name": "m",
          "layers": [
            {"class_name": "InputLayer", "name": "a", "config": {"batch_shape": [null, 3], "name": "a"}, "inbound_nodes": []},
            {"class_name": "InputLayer", "name": "b", "config": {"batch_shape": [null, 3], "name": "b"}, "inbound_nodes": []},
            {"class_name": "Dense", "name": "shared", "config": {"name": "shared"}, "inbound_nodes": [
              {"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["a", 0, 0]}}], "kwargs": {}},
              {"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["b", 0, 0]}}], "kwargs": {"training": false}}]},
            {"class_name": "kmr.layers>InterpretableMultiHeadAttention", "name": "imha", "config": {"name": "imha"},
             "inbound_nodes": [{"args": [
               {"class_name": "__keras_tensor__", "config": {"keras_history": ["shared", 0, 0]}},
               {"class_name": "__keras_tensor__", "config": {"keras_history": ["shared", 1, 0]}},
               {"class_name": "__keras_tensor__", "config": {"keras_history": ["shared", 1, 0]}}], "kwargs": {}}]}],
          "input_layers": [["a", 0, 0], ["b", 0, 0]],
          "output_layers": ["imha", 0, 0]}})");
        const ModelSpec model = parseModelConfig(root, "test.json");
        QCOMPARE(model.inputs.size(), std::size_t(2));
        QCOMPARE(model.outputs.size(), std::size_t(1)); // flat Keras 3 form
        QCOMPARE(layerNamed(model, "shared").nodes.size(), std::size_t(2));
        const LayerSpec &imha = layerNamed(model, "imha");
        QCOMPARE(imha.className, std::string("InterpretableMultiHeadAttention"));
        QCOMPARE(imha.registeredName, std::string("kmr.layers>InterpretableMultiHeadAttention"));
        QCOMPARE(imha.nodes.at(0).positional.size(), std::size_t(3));
        QCOMPARE(imha.nodes[0].positional[1].tensors.at(0).node, 1);
    }

    void keras2SequentialWithoutInputLayer()
    {
        const json root = json::parse(R"({"class_name": "Sequential", "config": {"name": "seq",
          "layers": [
            {"class_name": "Dense", "config": {"name": "d1", "batch_input_shape": [null, 5], "units": 2}},
            {"class_name": "Dense", "config": {"name": "d2", "units": 1}}]}})");
        const ModelSpec model = parseModelConfig(root, "test.json");
        QCOMPARE(model.className, std::string("Sequential"));
        QCOMPARE(model.layers.size(), std::size_t(3));
        QVERIFY(model.layers[0].isInput);
        QCOMPARE(model.layers[0].inputShape, (Shape {-1, 5}));
        QCOMPARE(
            model.layers[2].nodes.at(0).positional.at(0).tensors.at(0).layer, std::string("d1"));
        QCOMPARE(model.outputs.at(0).layer, std::string("d2"));
        QVERIFY(!model.inputLayersInModelLayers);
    }

    void refusals()
    {
        QVERIFY_EXCEPTION_THROWN(
            parseModelConfig(json::parse(R"({"class_name": "MyModel", "config": {}})"), "t"),
            UnsupportedModelError);
        QVERIFY_EXCEPTION_THROWN(
            parseModelConfig(json::parse(R"({"layers": []})"), "t"), InputFileError);
        const json nested = json::parse(R"({"class_name": "Functional", "config": {"layers": [
            {"class_name": "Sequential", "name": "inner", "config": {"layers": []}, "inbound_nodes": []}],
            "input_layers": [], "output_layers": []}})");
        // Nested models are parsed (tests/core/tst_nested_models.cpp); an empty one is malformed.
        QVERIFY_EXCEPTION_THROWN(parseModelConfig(nested, "t"), InputFileError);
        try {
            parseJsonText("{\n  \"a\": [1, 2,, 3]\n}", "arch.json");
            QFAIL("bad JSON accepted");
        } catch (const InputFileError &e) {
            QVERIFY2(std::string(e.what()).find("arch.json:2:") == 0, e.what());
        }
    }

    void snakeCaseMatchesKeras()
    {
        QCOMPARE(kerasSnakeCase("MultiHeadAttention"), std::string("multi_head_attention"));
        QCOMPARE(kerasSnakeCase("InterpretableMultiHeadAttention"),
            std::string("interpretable_multi_head_attention"));
        QCOMPARE(kerasSnakeCase("GlobalAveragePooling1D"), std::string("global_average_pooling1d"));
        QCOMPARE(kerasSnakeCase("LSTM"), std::string("lstm"));
        QCOMPARE(kerasSnakeCase("InputLayer"), std::string("input_layer"));
    }
};

QTEST_APPLESS_MAIN(TestKerasConfig)
#include "tst_keras_config.moc"
