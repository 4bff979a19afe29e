// The session file (ui/session_file.h): the JSON round trip, relative paths after the session and
// its files moved to another folder, a changed model refused with both hashes, a changed data
// file said, and one message (what, where as a JSON path, what next) per malformed file.
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "core/errors.h"
#include "core/io/sha256.h"
#include "tests/test_util.h"
#include "ui/session_file.h"

using namespace attnlens;

namespace {

void copy(const QString &from, const QString &to)
{
    QFile::remove(to);
    QVERIFY2(QFile::copy(from, to), qPrintable(from + " -> " + to));
}

QString demoFile(const char *name)
{
    return QStringLiteral(ATTNLENS_TEST_DATA "/../../resources/demo/") + QLatin1String(name);
}

/// A session over the demo's files copied into `dir`, with every field off its default.
Session demoSession(const QDir &dir)
{
    Session s;
    s.modelFile = dir.filePath(QStringLiteral("model.keras"));
    s.dataFiles = QStringList {dir.filePath(QStringLiteral("data.csv"))};
    copy(demoFile("breast_cancer_attention.keras"), s.modelFile);
    copy(demoFile("breast_cancer.csv"), s.dataFiles.front());
    s.modelSha256 = QString::fromStdString(fileSha256Hex(s.modelFile.toStdString()));
    s.dataSha256 = QStringList {sessionfile::fileSha256(s.dataFiles.front())};
    s.dataOptions.featureColumns = {"mean_radius", "3"};
    s.dataOptions.idColumn = "id";
    s.dataOptions.targetColumn = "diagnosis";
    s.dataOptions.timeColumn = "-";
    s.dataOptions.windowStride = 4;
    s.dataOptions.predictions = PredictionKind::Classes;
    s.dataOptions.classNames = {"benign", "malignant"};
    s.attentionKey = QStringLiteral("feature_attention");
    s.head = {HeadChoice::Kind::Head, 3};
    s.sample = 7;
    s.scope = Scope::Group;
    s.group = "target=malignant";
    s.statistic = GroupStatistic::StandardDeviation;
    s.colorMap = QStringLiteral("magma");
    s.range = RangeMode::SharedHeads;
    return s;
}

QString errorOf(const QByteArray &json, const QString &path)
{
    try {
        sessionfile::fromJson(json, path);
    } catch (const InputFileError &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace

class TestSessionFile : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip();
    void relativePathsAfterAMove();
    void changedModelIsRefused();
    void changedDataIsSaid();
    void malformedFileGivesOneMessage_data();
    void malformedFileGivesOneMessage();
    void writeLeavesNoTemporaryFile();
};

void TestSessionFile::roundTrip()
{
    QTemporaryDir dir;
    const Session saved = demoSession(QDir(dir.path()));
    const QString file = dir.filePath(QStringLiteral("view.json"));
    sessionfile::write(saved, file);
    const Session read = sessionfile::read(file);
    QCOMPARE(read.modelFile, saved.modelFile);
    QCOMPARE(read.modelSha256.size(), 64);
    QCOMPARE(read.dataFiles, saved.dataFiles);
    QCOMPARE(read.dataOptions.featureColumns, (std::vector<std::string> {"mean_radius", "3"}));
    QCOMPARE(read.dataOptions.windowStride, std::int64_t(4));
    QCOMPARE(read.dataOptions.predictions, PredictionKind::Classes);
    QCOMPARE(read.head, (HeadChoice {HeadChoice::Kind::Head, 3}));
    QCOMPARE(read.sample, 7);
    QCOMPARE(read.scope, Scope::Group);
    QCOMPARE(read.group, std::string("target=malignant"));
    QCOMPARE(read.statistic, GroupStatistic::StandardDeviation);
    QCOMPARE(read.colorMap, QStringLiteral("magma"));
    QCOMPARE(read.range, RangeMode::SharedHeads);
    QVERIFY(read == saved);
    QVERIFY(sessionfile::verify(read, file).isEmpty());

    // Versioned: the keys a reader checks first.
    const QJsonObject root = QJsonDocument::fromJson(sessionfile::toJson(saved, file)).object();
    QCOMPARE(root.value(QStringLiteral("format")).toString(), QStringLiteral("attnlens-session"));
    QCOMPARE(root.value(QStringLiteral("version")).toInt(), 1);
    QCOMPARE(root.value(QStringLiteral("view")).toObject().value(QStringLiteral("head")).toString(),
        QStringLiteral("head3"));
}

void TestSessionFile::relativePathsAfterAMove()
{
    QTemporaryDir first;
    const Session saved = demoSession(QDir(first.path()));
    sessionfile::write(saved, first.filePath(QStringLiteral("view.json")));
    // Another machine: the folder arrives under another name; the absolute paths are gone.
    QTemporaryDir parent;
    const QString moved = parent.filePath(QStringLiteral("shared"));
    QVERIFY(QDir().rename(first.path(), moved));
    const Session read = sessionfile::read(moved + QStringLiteral("/view.json"));
    QCOMPARE(read.modelFile, moved + QStringLiteral("/model.keras"));
    QCOMPARE(read.dataFiles, QStringList {moved + QStringLiteral("/data.csv")});
    QVERIFY(sessionfile::verify(read, moved + QStringLiteral("/view.json")).isEmpty());
    QVERIFY(QDir().rename(moved, first.path())); // QTemporaryDir removes its own path
}

void TestSessionFile::changedModelIsRefused()
{
    QTemporaryDir dir;
    const Session saved = demoSession(QDir(dir.path()));
    const QString file = dir.filePath(QStringLiteral("view.json"));
    sessionfile::write(saved, file);
    {
        QFile model(saved.modelFile);
        QVERIFY(model.open(QIODevice::Append));
        model.write("x"); // one byte more: another model as far as the session knows
    }
    const QString now = QString::fromStdString(fileSha256Hex(saved.modelFile.toStdString()));
    QVERIFY(now != saved.modelSha256);
    const Session read = sessionfile::read(file);
    try {
        sessionfile::verify(read, file);
        QFAIL("a changed model was accepted");
    } catch (const InputFileError &e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.startsWith(file + QStringLiteral(": the model ")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("has changed since the session was saved")),
            qPrintable(message));
        QVERIFY2(message.contains(now), qPrintable(message));
        QVERIFY2(message.contains(saved.modelSha256), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("File > Open Model")), qPrintable(message));
    }
}

void TestSessionFile::changedDataIsSaid()
{
    QTemporaryDir dir;
    const Session saved = demoSession(QDir(dir.path()));
    const QString file = dir.filePath(QStringLiteral("view.json"));
    sessionfile::write(saved, file);
    {
        QFile data(saved.dataFiles.front());
        QVERIFY(data.open(QIODevice::Append));
        data.write("\n");
    }
    const QStringList notes = sessionfile::verify(sessionfile::read(file), file);
    QCOMPARE(notes.size(), 1);
    QVERIFY2(notes.front().contains(saved.dataFiles.front()), qPrintable(notes.front()));
    QVERIFY2(notes.front().contains(saved.dataSha256.front()), qPrintable(notes.front()));
    QVERIFY2(notes.front().contains(QStringLiteral("has changed")), qPrintable(notes.front()));
}

void TestSessionFile::malformedFileGivesOneMessage_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << QStringLiteral("\"attnlens-session\",")
                              << QStringLiteral("\"attnlens-session\",,")
                              << QStringLiteral("at $: is not valid JSON (");
    QTest::newRow("not a session")
        << QStringLiteral("\"attnlens-session\"") << QStringLiteral("\"keras\"")
        << QStringLiteral("at $.format: this is not an AttnLens session");
    QTest::newRow("newer version")
        << QStringLiteral("\"version\": 1") << QStringLiteral("\"version\": 7")
        << QStringLiteral("at $.version: the session is version 7, this "
                          "AttnLens reads version 1; open it with a "
                          "newer AttnLens");
    QTest::newRow("head") << QStringLiteral("\"head3\"") << QStringLiteral("\"third\"")
                          << QStringLiteral("at $.view.head: expected \"head<N>\" (N from 0), "
                                            "\"mean\" or \"max\", not \"third\"; fix the value");
    QTest::newRow("stride") << QStringLiteral("\"stride\": 4") << QStringLiteral("\"stride\": 0")
                            << QStringLiteral("at $.data_options.stride: expected a whole number "
                                              "of at least 1");
    QTest::newRow("sample") << QStringLiteral("\"sample\": 7")
                            << QStringLiteral("\"sample\": \"7\"")
                            << QStringLiteral("at $.view.sample: expected a whole number of at "
                                              "least 0");
    QTest::newRow("range") << QStringLiteral("\"shared\"") << QStringLiteral("\"wide\"")
                           << QStringLiteral("at $.colours.range: expected one of \"head\", "
                                             "\"shared\", \"fixed\", not \"wide\"");
    QTest::newRow("missing data file")
        << QStringLiteral("data.csv\"") << QStringLiteral("gone.csv\"")
        << QStringLiteral("at $.data[0]: the data file is missing: not at ");
    QTest::newRow("feature not a string")
        << QStringLiteral("\"mean_radius\"") << QStringLiteral("3")
        << QStringLiteral("at $.data_options.features[0]: "
                          "expected a string");
}

void TestSessionFile::malformedFileGivesOneMessage()
{
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const Session saved = demoSession(QDir(dir.path()));
    const QString file = dir.filePath(QStringLiteral("view.json"));
    QString json = QString::fromUtf8(sessionfile::toJson(saved, file));
    QVERIFY2(json.contains(from), qPrintable(json));
    json.replace(from, to);
    const QString error = errorOf(json.toUtf8(), file);
    QVERIFY2(error.startsWith(file + QStringLiteral(": ")), qPrintable(error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QCOMPARE(error.count(QStringLiteral(" at $")), 1); // one place, named once
}

void TestSessionFile::writeLeavesNoTemporaryFile()
{
    QTemporaryDir dir;
    const Session saved = demoSession(QDir(dir.path()));
    const QString file = dir.filePath(QStringLiteral("view.json"));
    sessionfile::write(saved, file);
    sessionfile::write(saved, file); // over an existing file
    QStringList names = QDir(dir.path()).entryList(QDir::Files | QDir::Hidden);
    names.sort();
    QCOMPARE(names, (QStringList {"data.csv", "model.keras", "view.json"}));
    try {
        sessionfile::write(saved, dir.filePath(QStringLiteral("no/such/folder/view.json")));
        QFAIL("a session was written into a missing folder");
    } catch (const OutputError &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("cannot write the session")),
            e.what());
    }
}

QTEST_GUILESS_MAIN(TestSessionFile)
#include "tst_session_file.moc"
