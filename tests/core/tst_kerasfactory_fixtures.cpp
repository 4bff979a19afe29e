// KerasFactory's layers against the numbers Keras computed (tests/data/kerasfactory, see its
// PROVENANCE.md): outputs within 1e-5 absolute or 1e-4 relative, attention maps and feature
// weights within 1e-5, in every file layout copied. Four of the five files are files that Keras
// itself cannot reload.
#include <QTest>

#include "core/data/axis_labels.h"
#include "core/data/dataset.h"
#include "core/io/hdf5_file.h"
#include "core/runtime/model.h"
#include "tests/core/keras_compare.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

std::filesystem::path caseFile(const std::string &name, const std::string &file)
{
    return testData("kerasfactory/" + name + "/" + file);
}

/// Opens one layout of a case ("model.keras", "model.h5", or "model.weights.h5" with
/// model.json), runs its data and compares everything expected.h5 holds.
void checkCase(const std::string &name, const std::string &file)
{
    std::optional<std::filesystem::path> config;
    if (file == "model.weights.h5")
        config = caseFile(name, "model.json");
    const auto model = Model::open(caseFile(name, file), config);
    const Dataset data = loadDataset({caseFile(name, "data.h5")}, model->inputs());
    const RunResult result = model->run(data.inputs);
    const Hdf5File expected(caseFile(name, "expected.h5"));
    QCOMPARE(result.outputs.size(), std::size_t(1));
    const double outputError
        = worstError(result.outputs[0], expected.readTensor("outputs/0"), 1e-5, 1e-4);
    QVERIFY2(outputError == 0.0, qPrintable(QString::number(outputError)));
    std::size_t maps = 0;
    for (const AttentionScores &scores : result.attention) {
        const std::string path = "attention/" + scores.key;
        QVERIFY2(expected.isDataset(path), scores.key.c_str());
        const double error = worstError(scores.scores, expected.readTensor(path), 1e-5, 0.0);
        QVERIFY2(error == 0.0,
            qPrintable(QString::fromStdString(scores.key) + " " + QString::number(error)));
        ++maps;
    }
    std::size_t expectedMaps = 0;
    for (const std::string &child : expected.children("attention"))
        expectedMaps += expected.isDataset("attention/" + child)
            ? 1
            : expected.children("attention/" + child).size();
    QCOMPARE(maps, expectedMaps);
    std::size_t weightSets = 0;
    for (const FeatureWeights &weights : result.featureWeights) {
        const std::string path = "feature_weights/" + weights.key;
        QVERIFY2(expected.isDataset(path), weights.key.c_str());
        const double error = worstError(weights.weights, expected.readTensor(path), 1e-5, 0.0);
        QVERIFY2(error == 0.0,
            qPrintable(QString::fromStdString(weights.key) + " " + QString::number(error)));
        ++weightSets;
    }
    QCOMPARE(weightSets,
        expected.exists("feature_weights") ? expected.children("feature_weights").size() : 0u);
}

} // namespace

class TestKerasFactoryFixtures : public QObject
{
    Q_OBJECT

private slots:
    void matchesKeras_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("file");
        for (const char *layout : {"model.keras", "model.h5", "model.weights.h5"}) {
            QTest::newRow((std::string("feature_tokens ") + layout).c_str())
                << "kf_feature_tokens" << layout;
            QTest::newRow((std::string("weights ") + layout).c_str()) << "kf_weights" << layout;
        }
        QTest::newRow("mrta_imha model.keras") << "kf_mrta_imha"
                                               << "model.keras";
        QTest::newRow("mrta_imha model.h5") << "kf_mrta_imha"
                                            << "model.h5";
        QTest::newRow("tabular_pipeline model.keras") << "kf_tabular_pipeline"
                                                      << "model.keras";
        QTest::newRow("tft_like model.h5") << "kf_tft_like"
                                           << "model.h5";
    }

    void matchesKeras()
    {
        guarded([&] {
            QFETCH(QString, name);
            QFETCH(QString, file);
            checkCase(name.toStdString(), file.toStdString());
        });
    }

    // keras.saving.load_model fails on this file (VariableSelection's build rejects the saved
    // input shape): AttnLens opens it and computes Keras's in-memory numbers, its attention maps
    // named after the sublayers and its variable importances labelled by the CSV's columns.
    void opensWhatKerasCannotReload()
    {
        guarded([&] {
            const auto model = Model::open(caseFile("kf_tabular_pipeline", "model.keras"));
            std::vector<std::string> keys;
            for (const AttentionLayerInfo &info : model->attentionLayers())
                keys.push_back(info.key);
            QCOMPARE(keys,
                std::vector<std::string>(
                    {"tabular_attention/feature_attention", "tabular_attention/sample_attention"}));
            const AttentionLayerInfo &channels = model->attentionLayers()[1];
            QCOMPARE(channels.queryLength, std::int64_t(12));
            QVERIFY(channels.queryOrigin.kind == AxisOrigin::Kind::LatentChannels);
            QCOMPARE(axisOriginNoun(channels.keyOrigin, true), std::string("latent channels"));
            QCOMPARE(model->featureWeightLayers().size(), std::size_t(1));
            const FeatureWeightsInfo &importance = model->featureWeightLayers()[0];
            QCOMPARE(importance.key, std::string("variable_selection"));
            QCOMPARE(importance.count, std::int64_t(6));
            QVERIFY(importance.over == WeightsOver::Features);
            QVERIFY(importance.origin.kind == AxisOrigin::Kind::Features);
            const Dataset data
                = loadDataset({caseFile("kf_tabular_pipeline", "data.csv")}, model->inputs());
            QCOMPARE(featureWeightLabels(importance, data),
                std::vector<std::string>({"x0", "x1", "x2", "x3", "x4", "x5"}));
            const RunResult result = model->run(data.inputs);
            const Hdf5File expected(caseFile("kf_tabular_pipeline", "expected.h5"));
            QCOMPARE(
                worstError(result.outputs[0], expected.readTensor("outputs/0"), 1e-5, 1e-4), 0.0);
            QCOMPARE(worstError(result.featureWeights[0].weights,
                         expected.readTensor("feature_weights/variable_selection"), 1e-5, 0.0),
                0.0);
        });
    }

    // Static weights come once, (M,); expert gates and module weights are labelled as such;
    // MultiHeadGraphFeaturePreprocessor's own map runs over the CSV's feature columns.
    void weightKindsAndLabels()
    {
        guarded([&] {
            const auto model = Model::open(caseFile("kf_weights", "model.keras"));
            const Dataset data = loadDataset({caseFile("kf_weights", "data.csv")}, model->inputs());
            std::map<std::string, FeatureWeightsInfo> byKey;
            for (const FeatureWeightsInfo &info : model->featureWeightLayers())
                byKey[info.key] = info;
            QCOMPARE(byKey.size(), std::size_t(3));
            QVERIFY(byKey.at("module_weights").isStatic);
            QVERIFY(byKey.at("module_weights").over == WeightsOver::Modules);
            QCOMPARE(featureWeightLabels(byKey.at("moe"), data),
                std::vector<std::string>({"expert 0", "expert 1", "expert 2"}));
            QCOMPARE(featureWeightLabels(byKey.at("module_weights"), data),
                std::vector<std::string>({"module 0", "module 1", "module 2"}));
            QCOMPARE(featureWeightLabels(byKey.at("column_attention"), data),
                std::vector<std::string>({"c0", "c1", "c2", "c3", "c4", "c5"}));
            QCOMPARE(model->attentionLayers().size(), std::size_t(1));
            const AttentionLayerInfo &graph = model->attentionLayers()[0];
            QCOMPARE(graph.key, std::string("graph_features"));
            QVERIFY(graph.queryOrigin.kind == AxisOrigin::Kind::Features);
            QCOMPARE(axisLabels(graph, data).key,
                std::vector<std::string>({"c0", "c1", "c2", "c3", "c4", "c5"}));
            const RunResult result = model->run(data.inputs);
            for (const FeatureWeights &weights : result.featureWeights)
                if (weights.key == "module_weights")
                    QCOMPARE(weights.weights.shape(), Shape({3}));
        });
    }
};

QTEST_APPLESS_MAIN(TestKerasFactoryFixtures)
#include "tst_kerasfactory_fixtures.moc"
