// attnlens-cli's data options: --features (names and positions, order kept), --id-column,
// --target-column, --time-column, --stride, --classes / --regression; /rows/id and /rows/target
// in RESULT.h5; the usage errors and the refusals of a column the file lacks.
#include <cmath>

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace {

/// A 1-D string dataset of an HDF5 file and its "column" attribute; empty when missing.
QStringList readStrings(const QString &file, const char *path, QString *column = nullptr)
{
    QStringList out;
    const hid_t h5 = H5Fopen(file.toUtf8().constData(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (h5 < 0)
        return out;
    if (H5Lexists(h5, "rows", H5P_DEFAULT) > 0 && H5Lexists(h5, path, H5P_DEFAULT) > 0) {
        const hid_t dataset = H5Dopen2(h5, path, H5P_DEFAULT);
        const hid_t space = H5Dget_space(dataset);
        std::vector<char *> values(std::size_t(H5Sget_simple_extent_npoints(space)));
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        H5Tset_cset(type, H5T_CSET_UTF8);
        if (!values.empty()
            && H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0) {
            for (char *v : values)
                out << QString::fromUtf8(v);
            H5Dvlen_reclaim(type, space, H5P_DEFAULT, values.data());
        }
        if (column != nullptr && H5Aexists(dataset, "column") > 0) {
            const hid_t attribute = H5Aopen(dataset, "column", H5P_DEFAULT);
            const hid_t stored = H5Aget_type(attribute);
            std::string text(H5Tget_size(stored), '\0');
            H5Aread(attribute, stored, text.data());
            *column = QString::fromStdString(text.c_str());
            H5Tclose(stored);
            H5Aclose(attribute);
        }
        H5Tclose(type);
        H5Sclose(space);
        H5Dclose(dataset);
    }
    H5Fclose(h5);
    return out;
}

/// A time series for ts_encoder (T = 48, 3 channels): rows of time, patient_id and channels
/// a, b, c; `reversed` writes the channels as c, b, a.
QByteArray seriesCsv(int rows, bool reversed)
{
    QByteArray csv = reversed ? "time,patient_id,c,b,a\n" : "time,patient_id,a,b,c\n";
    for (int i = 0; i < rows; ++i) {
        const double a = std::sin(0.3 * i);
        const double b = std::cos(0.17 * i) * 0.5;
        const double c = 0.01 * i - 0.2;
        const QByteArray time
            = QStringLiteral("2024-03-01T%1:00").arg(i, 2, 10, QLatin1Char('0')).toUtf8();
        csv += time + ",P" + QByteArray::number(100 + i) + ",";
        csv += reversed ? QByteArray::number(c, 'g', 9) + "," + QByteArray::number(b, 'g', 9) + ","
                + QByteArray::number(a, 'g', 9)
                        : QByteArray::number(a, 'g', 9) + "," + QByteArray::number(b, 'g', 9) + ","
                + QByteArray::number(c, 'g', 9);
        csv += "\n";
    }
    return csv;
}

const QString kSeriesModel = ATTNLENS_TEST_DATA "/keras/ts_encoder/model.keras";

} // namespace

class TestDataFlags : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private slots:
    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QStringList run {"run", "m.keras", "--data", "d.csv", "--out", "x.h5"};
        QTest::newRow("stride 0") << (run + QStringList {"--stride", "0"})
                                  << "--stride 0: the next window starts this many rows later, "
                                     "so it must be at least 1";
        QTest::newRow("stride text")
            << (run + QStringList {"--stride", "two"}) << "--stride: 'two' is not an integer";
        QTest::newRow("empty feature name")
            << (run + QStringList {"--features", "a,,b"}) << "--features 'a,,b': an empty name";
        QTest::newRow("empty id column") << (run + QStringList {"--id-column", ""})
                                         << "--id-column needs a column name, or '-' for none";
        QTest::newRow("classes on run")
            << (run + QStringList {"--classes", "a,b"}) << "--classes is not an option of 'run'";
        QTest::newRow("features on info") << QStringList {"info", "m.keras", "--features", "a"}
                                          << "--features is not an option of 'info'";
        const QStringList summarize {"summarize", "m.keras", "--data", "d.csv", "--out", "s.h5"};
        QTest::newRow("classes and regression")
            << (summarize + QStringList {"--classes", "a,b", "--regression"})
            << "--classes and --regression exclude each other";
        QTest::newRow("one class")
            << (summarize + QStringList {"--classes", "a"}) << "--classes needs at least two names";
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result r = runCli(arguments);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
    }

    void runWritesIdsAndTargets()
    {
        const QString out = path("ids.h5");
        const Result r = runCli({"run", demo("breast_cancer_attention.keras"), "--data",
            demo("breast_cancer.csv"), "--rows", "3:6", "--out", out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(!r.err.contains("note: "), r.err.constData()); // no data option: no notes
        QString idColumn;
        QString targetColumn;
        QCOMPARE(readStrings(out, "rows/id", &idColumn), (QStringList {"3", "4", "5"}));
        QCOMPARE(idColumn, QStringLiteral("id"));
        // The diagnosis of rows 3..5, as the CSV writes it.
        const QList<QByteArray> lines = readAll(demo("breast_cancer.csv")).split('\n');
        const int diagnosis = lines[0].split(',').indexOf("diagnosis");
        QVERIFY(diagnosis >= 0);
        QStringList expected;
        for (int row = 3; row < 6; ++row)
            expected << QString::fromUtf8(lines[row + 1].split(',')[diagnosis]).trimmed();
        QCOMPARE(readStrings(out, "rows/target", &targetColumn), expected);
        QCOMPARE(targetColumn, QStringLiteral("diagnosis"));

        // No id column, no target: the sample numbers, and no /rows/target. The id column is
        // then a number column like the others, so the 30 features are named.
        QStringList features = QString::fromUtf8(lines[0]).trimmed().split(QLatin1Char(','));
        features.removeAll(QStringLiteral("id"));
        features.removeAll(QStringLiteral("diagnosis"));
        QCOMPARE(features.size(), 30);
        const QString numbered = path("numbered.h5");
        const Result n = runCli({"run", demo("breast_cancer_attention.keras"), "--data",
            demo("breast_cancer.csv"), "--rows", "3:6", "--id-column", "-", "--target-column", "-",
            "--features", features.join(QLatin1Char(',')), "--out", numbered});
        QVERIFY2(n.exitCode == 0, n.err.constData());
        QVERIFY2(n.err.contains("note: ") && n.err.contains("samples labelled by number"),
            n.err.constData());
        // The same outputs as the guess (the same 30 columns in the same order).
        std::vector<hsize_t> shape;
        QCOMPARE(readFloats(numbered, "outputs/0", &shape), readFloats(out, "outputs/0", &shape));
        QCOMPARE(readStrings(numbered, "rows/id", &idColumn), (QStringList {"3", "4", "5"}));
        QCOMPARE(idColumn, QStringLiteral("row"));
        QVERIFY(readStrings(numbered, "rows/target").isEmpty());
    }

    void featuresByPositionKeepTheirOrder()
    {
        // The same series written with its channels reversed, read back in the model's order by
        // position (4,3,2) or by name (a,b,c), gives the outputs of the original file.
        const QString forward = path("forward.csv");
        const QString reversed = path("reversed.csv");
        writeFile(forward, seriesCsv(56, false));
        writeFile(reversed, seriesCsv(56, true));
        const auto run = [&](const QString &data, const QStringList &more, const QString &out) {
            const Result r
                = runCli(QStringList {"run", kSeriesModel, "--data", data, "--out", out} + more);
            QVERIFY2(r.exitCode == 0, r.err.constData());
        };
        run(forward, {}, path("f.h5"));
        run(reversed, {"--features", "4,3,2"}, path("p.h5"));
        run(reversed, {"--features", "a,b,c"}, path("n.h5"));
        run(reversed, {}, path("wrong.h5")); // c, b, a: other inputs, other outputs
        std::vector<hsize_t> shape;
        const std::vector<float> expected = readFloats(path("f.h5"), "outputs/0", &shape);
        QCOMPARE(shape.front(), hsize_t(56 - 48 + 1));
        QCOMPARE(readFloats(path("p.h5"), "outputs/0", &shape), expected);
        QCOMPARE(readFloats(path("n.h5"), "outputs/0", &shape), expected);
        QVERIFY(readFloats(path("wrong.h5"), "outputs/0", &shape) != expected);
    }

    void strideAndIdColumnChooseTheWindows()
    {
        const QString data = path("series.csv");
        writeFile(data, seriesCsv(60, false));
        const QString every = path("every.h5");
        const QString strided = path("strided.h5");
        Result r = runCli({"run", kSeriesModel, "--data", data, "--out", every});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runCli({"run", kSeriesModel, "--data", data, "--stride", "4", "--id-column",
            "patient_id", "--time-column", "time", "--out", strided});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("4 windows of 48 steps, stride 4"), r.err.constData());
        // Window k of stride 4 is window 4k of stride 1: the same outputs (to rounding: the
        // batches differ in size).
        std::vector<hsize_t> shapeEvery, shapeStrided;
        const std::vector<float> all = readFloats(every, "outputs/0", &shapeEvery);
        const std::vector<float> some = readFloats(strided, "outputs/0", &shapeStrided);
        QCOMPARE(shapeEvery.front(), hsize_t(13));
        QCOMPARE(shapeStrided.front(), hsize_t(4));
        const std::size_t per = some.size() / 4;
        for (std::size_t k = 0; k < 4; ++k)
            for (std::size_t i = 0; i < per; ++i)
                QVERIFY2(std::fabs(some[k * per + i] - all[4 * k * per + i]) <= 1e-5f,
                    qPrintable(QStringLiteral("window %1, value %2").arg(k).arg(i)));
        // Each window is named by the id of its last row: 47, 51, 55, 59.
        QString column;
        QCOMPARE(readStrings(strided, "rows/id", &column),
            (QStringList {"P147", "P151", "P155", "P159"}));
        QCOMPARE(column, QStringLiteral("patient_id"));
        // Without --id-column, patient_id is recognised by its name.
        QCOMPARE(readStrings(every, "rows/id").value(0), QStringLiteral("P147"));
    }

    void aColumnTheFileLacksExitsWithTwo()
    {
        const QString data = path("lacks.csv");
        writeFile(data, seriesCsv(50, false));
        Result r = runCli({"run", kSeriesModel, "--data", data, "--features", "a,b,z", "--out",
            path("never.h5")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("lacks.csv: there is no column 'z' to use as a feature; the "
                                "columns are: time, patient_id, a, b, c"),
            r.err.constData());
        QVERIFY(!QFileInfo::exists(path("never.h5")));
        r = runCli({"run", kSeriesModel, "--data", data, "--time-column", "when", "--out",
            path("never.h5")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("there is no column 'when' to use as time"), r.err.constData());
    }

    void classesAndRegressionDecidePredictions()
    {
        const QStringList base {"summarize", demo("breast_cancer_attention.keras"), "--data",
            demo("breast_cancer.csv"), "--rows", "0:40", "--by", "prediction"};
        Result r = runCli(base + QStringList {"--regression", "--out", path("r.h5")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--regression reads the output as values"), r.err.constData());
        r = runCli(base + QStringList {"--classes", "a,b,c", "--out", path("c3.h5")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("3 class names (a, b, c) for the 2 classes of output 0"),
            r.err.constData());
        const QString named = path("named.h5");
        r = runCli(base + QStringList {"--classes", "no,yes", "--out", named});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const hid_t h5 = H5Fopen(named.toUtf8().constData(), H5F_ACC_RDONLY, H5P_DEFAULT);
        QVERIFY(h5 >= 0);
        const bool no = H5Lexists(h5, "prediction=no", H5P_DEFAULT) > 0;
        const bool yes = H5Lexists(h5, "prediction=yes", H5P_DEFAULT) > 0;
        const bool benign = H5Lexists(h5, "prediction=benign", H5P_DEFAULT) > 0;
        H5Fclose(h5);
        QVERIFY(no || yes);
        QVERIFY(!benign);
    }
};

QTEST_MAIN(TestDataFlags)
#include "tst_data_flags.moc"
