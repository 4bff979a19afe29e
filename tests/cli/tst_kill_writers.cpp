// Nothing partial under a final name: `attnlens-cli run` and `export` on the demo are killed
// with SIGKILL after seeded random delays, and every file left under a final name (RESULT.h5,
// images, matrices) must be complete: RESULT.h5 opens and holds every row, each PNG decodes
// with its text chunks, each CSV matrix has its 30 + 1 lines. Temporary names (".*.part",
// "*.XXXXXX") may stay behind; they are never read as results.
#include <random>

#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <hdf5.h>

#include "tests/cli/cli_util.h"

class TestKillWriters : public QObject
{
    Q_OBJECT
private slots:
    void killedWritersLeaveNoPartialFile();

private:
    /// Starts the CLI with `arguments`, kills it after `delayMs` (if it still runs) and returns
    /// whether it finished by itself.
    static bool runAndKill(const QStringList &arguments, int delayMs);
    static void checkResult(const QString &file);
    static void checkImages(const QString &folder);
    static QByteArray sessionJson(const QString &model, const QString &data, int sample);
};

/// A session file of the demo's sample `sample`, head 2 (hashes left out: not checked).
QByteArray TestKillWriters::sessionJson(const QString &model, const QString &data, int sample)
{
    const QJsonObject options {{"features", QJsonArray()}, {"id_column", ""}, {"target_column", ""},
        {"time_column", ""}, {"stride", 1}, {"predictions", "automatic"},
        {"classes", QJsonArray()}};
    const QJsonObject view {{"call", "feature_attention"}, {"head", "head2"}, {"sample", sample},
        {"scope", "sample"}, {"group", "all"}, {"statistic", "mean"}};
    const QJsonObject root {{"format", "attnlens-session"}, {"version", 1},
        {"model", QJsonObject {{"path", model}}}, {"config", QJsonValue()},
        {"data", QJsonArray {QJsonObject {{"path", data}}}}, {"recipes", QJsonArray()},
        {"data_options", options}, {"view", view},
        {"colours", QJsonObject {{"map", "viridis"}, {"range", "head"}}}};
    return QJsonDocument(root).toJson();
}

bool TestKillWriters::runAndKill(const QStringList &arguments, int delayMs)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(ATTNLENS_CLI), arguments);
    if (!process.waitForStarted(10000))
        return false;
    if (process.waitForFinished(delayMs))
        return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    process.kill(); // SIGKILL: no handler, no clean-up
    process.waitForFinished(10000);
    return false;
}

void TestKillWriters::checkResult(const QString &file)
{
    if (!QFile::exists(file))
        return; // absent is fine
    std::vector<hsize_t> shape;
    const std::vector<float> outputs = readFloats(file, "/outputs/0", &shape);
    QVERIFY2(!outputs.empty(), qPrintable(file + ": a partial RESULT.h5 under the final name"));
    QCOMPARE(shape.front(), hsize_t(569)); // every demo row
    const std::vector<float> attention = readFloats(file, "/attention/feature_attention", &shape);
    QCOMPARE(shape, (std::vector<hsize_t> {569, 4, 30, 30}));
    QCOMPARE(attention.size(), std::size_t(569 * 4 * 30 * 30));
}

void TestKillWriters::checkImages(const QString &folder)
{
    const QDir dir(folder);
    for (const QString &name : dir.entryList({QStringLiteral("*.png")}, QDir::Files)) {
        const QImage image(dir.filePath(name));
        QVERIFY2(!image.isNull(), qPrintable(name + ": a partial PNG under the final name"));
        QCOMPARE(image.size(), QSize(200, 150));
        QVERIFY2(image.text(QStringLiteral("Title")).contains(QStringLiteral("feature_attention")),
            qPrintable(name));
    }
    for (const QString &name : dir.entryList({QStringLiteral("*.csv")}, QDir::Files)) {
        QFile csv(dir.filePath(name));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        // a provenance comment, the header, 30 queries
        QVERIFY2(lines.size() == 32 && lines.front().startsWith("# AttnLens"),
            qPrintable(name + ": a partial CSV under the final name"));
        QCOMPARE(lines.back().count(','), 30);
    }
}

void TestKillWriters::killedWritersLeaveNoPartialFile()
{
    std::mt19937 random(20261202); // seeded: a failure can be replayed
    std::uniform_int_distribution<int> delay(2, 160);
    const QString model = demo("breast_cancer_attention.keras");
    const QString data = demo("breast_cancer.csv");
    QElapsedTimer clock;
    clock.start();
    int killed = 0;
    int finished = 0;
    int killedWithFiles = 0; // killed when some files were written already: mid-write
    for (int round = 0; round < 21; ++round) {
        QTemporaryDir dir;
        const int wait = delay(random);
        const QString folder = dir.filePath(QStringLiteral("images"));
        bool done = false;
        if (round % 3 == 0) {
            const QString result = dir.filePath(QStringLiteral("result.h5"));
            done = runAndKill(
                {"run", model, "--data", data, "--chunk-rows", "50", "--out", result}, wait);
            checkResult(result);
            if (done)
                QVERIFY(QFile::exists(result));
        } else if (round % 3 == 1) {
            done = runAndKill({"export", model, "--data", data, "--rows", "0:20", "--size",
                                  "200x150", "--matrix", "csv", "--out", folder},
                wait);
            checkImages(folder);
            if (done)
                QCOMPARE(QDir(folder).entryList({QStringLiteral("*.png")}, QDir::Files).size(),
                    20 * 4); // 20 rows x the demo's 4 heads
        } else {
            const QString session = dir.filePath(QStringLiteral("view.json"));
            writeFile(session, sessionJson(model, data, round));
            done = runAndKill({"export", "--session", session, "--size", "200x150", "--matrix",
                                  "csv", "--out", folder},
                wait);
            checkImages(folder);
            if (done)
                QCOMPARE(QDir(folder).entryList({QStringLiteral("*.png")}, QDir::Files).size(), 1);
        }
        (done ? finished : killed) += 1;
        if (!done && QDir(folder).entryList(QDir::Files).size() > 0)
            ++killedWithFiles;
        if (QTest::currentTestFailed())
            QFAIL(qPrintable(QStringLiteral("round %1 (killed after %2 ms)").arg(round).arg(wait)));
    }
    QVERIFY2(killed >= 5, "few runs were killed: the delays are too long for this machine");
    qInfo("%d killed (%d after writing some files), %d finished, %lld ms", killed, killedWithFiles,
        finished, qint64(clock.elapsed()));
}

QTEST_GUILESS_MAIN(TestKillWriters)
#include "tst_kill_writers.moc"
