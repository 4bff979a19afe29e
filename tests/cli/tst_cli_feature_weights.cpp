// attnlens-cli run and info with KerasFactory models: /feature_weights/<key> beside /attention,
// attention parts as nested groups, and the feature weights in `info`.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <hdf5.h>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace {

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(ATTNLENS_CLI, arguments);
    process.waitForFinished(120000);
    Result result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

/// A float dataset's shape and values; empty when missing.
std::vector<float> readFloats(const QString &file, const char *path, std::vector<hsize_t> &shape)
{
    std::vector<float> values;
    const hid_t h5 = H5Fopen(file.toUtf8().constData(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (h5 < 0)
        return values;
    const hid_t dataset = H5Dopen2(h5, path, H5P_DEFAULT);
    if (dataset >= 0) {
        const hid_t space = H5Dget_space(dataset);
        shape.assign(std::size_t(H5Sget_simple_extent_ndims(space)), 0);
        H5Sget_simple_extent_dims(space, shape.data(), nullptr);
        values.resize(std::size_t(H5Sget_simple_extent_npoints(space)));
        H5Dread(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
        H5Sclose(space);
        H5Dclose(dataset);
    }
    H5Fclose(h5);
    return values;
}

/// The "labels" attribute (variable-length strings) of a dataset.
std::vector<std::string> readLabels(const QString &file, const char *path)
{
    std::vector<std::string> labels;
    const hid_t h5 = H5Fopen(file.toUtf8().constData(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t attribute = H5Aopen_by_name(h5, path, "labels", H5P_DEFAULT, H5P_DEFAULT);
    const hid_t space = H5Aget_space(attribute);
    std::vector<char *> raw(std::size_t(H5Sget_simple_extent_npoints(space)));
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    if (!raw.empty() && H5Aread(attribute, type, raw.data()) >= 0) {
        for (char *s : raw)
            labels.emplace_back(s);
        H5Dvlen_reclaim(type, space, H5P_DEFAULT, raw.data());
    }
    H5Tclose(type);
    H5Sclose(space);
    H5Aclose(attribute);
    H5Fclose(h5);
    return labels;
}

} // namespace

class TestCliFeatureWeights : public QObject
{
    Q_OBJECT

private slots:
    // kf_weights: column weights (N, 6) labelled by the CSV header, expert gates (N, 3), static
    // module weights (3,), all as Keras computed them (expected.h5, 1e-5).
    void runWritesFeatureWeights()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("result.h5");
        const QString base = testDataQ("kerasfactory/kf_weights/");
        const Result result
            = runCli({"run", base + "model.keras", "--data", base + "data.csv", "--out", out});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QVERIFY2(result.err.contains("3 feature weight set(s)"), result.err.constData());
        for (const char *key : {"column_attention", "moe", "module_weights"}) {
            const std::string path = std::string("/feature_weights/") + key;
            std::vector<hsize_t> shape, wantShape;
            const auto got = readFloats(out, path.c_str(), shape);
            const auto want = readFloats(base + "expected.h5", path.c_str(), wantShape);
            QVERIFY2(!got.empty(), key);
            QCOMPARE(shape, wantShape);
            for (std::size_t i = 0; i < got.size(); ++i)
                QVERIFY2(std::abs(got[i] - want[i]) <= 1e-5f, key);
        }
        QCOMPARE(readLabels(out, "/feature_weights/column_attention"),
            std::vector<std::string>({"c0", "c1", "c2", "c3", "c4", "c5"}));
        QCOMPARE(readLabels(out, "/feature_weights/moe"),
            std::vector<std::string>({"expert 0", "expert 1", "expert 2"}));
        std::vector<hsize_t> shape;
        QVERIFY(!readFloats(out, "/attention/graph_features", shape).empty());
        QCOMPARE(shape, std::vector<hsize_t>({8, 2, 6, 6}));
    }

    // An attention part's key "layer/attribute" is a group holding a dataset.
    void attentionPartsAreNestedGroups()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("result.h5");
        const QString base = testDataQ("kerasfactory/kf_tabular_pipeline/");
        const Result result
            = runCli({"run", base + "model.keras", "--data", base + "data.csv", "--out", out});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        std::vector<hsize_t> shape;
        QVERIFY(!readFloats(out, "/attention/tabular_attention/sample_attention", shape).empty());
        QCOMPARE(shape, std::vector<hsize_t>({8, 3, 12, 12}));
        QVERIFY(!readFloats(out, "/feature_weights/variable_selection", shape).empty());
        QCOMPARE(shape, std::vector<hsize_t>({8, 6}));
        QCOMPARE(readLabels(out, "/feature_weights/variable_selection"),
            std::vector<std::string>({"x0", "x1", "x2", "x3", "x4", "x5"}));
    }

    void infoListsFeatureWeights()
    {
        const QString base = testDataQ("kerasfactory/kf_weights/");
        const Result json = runCli({"info", base + "model.keras", "--json"});
        QVERIFY2(json.exitCode == 0, json.err.constData());
        const auto info = nlohmann::json::parse(json.out.toStdString());
        QCOMPARE(info["feature_weights"].size(), std::size_t(3));
        bool sawModules = false;
        for (const auto &set : info["feature_weights"])
            if (set["key"] == "module_weights") {
                sawModules = true;
                QCOMPARE(set["over"].get<std::string>(), std::string("modules"));
                QVERIFY(set["static"].get<bool>());
                QCOMPARE(set["count"].get<int>(), 3);
            }
        QVERIFY(sawModules);
        const Result text
            = runCli({"info", testDataQ("kerasfactory/kf_tabular_pipeline/model.keras")});
        QVERIFY2(text.out.contains("Feature weights:"), text.out.constData());
        QVERIFY2(text.out.contains("variable_selection  VariableSelection  6 features of input 0"),
            text.out.constData());
        QVERIFY2(text.out.contains("latent channels"), text.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliFeatureWeights)
#include "tst_cli_feature_weights.moc"
