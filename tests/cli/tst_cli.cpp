// Drives the attnlens-cli executable (ATTNLENS_CLI) with QProcess: every command, every exit code.
#include <cmath>
#include <csignal>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <hdf5.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace {

// A string attribute of the root group; empty when missing.
QString readStringAttribute(const QString &file, const char *name)
{
    QString value;
    const hid_t h5 = H5Fopen(file.toUtf8().constData(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (h5 < 0)
        return value;
    const hid_t attribute = H5Aopen(h5, name, H5P_DEFAULT);
    if (attribute >= 0) {
        const hid_t type = H5Aget_type(attribute);
        std::string bytes(H5Tget_size(type), '\0');
        if (H5Aread(attribute, type, bytes.data()) >= 0)
            value = QString::fromUtf8(bytes.c_str());
        H5Tclose(type);
        H5Aclose(attribute);
    }
    H5Fclose(h5);
    return value;
}

std::vector<long long> readRowsAttribute(const QString &file)
{
    std::vector<long long> rows;
    const hid_t h5 = H5Fopen(file.toUtf8().constData(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t attribute = H5Aopen(h5, "rows", H5P_DEFAULT);
    const hid_t space = H5Aget_space(attribute);
    rows.resize(std::size_t(H5Sget_simple_extent_npoints(space)));
    H5Aread(attribute, H5T_NATIVE_LLONG, rows.data());
    H5Sclose(space);
    H5Aclose(attribute);
    H5Fclose(h5);
    return rows;
}

// The tEXt / zTXt / iTXt chunks of a PNG file (Qt compresses texts longer than 40 characters), and
// its IHDR size. Parsed by hand: this test links Qt Core only.
QMap<QString, QString> pngTexts(const QByteArray &png, QSize *size)
{
    QMap<QString, QString> texts;
    auto be32 = [&](qsizetype at) {
        return (quint32(quint8(png[at])) << 24) | (quint32(quint8(png[at + 1])) << 16)
            | (quint32(quint8(png[at + 2])) << 8) | quint32(quint8(png[at + 3]));
    };
    for (qsizetype at = 8; at + 12 <= png.size();) {
        const qsizetype length = be32(at);
        const QByteArray type = png.mid(at + 4, 4);
        const QByteArray data = png.mid(at + 8, length);
        if (type == "IHDR")
            *size = QSize(int(be32(at + 8)), int(be32(at + 12)));
        const qsizetype zero = data.indexOf('\0');
        if (type == "tEXt" && zero > 0)
            texts.insert(
                QString::fromLatin1(data.left(zero)), QString::fromLatin1(data.mid(zero + 1)));
        if (type == "zTXt" && zero > 0) {
            const QByteArray stream = QByteArray("\x00\x01\x00\x00", 4) + data.mid(zero + 2);
            texts.insert(
                QString::fromLatin1(data.left(zero)), QString::fromLatin1(qUncompress(stream)));
        }
        if (type == "iTXt" && zero > 0 && data.size() > zero + 3) { // UTF-8 (the title)
            const qsizetype language = data.indexOf('\0', zero + 3);
            const qsizetype translated = data.indexOf('\0', language + 1);
            QByteArray text = data.mid(translated + 1);
            if (data[zero + 1] != 0)
                text = qUncompress(QByteArray("\x00\x01\x00\x00", 4) + text);
            texts.insert(QString::fromLatin1(data.left(zero)), QString::fromUtf8(text));
        }
        at += 12 + length;
    }
    return texts;
}

// Exactly one line on stderr, naming `file`.
void verifyOneLineNaming(const Result &result, const QString &file)
{
    const QByteArray err = result.err.trimmed();
    QVERIFY2(!err.isEmpty(), "no error message");
    QVERIFY2(!err.contains('\n'), err.constData());
    QVERIFY2(err.contains(QFileInfo(file).fileName().toUtf8()), err.constData());
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void helpAndVersion()
    {
        const Result help = runCli({"--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("attnlens-cli export MODEL"));
        const Result version = runCli({"--version"});
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out.trimmed(), QByteArray("attnlens-cli " ATTNLENS_VERSION));
    }

    void usageErrorsExitWithOne_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("no command") << QStringList();
        QTest::newRow("unknown command") << QStringList({"frobnicate", "m.keras"});
        QTest::newRow("unknown option") << QStringList({"info", "m.keras", "--bogus"});
        QTest::newRow("no model") << QStringList({"info"});
        QTest::newRow("run without --out") << QStringList({"run", "m.keras", "--data", "d.csv"});
        QTest::newRow("bad rows") << QStringList(
            {"run", "m.keras", "--data", "d.csv", "--rows", "5:2", "--out", "x.h5"});
        QTest::newRow("bad heads") << QStringList(
            {"export", "m.keras", "--data", "d.csv", "--out", "d", "--heads", "two"});
        QTest::newRow("bad format") << QStringList(
            {"export", "m.keras", "--data", "d.csv", "--out", "d", "--format", "gif"});
        QTest::newRow("bad size") << QStringList(
            {"export", "m.keras", "--data", "d.csv", "--out", "d", "--size", "800"});
        QTest::newRow("bad colormap") << QStringList(
            {"export", "m.keras", "--data", "d.csv", "--out", "d", "--colormap", "rainbowz"});
        QTest::newRow("zero chunk rows") << QStringList(
            {"run", "m.keras", "--data", "d.csv", "--out", "x.h5", "--chunk-rows", "0"});
        QTest::newRow("chunk rows on export") << QStringList(
            {"export", "m.keras", "--data", "d.csv", "--out", "d", "--chunk-rows", "4"});
        QTest::newRow("json on run")
            << QStringList({"run", "m.keras", "--json", "--data", "d.csv", "--out", "x.h5"});
    }

    void usageErrorsExitWithOne()
    {
        QFETCH(QStringList, arguments);
        const Result result = runCli(arguments);
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.err.startsWith("attnlens-cli: "));
    }

    void infoJsonListsTheDemoAttention()
    {
        const Result result = runCli({"info", demo("breast_cancer_attention.keras"), "--json"});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const auto json = nlohmann::json::parse(result.out.toStdString());
        bool found = false;
        for (const auto &layer : json.at("attention_layers")) {
            if (layer.at("key") == "feature_attention") {
                found = true;
                QCOMPARE(layer.at("heads").get<int>(), 4);
                QCOMPARE(layer.at("query_length").get<int>(), 30);
                QCOMPARE(layer.at("key_length").get<int>(), 30);
            }
        }
        QVERIFY(found);
        QVERIFY(json.at("layers").size() >= 5);
        QCOMPARE(json.at("inputs").size(), std::size_t(1));
    }

    void infoText()
    {
        const Result result = runCli({"info", testDataQ("keras/ts_encoder/model.h5")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QVERIFY(result.out.contains("block0_mha"));
        QVERIFY(result.out.contains("block1_mha"));
        QVERIFY(result.out.contains("heads=4"));
        QVERIFY(result.out.contains("MultiHeadAttention"));
    }

    void runMatchesKeras_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::newRow("one chunk") << QStringList();
        QTest::newRow("chunks of 3 rows (3+3+2)") << QStringList({"--chunk-rows", "3"});
    }

    void runMatchesKeras()
    {
        QFETCH(QStringList, extra);
        QTemporaryDir dir;
        const QString out = dir.filePath("result.h5");
        const Result result
            = runCli(QStringList({"run", testDataQ("keras/ts_encoder/model.keras"), "--data",
                         testDataQ("keras/ts_encoder/data.h5"), "--out", out})
                + extra);
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QCOMPARE(
            QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList({"result.h5"}));
        const QString expected = testDataQ("keras/ts_encoder/expected.h5");
        for (const char *path : {"/attention/block0_mha", "/attention/block1_mha", "/outputs/0"}) {
            std::vector<hsize_t> gotShape, wantShape;
            const auto got = readFloats(out, path, &gotShape);
            const auto want = readFloats(expected, path, &wantShape);
            QVERIFY2(!want.empty(), path);
            QCOMPARE(gotShape, wantShape);
            double worst = 0;
            for (std::size_t i = 0; i < want.size(); ++i)
                worst = std::max(worst, double(std::abs(got[i] - want[i])));
            QVERIFY2(
                worst <= 1e-5, qPrintable(QString("%1: max difference %2").arg(path).arg(worst)));
        }
        QCOMPARE(readRowsAttribute(out), std::vector<long long>({0, 1, 2, 3, 4, 5, 6, 7}));
        // The hash the core computes at open, against Qt's.
        const QByteArray modelHash = QCryptographicHash::hash(
            readAll(testDataQ("keras/ts_encoder/model.keras")), QCryptographicHash::Sha256)
                                         .toHex();
        QCOMPARE(readStringAttribute(out, "model_sha256"), QString::fromLatin1(modelHash));
    }

    void runSelectsRows()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("rows.h5");
        const Result result = runCli({"run", testDataQ("keras/ts_encoder/model.keras"), "--data",
            testDataQ("keras/ts_encoder/data.h5"), "--rows", "2:5", "--out", out});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QCOMPARE(readRowsAttribute(out), std::vector<long long>({2, 3, 4}));
        std::vector<hsize_t> gotShape, wantShape;
        const auto got = readFloats(out, "/attention/block1_mha", &gotShape);
        const auto want = readFloats(
            testDataQ("keras/ts_encoder/expected.h5"), "/attention/block1_mha", &wantShape);
        QCOMPARE(gotShape.at(0), hsize_t(3));
        const std::size_t perRow = want.size() / wantShape[0];
        for (std::size_t i = 0; i < got.size(); ++i)
            QVERIFY(std::abs(got[i] - want[2 * perRow + i]) <= 1e-5f);
    }

    void exportWritesNamedPngs()
    {
        QTemporaryDir dir;
        const Result result = runCli({"export", demo("breast_cancer_attention.keras"), "--data",
            demo("breast_cancer.csv"), "--rows", "3:5", "--out", dir.path(), "--matrix", "csv"});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QStringList expected;
        for (const char *row : {"r000003", "r000004"})
            for (const char *head : {"h00", "h01", "h02", "h03"})
                for (const char *ext : {"csv", "png"})
                    expected << QString("%1_L01-feature_attention_%2.%3").arg(row, head, ext);
        expected.sort();
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden, QDir::Name), expected);
        const QString png = dir.filePath("r000004_L01-feature_attention_h02.png");
        QVERIFY(readAll(png).startsWith("\x89PNG\r\n\x1a\n"));
        QSize size;
        const auto texts = pngTexts(readAll(png), &size);
        QCOMPARE(size, QSize(800, 600));
        QCOMPARE(texts.value("Layer"), QString("feature_attention"));
        QCOMPARE(texts.value("Head"), QString("h02"));
        QCOMPARE(texts.value("Row"), QString("4"));
        QCOMPARE(texts.value("Model-File"), QString("breast_cancer_attention.keras"));
        QCOMPARE(texts.value("Software"), QString("AttnLens " ATTNLENS_VERSION));
        QCOMPARE(texts.value("Model-SHA256").size(), 64);
        QCOMPARE(texts.value("Title"),
            QString::fromUtf8("breast_cancer_attention.keras — feature_attention — head 2 — sample "
                              "4 · target malignant · "
                              "predicted malignant 1.000"));
        const QByteArray csv = readAll(dir.filePath("r000004_L01-feature_attention_h02.csv"));
        QVERIFY(
            csv.startsWith("# AttnLens " ATTNLENS_VERSION "; model breast_cancer_attention.keras"));
        QVERIFY(csv.contains("\nquery,mean_radius,mean_texture"));
        QCOMPARE(csv.count('\n'), 32); // provenance comment, header, 30 queries
    }

    void exportVectorFormats_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QByteArray>("magic");
        QTest::newRow("pdf") << "pdf" << QByteArray("%PDF");
        QTest::newRow("svg") << "svg" << QByteArray("<svg");
        QTest::newRow("jpg") << "jpg" << QByteArray("\xff\xd8");
    }

    void exportVectorFormats()
    {
        QFETCH(QString, format);
        QFETCH(QByteArray, magic);
        QTemporaryDir dir;
        const Result result = runCli({"export", demo("breast_cancer_attention.keras"), "--data",
            demo("breast_cancer.csv"), "--rows", "7:8", "--heads", "mean", "--format", format,
            "--out", dir.path(), "--colormap", "magma", "--size", "640x480", "--matrix", "npy"});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const QString base = dir.filePath("r000007_L01-feature_attention_mean.");
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 2);
        const QByteArray bytes = readAll(base + format);
        QVERIFY2(
            format == "svg" ? bytes.contains(magic) : bytes.startsWith(magic), qPrintable(format));
        QVERIFY(readAll(base + "npy").startsWith("\x93NUMPY"));
    }

    void exportHeadListAndUnknownHead()
    {
        QTemporaryDir dir;
        Result result = runCli({"export", demo("breast_cancer_attention.keras"), "--data",
            demo("breast_cancer.csv"), "--rows", ":1", "--heads", "0,3", "--out", dir.path()});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files),
            QStringList({"r000000_L01-feature_attention_h00.png",
                "r000000_L01-feature_attention_h03.png"}));
        result = runCli({"export", demo("breast_cancer_attention.keras"), "--data",
            demo("breast_cancer.csv"), "--rows", ":1", "--heads", "9", "--out", dir.path()});
        QCOMPARE(result.exitCode, 1);
        result = runCli({"export", demo("breast_cancer_attention.keras"), "--data",
            demo("breast_cancer.csv"), "--rows", ":1", "--layer", "nope", "--out", dir.path()});
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.err.contains("feature_attention"));
    }

    void badInputsExitWithTwo()
    {
        QTemporaryDir dir;
        const QString model = testDataQ("keras/ts_encoder/model.keras");
        const QByteArray modelBytes = readAll(model);
        const QString truncated = dir.filePath("truncated.keras");
        writeFile(truncated, modelBytes.left(modelBytes.size() / 2));
        const QString lfs = dir.filePath("pointer.keras");
        writeFile(lfs,
            "version https://git-lfs.github.com/spec/v1\n"
            "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
            "size 123456\n");
        const QString notKeras = testDataQ("keras/ts_encoder/data.h5");
        const QString badCsv = dir.filePath("bad.csv");
        writeFile(badCsv, QByteArray("a,b\n\"unterminated,1\n").append(QByteArray(10, '\0')));
        const QString narrow = dir.filePath("narrow.csv");
        writeFile(narrow, "a,b,c\n1,2,3\n4,5,6\n");
        const QString out = dir.filePath("r.h5");

        struct Case
        {
            QStringList arguments;
            QString file;
        };
        const QList<Case> cases = {
            {{"info", truncated}, truncated},
            {{"info", lfs}, lfs},
            {{"info", notKeras}, notKeras},
            {{"info", dir.filePath("missing.keras")}, "missing.keras"},
            {{"run", demo("breast_cancer_attention.keras"), "--data", badCsv, "--out", out},
                badCsv},
            {{"run", demo("breast_cancer_attention.keras"), "--data", narrow, "--out", out},
                narrow},
        };
        for (const Case &c : cases) {
            const Result result = runCli(c.arguments);
            QVERIFY2(result.exitCode == 2,
                qPrintable(c.arguments.join(' ') + " -> " + QString::number(result.exitCode) + ": "
                    + result.err));
            verifyOneLineNaming(result, c.file);
        }
        QVERIFY(!QFile::exists(out));
    }

    void unwritableOutputExitsWithFour()
    {
        // The output's folder is a regular file: nothing can be created there (even by root).
        QTemporaryDir dir;
        const QString blocker = dir.filePath("not-a-folder");
        writeFile(blocker, "x");
        const QString model = testDataQ("keras/ts_encoder/model.keras");
        const QString data = testDataQ("keras/ts_encoder/data.h5");
        const Result run = runCli({"run", model, "--data", data, "--out", blocker + "/r.h5"});
        QVERIFY2(run.exitCode == 4, run.err.constData());
        verifyOneLineNaming(run, "r.h5");
        QVERIFY2(run.err.contains("cannot write"), run.err.constData());
        QVERIFY2(!run.err.contains("internal error"), run.err.constData());

        const Result exported = runCli({"export", demo("breast_cancer_attention.keras"), "--data",
            demo("breast_cancer.csv"), "--rows", "0:1", "--out", blocker + "/images"});
        QVERIFY2(exported.exitCode == 4, exported.err.constData());
        verifyOneLineNaming(exported, "images");

        // The input is read first: a bad model file is still exit 2, whatever the output.
        const QString truncated = dir.filePath("truncated.keras");
        writeFile(truncated, readAll(model).left(1000));
        const Result bad = runCli({"run", truncated, "--data", data, "--out", blocker + "/r.h5"});
        QVERIFY2(bad.exitCode == 2, bad.err.constData());
        verifyOneLineNaming(bad, truncated);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
            QStringList({"not-a-folder", "truncated.keras"}));
    }

    void lambdaModelExitsWithThree()
    {
        QTemporaryDir dir;
        QByteArray json = readAll(testDataQ("keras/ts_encoder/model.json"));
        const auto parsed = nlohmann::json::parse(json.toStdString());
        auto edited = parsed;
        // The GlobalAveragePooling1D becomes a Lambda: Python code AttnLens must refuse to run.
        for (auto &layer : edited["config"]["layers"]) {
            if (layer["class_name"] == "GlobalAveragePooling1D") {
                layer["class_name"] = "Lambda";
                layer["config"]["function"] = {{"class_name", "__lambda__"},
                    {"config",
                        {{"code", "4wEAAAAAAAAA"}, {"defaults", nullptr}, {"closure", nullptr}}}};
            }
        }
        QVERIFY(edited != parsed);
        const QString config = dir.filePath("model.json");
        writeFile(config, QByteArray::fromStdString(edited.dump()));
        const Result result
            = runCli({"info", testDataQ("keras/ts_encoder/model.weights.h5"), "--config", config});
        QVERIFY2(result.exitCode == 3, result.err.constData());
        QVERIFY(!result.err.trimmed().contains('\n'));
        QVERIFY(result.err.contains("Lambda"));
    }

    void ctrlCStopsExportCleanly()
    {
        // A long export (every row and head of the demo: 2,276 images), interrupted once the first
        // images exist: exit 130, every image that is there is complete, no temporary file is left.
        QTemporaryDir dir;
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("QT_QPA_PLATFORM", "offscreen");
        process.setProcessEnvironment(environment);
        process.start(ATTNLENS_CLI,
            {"export", testDataQ("../../resources/demo/breast_cancer_attention.keras"), "--data",
                testDataQ("../../resources/demo/breast_cancer.csv"), "--out", dir.path()});
        QVERIFY(process.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(
            QDir(dir.path()).entryList({"*.png"}, QDir::Files).size() >= 3, 60000);
        QCOMPARE(::kill(static_cast<pid_t>(process.processId()), SIGINT), 0);
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 130);
        const QStringList images = QDir(dir.path()).entryList(QDir::Files | QDir::Hidden);
        QVERIFY2(images.size() < 2276, "the export was not interrupted");
        for (const QString &name : images) {
            QVERIFY2(name.endsWith(".png"), qPrintable("left behind: " + name));
            QFile file(dir.filePath(name));
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            QVERIFY2(bytes.startsWith("\x89PNG")
                    && bytes.endsWith(QByteArray("IEND\xae\x42\x60\x82", 8)),
                qPrintable("incomplete image: " + name));
        }
    }
};

QTEST_APPLESS_MAIN(TestCli)
#include "tst_cli.moc"
