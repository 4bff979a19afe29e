// Recurrent, Bidirectional, Conv1D, Embedding(mask_zero) and Masking layers against TensorFlow.js
// 4.22.0 (tests/data/tfjs/tfjs_reference.json, made by make_tfjs_reference.mjs): a second,
// independent implementation of the Keras layers besides our NumPy reference. Each case builds
// its layers through makeLayer from the Keras-form config and the weights tfjs used, runs them
// on the same inputs and requires |ours - tfjs| <= 1e-5 + 1e-4 |tfjs| everywhere (NaN fails).
// Needs neither node nor the network: it only reads the committed JSON.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <QtTest>

#include "core/errors.h"
#include "core/layers/layer_config.h"
#include "core/layers/registry.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

const nlohmann::json &reference()
{
    static const nlohmann::json data = [] {
        std::ifstream in(testData("tfjs/tfjs_reference.json"), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        return nlohmann::json::parse(text.str());
    }();
    return data;
}

/// A {"shape", "data"} object as a Tensor; JSON null as an empty tensor (no mask).
Tensor toTensor(const nlohmann::json &t)
{
    if (t.is_null())
        return Tensor();
    const std::vector<std::int64_t> dims = t["shape"].get<std::vector<std::int64_t>>();
    std::vector<float> values;
    values.reserve(t["data"].size());
    for (const auto &v : t["data"])
        values.push_back(static_cast<float>(v.get<double>()));
    return Tensor(Shape(dims.begin(), dims.end()), values);
}

LayerConfig stageConfig(const nlohmann::json &stage)
{
    LayerConfig config;
    config.className = stage["class_name"].get<std::string>();
    config.config = stage["config"];
    config.name = config.config.value("name", config.className);
    config.kerasVersion = stage["keras_version"].get<std::string>();
    config.file = "tfjs_reference.json";
    for (const auto &w : stage["weights"])
        config.weights.push_back(toTensor(w));
    return config;
}

struct Difference
{
    double absolute = 0.0; ///< largest |ours - tfjs|
    bool withinTolerance = true;
};

Difference compare(const Tensor &ours, const Tensor &tfjs)
{
    Difference d;
    for (std::int64_t i = 0; i < tfjs.size(); ++i) {
        const double e = tfjs.data()[i];
        const double a = ours.data()[i];
        const double diff = std::abs(a - e);
        if (std::isnan(diff)) {
            d.absolute = NAN;
            d.withinTolerance = false;
            return d;
        }
        d.absolute = std::max(d.absolute, diff);
        if (!(diff <= 1e-5 + 1e-4 * std::abs(e)))
            d.withinTolerance = false;
    }
    return d;
}

} // namespace

class TestTfjsReference : public QObject
{
    Q_OBJECT
private slots:
    void fileIsFromTfjs()
    {
        QCOMPARE(reference()["tfjs_version"].get<std::string>(), std::string("4.22.0"));
        QVERIFY(reference()["cases"].size() >= 25);
    }

    void matchesTfjs_data()
    {
        QTest::addColumn<QString>("name");
        for (const auto &[name, c] : reference()["cases"].items())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }

    void matchesTfjs()
    {
        QFETCH(QString, name);
        const nlohmann::json &c = reference()["cases"][name.toStdString()];

        CallArgs args;
        for (const auto &input : c["inputs"]) {
            const std::string parameter = input["parameter"].get<std::string>();
            args.tensors[parameter].push_back(toTensor(input["tensor"]));
            args.masks[parameter].push_back(toTensor(input["mask"]));
        }
        CallResult result;
        const auto &stages = c["stages"];
        for (std::size_t k = 0; k < stages.size(); ++k) {
            const std::unique_ptr<Layer> layer = makeLayer(stageConfig(stages[k]));
            if (k > 0) {
                // The previous stage's first output (and mask) is this stage's input.
                const std::string parameter = layer->callSignature().front();
                args = CallArgs();
                args.tensors[parameter] = {result.outputs.front()};
                args.masks[parameter] = {result.masks.empty() ? Mask() : result.masks.front()};
            }
            result = layer->call(args, CallContext());
        }

        const auto &outputs = c["outputs"];
        QCOMPARE(result.outputs.size(), outputs.size());
        for (std::size_t i = 0; i < outputs.size(); ++i) {
            const Tensor expected = toTensor(outputs[i]);
            const std::string what = "output " + std::to_string(i) + " "
                + shapeToString(result.outputs[i].shape()) + " vs tfjs "
                + shapeToString(expected.shape());
            QVERIFY2(result.outputs[i].shape() == expected.shape(), what.c_str());
            const Difference d = compare(result.outputs[i], expected);
            char diff[32];
            std::snprintf(diff, sizeof diff, "%.3g", d.absolute);
            const std::string message = what + ": max |diff| " + diff;
            qInfo("%s %s", qPrintable(name), message.c_str());
            QVERIFY2(d.withinTolerance, message.c_str());
        }
        const auto &masks = c["output_masks"];
        for (std::size_t i = 0; i < masks.size(); ++i) {
            const Mask actual = i < result.masks.size() ? result.masks[i] : Mask();
            if (masks[i].is_null()) {
                QVERIFY2(actual.empty(), ("output mask " + std::to_string(i)).c_str());
                continue;
            }
            const Tensor expected = toTensor(masks[i]);
            QCOMPARE(actual.shape(), expected.shape());
            QCOMPARE(actual.values(), expected.values());
        }
    }

    void hardSigmoidFollowsTheKerasVersion()
    {
        // tfjs computes Keras 2's clip(0.2 x + 0.5, 0, 1); the same LSTM read as a Keras 3 layer
        // (relu6(x + 3) / 6) must then differ, or the 2.15.0 cases would prove nothing.
        const nlohmann::json &c = reference()["cases"]["lstm_relu_hard_sigmoid_no_bias"];
        LayerConfig config = stageConfig(c["stages"][0]);
        QCOMPARE(config.kerasVersion, std::string("2.15.0"));
        config.kerasVersion = "3.10.0";
        CallArgs args;
        args.tensors["sequences"] = {toTensor(c["inputs"][0]["tensor"])};
        const CallResult r = makeLayer(config)->call(args, CallContext());
        const Difference d = compare(r.outputs[0], toTensor(c["outputs"][0]));
        QVERIFY2(d.absolute > 1e-3, std::to_string(d.absolute).c_str());
    }
};

QTEST_APPLESS_MAIN(TestTfjsReference)
#include "tst_tfjs_reference.moc"
