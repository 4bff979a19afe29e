// Subclassed models whose forward pass AttnLens writes as a graph (core/keras/subclassed_models).
// KerasFactory's BaseFeedForwardModel: tests/data/kerasfactory/base_feed_forward, written by its
// make_model.py in the layout the KerasFactory catalogue verified with real Keras 3.15 files; the
// expected outputs are NumPy of feed_forward.py's call() (no Keras on the machine that made them).
#include <fstream>

#include <QTest>
#include <nlohmann/json.hpp>

#include "core/data/dataset.h"
#include "core/errors.h"
#include "core/io/hdf5_file.h"
#include "core/runtime/model.h"
#include "tests/core/keras_compare.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

std::filesystem::path caseFile(const std::string &file)
{
    return testData("kerasfactory/base_feed_forward/" + file);
}

void checkOutputs(const Model &model)
{
    const Dataset data = loadDataset({caseFile("data.h5")}, model.inputs());
    const RunResult result = model.run(data.inputs);
    const Hdf5File reference(caseFile("reference.h5"));
    QCOMPARE(result.outputs.size(), std::size_t(1));
    const double error
        = worstError(result.outputs[0], reference.readTensor("outputs/0"), 1e-5, 1e-4);
    QVERIFY2(error == 0.0, qPrintable(QString::number(error)));
}

/// model.json with its config edited, written to a temporary file.
std::filesystem::path editedConfig(const std::string &name, void (*edit)(nlohmann::json &))
{
    std::ifstream in(caseFile("model.json"));
    nlohmann::json root = nlohmann::json::parse(in);
    edit(root);
    const std::filesystem::path path
        = std::filesystem::temp_directory_path() / ("attnlens_tst_subclassed_" + name + ".json");
    std::ofstream(path) << root.dump();
    return path;
}

std::string refusalOf(const std::filesystem::path &config)
{
    try {
        Model::open(caseFile("model.weights.h5"), config);
    } catch (const Error &e) {
        return e.what();
    }
    return "(accepted)";
}

} // namespace

class TestSubclassedModels : public QObject
{
    Q_OBJECT

private slots:
    void baseFeedForwardPredicts_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("config");
        QTest::newRow("model.keras") << "model.keras"
                                     << "";
        QTest::newRow("model.weights.h5 + model.json") << "model.weights.h5"
                                                       << "model.json";
        QTest::newRow("kmr> alias") << "model.weights.h5"
                                    << "kmr_model.json";
    }

    void baseFeedForwardPredicts()
    {
        guarded([&] {
            QFETCH(QString, file);
            QFETCH(QString, config);
            std::optional<std::filesystem::path> json;
            if (!config.isEmpty())
                json = caseFile(config.toStdString());
            const auto model = Model::open(caseFile(file.toStdString()), json);
            checkOutputs(*model);
        });
    }

    // The graph an analyst sees: one input per feature name, in feature_names order, and the
    // layers named as Python names them.
    void baseFeedForwardGraph()
    {
        guarded([&] {
            const auto model = Model::open(caseFile("model.keras"));
            QCOMPARE(model->summary().className, std::string("kerasfactory>BaseFeedForwardModel"));
            QCOMPARE(model->inputs().size(), std::size_t(3));
            QCOMPARE(model->inputs()[0].name, std::string("age"));
            QCOMPARE(model->inputs()[2].name, std::string("glucose"));
            std::vector<std::string> names;
            for (const LayerInfo &layer : model->layers())
                names.push_back(layer.name);
            for (const char *expected : {"hidden_1", "dropout", "hidden_2", "dropout_1", "output"})
                QVERIFY2(std::find(names.begin(), names.end(), expected) != names.end(), expected);
            // 3*4+4 + 4*3+3 + 3*2+2 weights.
            QCOMPARE(model->summary().parameters, std::int64_t(39));
        });
    }

    // One CSV for the model's one-number inputs: each input takes the column of its name,
    // whatever the column order; the id and target columns are recognised as usual.
    void csvColumnsFeedTheInputsByName()
    {
        guarded([&] {
            const auto model = Model::open(caseFile("model.keras"));
            const Dataset data = loadDataset({caseFile("data.csv")}, model->inputs());
            QCOMPARE(data.inputs.size(), std::size_t(3));
            QCOMPARE(data.inputs[0].shape(), Shape({7, 1}));
            QCOMPARE(data.sampleLabels.front(), std::string("P000"));
            QCOMPARE(data.targetName, std::string("outcome"));
            QCOMPARE(data.featureNames[2], std::vector<std::string>({"glucose"}));
            const RunResult result = model->run(data.inputs);
            const Hdf5File reference(caseFile("reference.h5"));
            const double error
                = worstError(result.outputs[0], reference.readTensor("outputs/0"), 1e-5, 1e-4);
            QVERIFY2(error == 0.0, qPrintable(QString::number(error)));
        });
    }

    void refusals()
    {
        const std::string kdp = refusalOf(editedConfig("kdp", [](nlohmann::json &root) {
            root["config"]["preprocessing_model"] = {{"class_name", "Functional"}};
        }));
        QVERIFY2(kdp.find("preprocessing_model") != std::string::npos, kdp.c_str());
        const std::string other = refusalOf(editedConfig("other",
            [](nlohmann::json &root) { root["registered_name"] = "mylib>BaseFeedForwardModel"; }));
        QVERIFY2(
            other.find("subclassed model of class 'BaseFeedForwardModel'") != std::string::npos,
            other.c_str());
        const std::string units = refusalOf(editedConfig("units", [](nlohmann::json &root) {
            root["config"]["hidden_units"] = {4, 0};
        }));
        QVERIFY2(units.find("hidden_units holds 0") != std::string::npos, units.c_str());
        // A hidden layer wider than the file's weights: the Dense layer says what differs.
        const std::string shapes = refusalOf(editedConfig("shapes", [](nlohmann::json &root) {
            root["config"]["hidden_units"] = {5, 3};
        }));
        QVERIFY2(shapes.find("hidden_1") != std::string::npos, shapes.c_str());
    }
};

QTEST_GUILESS_MAIN(TestSubclassedModels)
#include "tst_subclassed_models.moc"
