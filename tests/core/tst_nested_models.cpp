// Models used as layers (a Functional or Sequential model inside another), in every file
// layout. The files in tests/data/nested are tests/data/keras/ts_encoder rewritten by
// tests/data/nested/make_nested.py so that some of its layers live in inner models, with the
// same weights: they must give ts_encoder's expected.h5 (what Keras computed), and the
// attention inside an inner model is reported under "<inner model>/<layer>".
#include <cmath>
#include <fstream>

#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/io/hdf5_file.h"
#include "core/runtime/model.h"
#include "tests/core/keras_compare.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

std::shared_ptr<const Model> openLayout(const std::string &dir, const QString &layout)
{
    if (layout == "keras")
        return Model::open(testData(dir + "model.keras"));
    if (layout == "h5")
        return Model::open(testData(dir + "model.h5"));
    if (layout == "weights.h5+json")
        return Model::open(testData(dir + "model.weights.h5"), testData(dir + "model.json"));
    return Model::open(testData(dir + "save_weights.h5"), testData(dir + "model.json"));
}

nlohmann::json readJson(const std::filesystem::path &file)
{
    std::ifstream in(file);
    return nlohmann::json::parse(in);
}

std::string writeJson(const QTemporaryDir &dir, const nlohmann::json &j)
{
    const std::string path = (dir.path() + "/model.json").toStdString();
    std::ofstream(path) << j.dump();
    return path;
}

nlohmann::json &layerEntry(nlohmann::json &config, const std::string &name)
{
    for (auto &entry : config["config"]["layers"])
        if (entry["name"] == name)
            return entry;
    throw std::runtime_error("no layer " + name);
}

nlohmann::json kerasTensor(const std::string &layer, int node)
{
    return {{"class_name", "__keras_tensor__"},
        {"config",
            {{"shape", {nullptr, 48, 32}}, {"dtype", "float32"},
                {"keras_history", {layer, node, 0}}}}};
}

} // namespace

class TestNestedModels : public QObject
{
    Q_OBJECT
private slots:
    void matchesTheFlatModel_data()
    {
        QTest::addColumn<QString>("caseName");
        QTest::addColumn<QString>("layout");
        for (const char *name : {"functional_outer", "sequential_outer"})
            for (const char *layout : {"keras", "h5", "weights.h5+json", "save_weights+json"})
                QTest::newRow((std::string(name) + " " + layout).c_str()) << name << layout;
    }

    void matchesTheFlatModel()
    {
        guarded([&] {
            QFETCH(QString, caseName);
            QFETCH(QString, layout);
            const auto model = openLayout("nested/" + caseName.toStdString() + "/", layout);
            const bool sequential = caseName == "sequential_outer";
            QCOMPARE(
                model->summary().className, std::string(sequential ? "Sequential" : "Functional"));

            // Same parameters as the flat fixture, inner layers under qualified names.
            const auto flat = Model::open(testData("keras/ts_encoder/model.keras"));
            QCOMPARE(model->summary().parameters, flat->summary().parameters);
            std::vector<std::string> names;
            for (const LayerInfo &layer : model->layers())
                names.push_back(layer.name);
            const std::string ffn = sequential ? "block1/ffn1/dense_3" : "ffn1/dense_3";
            QVERIFY(std::find(names.begin(), names.end(), ffn) != names.end());
            QVERIFY(std::find(names.begin(), names.end(), "block0/block0_mha") != names.end());

            const Hdf5File data(testData("keras/ts_encoder/data.h5"));
            const Hdf5File expected(testData("keras/ts_encoder/expected.h5"));
            RunOptions options;
            options.batchSize = 3;
            const RunResult result = model->run({data.readTensor("series")}, options);
            QCOMPARE(result.outputs.size(), std::size_t(1));
            QCOMPARE(
                worstError(result.outputs[0], expected.readTensor("outputs/0"), 1e-5, 1e-4), 0.0);

            const std::vector<std::pair<std::string, std::string>> keys
                = {{"block0/block0_mha", "block0_mha"},
                    {sequential ? "block1/block1_mha" : "block1_mha", "block1_mha"}};
            QCOMPARE(result.attention.size(), keys.size());
            QCOMPARE(model->attentionLayers().size(), keys.size());
            for (std::size_t a = 0; a < keys.size(); ++a) {
                QCOMPARE(result.attention[a].key, keys[a].first);
                QCOMPARE(model->attentionLayers()[a].key, keys[a].first);
                QCOMPARE(model->attentionLayers()[a].heads, 4);
                QCOMPARE(model->attentionLayers()[a].queryLength, std::int64_t(48));
                // The time axis is traced through the inner model's input to the model input.
                QCOMPARE(model->attentionLayers()[a].queryOrigin.inputIndex, 0);
                const Tensor want = expected.readTensor("attention/" + keys[a].second);
                QCOMPARE(worstError(result.attention[a].scores, want, 1e-5, 0.0), 0.0);
            }
            const Tensor one
                = model->attentionForSample({data.readTensor("series")}, 2, "block0/block0_mha");
            QCOMPARE(one.shape(), (Shape {4, 48, 48}));
        });
    }

    /// A nested model called twice shares its layers: its attention is reported per call.
    void sharedNestedModelReportsEachCall()
    {
        guarded([&] {
            QTemporaryDir temp;
            auto config = readJson(testData("nested/functional_outer/model.json"));
            auto &block0 = layerEntry(config, "block0");
            block0["inbound_nodes"].push_back(
                {{"args", {kerasTensor("block0", 1)}}, {"kwargs", nlohmann::json::object()}});
            for (const char *reader : {"block1_mha", "add_2"}) {
                std::string text = layerEntry(config, reader)["inbound_nodes"].dump();
                const std::string from = R"(["block0",1,0])";
                for (auto pos = text.find(from); pos != std::string::npos;
                     pos = text.find(from, pos))
                    text.replace(pos, from.size(), R"(["block0",2,0])");
                layerEntry(config, reader)["inbound_nodes"] = nlohmann::json::parse(text);
            }
            const auto model = Model::open(
                testData("nested/functional_outer/model.weights.h5"), writeJson(temp, config));
            std::vector<std::string> keys;
            for (const AttentionLayerInfo &info : model->attentionLayers())
                keys.push_back(info.key);
            QCOMPARE(keys,
                (std::vector<std::string> {
                    "block0/block0_mha", "block0/block0_mha@1", "block1_mha"}));
            const Hdf5File data(testData("keras/ts_encoder/data.h5"));
            const Hdf5File expected(testData("keras/ts_encoder/expected.h5"));
            const RunResult result = model->run({data.readTensor("series")});
            // The first call sees what the flat model saw; the second call does not.
            QCOMPARE(worstError(result.attention[0].scores,
                         expected.readTensor("attention/block0_mha"), 1e-5, 0.0),
                0.0);
            QVERIFY(worstError(result.attention[1].scores,
                        expected.readTensor("attention/block0_mha"), 1e-3, 0.0)
                != 0.0);
        });
    }

    /// tf.keras 2.15 legacy .h5 (Keras 2 config: list-style nodes, batch_input_shape,
    /// TFOpLambda additions, ":0" weight names), flat and with a nested Functional, written
    /// by tests/data/nested/keras2/make_keras2.py from ts_encoder's weights.
    void keras2LegacyH5_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("firstKey");
        QTest::newRow("flat") << "ts_encoder_k2.h5"
                              << "block0_mha";
        QTest::newRow("nested") << "ts_encoder_k2_nested.h5"
                                << "block0/block0_mha";
    }

    void keras2LegacyH5()
    {
        guarded([&] {
            QFETCH(QString, file);
            QFETCH(QString, firstKey);
            const auto model = Model::open(testData("nested/keras2/" + file.toStdString()));
            QCOMPARE(model->summary().kerasVersion, std::string("2.15.0"));
            QCOMPARE(model->summary().format, ModelFormat::LegacyH5);
            const Hdf5File data(testData("keras/ts_encoder/data.h5"));
            const Hdf5File expected(testData("keras/ts_encoder/expected.h5"));
            const RunResult result = model->run({data.readTensor("series")});
            QCOMPARE(
                worstError(result.outputs[0], expected.readTensor("outputs/0"), 1e-5, 1e-4), 0.0);
            QCOMPARE(result.attention.size(), std::size_t(2));
            QCOMPARE(result.attention[0].key, firstKey.toStdString());
            QCOMPARE(result.attention[1].key, std::string("block1_mha"));
            // block1's query comes through a TFOpLambda addition (element-wise): still time steps.
            QCOMPARE(model->attentionLayers()[1].queryOrigin.kind, AxisOrigin::Kind::TimeSteps);
            QCOMPARE(worstError(result.attention[0].scores,
                         expected.readTensor("attention/block0_mha"), 1e-5, 0.0),
                0.0);
            QCOMPARE(worstError(result.attention[1].scores,
                         expected.readTensor("attention/block1_mha"), 1e-5, 0.0),
                0.0);
        });
    }

    /// A real Keras 2.15 save_weights file with the architecture reconstructed from its
    /// weight shapes (tests/data/nested/keras2/settyl_arch.json, see make_keras2.py).
    void realKeras2WeightsWithReconstructedArchitecture()
    {
        guarded([&] {
            const auto model = Model::open(
                testData("realmodels/vijaychandar2002__Settyl_task/transformer_weights.h5"),
                testData("nested/keras2/settyl_arch.json"));
            QCOMPARE(model->summary().format, ModelFormat::LegacyWeightsH5);
            QCOMPARE(model->attentionLayers().size(), std::size_t(3));
            for (const AttentionLayerInfo &info : model->attentionLayers()) {
                QCOMPARE(info.heads, 4);
                QCOMPARE(info.keyDim, 256);
            }
            QVERIFY(model->inputs()[0].integerIds);
            Tensor ids({2, 20});
            for (std::int64_t i = 0; i < ids.size(); ++i)
                ids.data()[i] = static_cast<float>((i * 37) % 4999 + 1);
            const RunResult result = model->run({ids});
            QCOMPARE(result.outputs[0].shape(), (Shape {2, 15}));
            for (std::int64_t r = 0; r < 2; ++r) { // softmax over 15 classes
                double sum = 0.0;
                for (std::int64_t c = 0; c < 15; ++c)
                    sum += result.outputs[0].data()[r * 15 + c];
                QVERIFY(std::fabs(sum - 1.0) < 1e-4);
            }
            QCOMPARE(result.attention.size(), std::size_t(3));
            QCOMPARE(result.attention[2].scores.shape(), (Shape {2, 4, 20, 20}));
            // Embedding 80000; per block: 2 LayerNormalization 64, MHA 3 * (16*4*256 + 4*256)
            // + 4*256*16 + 16 = 68624, Conv1D 17408 + 16400; Dense 255.
            QCOMPARE(model->summary().parameters, std::int64_t(80000 + 3 * 102496 + 255));
        });
    }

    void refusesBadReferences()
    {
        QTemporaryDir temp;
        // A reference to a call the nested model does not have.
        auto config = readJson(testData("nested/functional_outer/model.json"));
        layerEntry(config, "add_2")["inbound_nodes"][0]["args"][0][0] = kerasTensor("block0", 2);
        try {
            Model::open(
                testData("nested/functional_outer/model.weights.h5"), writeJson(temp, config));
            QFAIL("opened a model that reads a call the nested model does not have");
        } catch (const InputFileError &e) {
            QVERIFY2(std::string(e.what()).find("'block0'") != std::string::npos, e.what());
        }
        // A nested model called with two inputs although it takes one.
        config = readJson(testData("nested/functional_outer/model.json"));
        layerEntry(config, "block0")["inbound_nodes"][0]["args"]
            = {{kerasTensor("dense", 0), kerasTensor("dense", 0)}};
        QVERIFY_EXCEPTION_THROWN(Model::open(testData("nested/functional_outer/model.weights.h5"),
                                     writeJson(temp, config)),
            UnsupportedModelError);
        // A legacy group whose weight names name no inner layer.
        QVERIFY_EXCEPTION_THROWN(Model::open(testData("nested/functional_outer/save_weights.h5"),
                                     [&] {
                                         auto c = readJson(
                                             testData("nested/functional_outer/model.json"));
                                         auto &inner = layerEntry(c, "block0")["config"];
                                         for (auto &e : inner["layers"])
                                             if (e["name"] == "dense_1")
                                                 e["name"] = "renamed";
                                         std::string text = c.dump();
                                         return writeJson(temp, nlohmann::json::parse(text));
                                     }()),
            InputFileError);
    }
};

QTEST_APPLESS_MAIN(TestNestedModels)
#include "tst_nested_models.moc"
