// attnlens-cli export --session: the view a session file names, as an image in a folder (under
// the export's name) or as the file --out names; a changed model is refused (exit 2, both
// hashes named); a malformed session says where; flags the session decides are usage errors.
#include <QCryptographicHash>
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "tests/cli/cli_util.h"

namespace {

QString sha256Of(const QString &file)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(readAll(file), QCryptographicHash::Sha256).toHex());
}

/// A session of the demo copied into `dir`: sample 12, head `head`, Sample scope, magma.
QByteArray demoSession(const QDir &dir, const QString &head)
{
    const QString model = dir.filePath("model.keras");
    const QString data = dir.filePath("data.csv");
    QFile::copy(demo("breast_cancer_attention.keras"), model);
    QFile::copy(demo("breast_cancer.csv"), data);
    const QJsonObject options {{"features", QJsonArray()}, {"id_column", ""}, {"target_column", ""},
        {"time_column", ""}, {"stride", 1}, {"predictions", "automatic"},
        {"classes", QJsonArray()}};
    const QJsonObject view {{"call", "feature_attention"}, {"head", head}, {"sample", 12},
        {"scope", "sample"}, {"group", "all"}, {"statistic", "mean"}};
    const QJsonObject root {{"format", "attnlens-session"}, {"version", 1},
        {"model", QJsonObject {{"path", model}, {"sha256", sha256Of(model)}}},
        {"config", QJsonValue()},
        {"data", QJsonArray {QJsonObject {{"path", data}, {"sha256", sha256Of(data)}}}},
        {"recipes", QJsonArray()}, {"data_options", options}, {"view", view},
        {"colours", QJsonObject {{"map", "magma"}, {"range", "fixed"}}}};
    return QJsonDocument(root).toJson();
}

} // namespace

class TestSessionExport : public QObject
{
    Q_OBJECT
private slots:
    void writesTheSessionsView()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath("view.json");
        writeFile(session, demoSession(QDir(dir.path()), "head2"));
        const QString folder = dir.filePath("out");
        const Result result = runCli({"export", "--session", session, "--out", folder});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const QString name = "r000012_L01-feature_attention_h02.png"; // the export's naming
        QCOMPARE(QDir(folder).entryList(QDir::Files), QStringList {name});
        QCOMPARE(result.out.trimmed(), QDir(folder).filePath(name).toUtf8());
        const QImage image(QDir(folder).filePath(name));
        QCOMPARE(image.size(), QSize(800, 600));
        QCOMPARE(image.text("Head"), QString("h02"));
        QCOMPARE(image.text("Row"), QString("12"));
        QCOMPARE(image.text("Layer"), QString("feature_attention"));
        QCOMPARE(image.text("Model-SHA256"), sha256Of(dir.filePath("model.keras")));
        QVERIFY2(image.text("Title").startsWith(
                     "model.keras — feature_attention — head 2 — sample 12 · target malignant"),
            qPrintable(image.text("Title")));

        // --out FILE: exactly that file, the format from its extension, with the matrix beside.
        const QString svg = dir.filePath("view.svg");
        const Result asSvg = runCli(
            {"export", "--session", session, "--out", svg, "--size", "400x300", "--matrix", "csv"});
        QVERIFY2(asSvg.exitCode == 0, asSvg.err.constData());
        QVERIFY(readAll(svg).contains("<svg"));
        const QList<QByteArray> csv = readAll(dir.filePath("view.csv")).trimmed().split('\n');
        QCOMPARE(csv.size(), 32); // provenance comment, header, 30 queries
        QVERIFY(csv.front().startsWith("# AttnLens "));
        QVERIFY(csv[1].startsWith("query,mean_radius,"));
    }

    void changedModelIsRefused()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath("view.json");
        writeFile(session, demoSession(QDir(dir.path()), "head1"));
        const QString model = dir.filePath("model.keras");
        const QString saved = sha256Of(model);
        {
            QFile file(model);
            QVERIFY(file.open(QIODevice::Append));
            file.write("!");
        }
        const Result result = runCli({"export", "--session", session, "--out", dir.filePath("o")});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(
            result.err.contains("has changed since the session was saved"), result.err.constData());
        QVERIFY(result.err.contains(saved.toUtf8()));
        QVERIFY(result.err.contains(sha256Of(model).toUtf8()));
        QVERIFY(!QDir(dir.filePath("o")).exists());
    }

    void changedDataIsANote()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath("view.json");
        writeFile(session, demoSession(QDir(dir.path()), "head1"));
        {
            QFile file(dir.filePath("data.csv"));
            QVERIFY(file.open(QIODevice::Append));
            file.write("\n");
        }
        const Result result = runCli({"export", "--session", session, "--out", dir.filePath("o")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QVERIFY2(result.err.startsWith("note: The data file "), result.err.constData());
        QVERIFY(result.err.contains("has changed since the session was saved"));
    }

    void malformedSessionAndUsage()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath("view.json");
        writeFile(session, demoSession(QDir(dir.path()), "all_of_them"));
        const Result bad = runCli({"export", "--session", session, "--out", dir.filePath("o")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains((session + ": at $.view.head: expected").toUtf8()),
            bad.err.constData());

        const Result both
            = runCli({"export", "--session", session, "--heads", "mean", "--out", "o"});
        QCOMPARE(both.exitCode, 1);
        QVERIFY2(both.err.contains("the session file decides --heads"), both.err.constData());
        const Result run = runCli({"run", "--session", session, "--out", "o.h5"});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.err.contains("--session is not an option of 'run'"));
    }
};

QTEST_GUILESS_MAIN(TestSessionExport)
#include "tst_session_export.moc"
