// attnlens-cli summarize and merge, end to end: the engine's attention on the demo summarised
// per diagnosis, against the NumPy reference computed from Keras's attention
// (tests/data/analysis/make_reference.py); merge of shards = one run, also sharded with GNU
// parallel as the README shows; the refusals.
#include <cmath>

#include <QDir>
#include <QImage>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace {

const QString kReference = ATTNLENS_TEST_DATA "/analysis/reference.h5";

/// Largest |a - b| of two datasets, or infinity when a shape differs or one is missing.
double worstDifference(const QString &fileA, const char *a, const QString &fileB, const char *b)
{
    std::vector<hsize_t> shapeA, shapeB;
    const std::vector<float> x = readFloats(fileA, a, &shapeA);
    const std::vector<float> y = readFloats(fileB, b, &shapeB);
    if (x.empty() || shapeA != shapeB)
        return INFINITY;
    double worst = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i)
        worst = std::max(worst, double(std::fabs(x[i] - y[i])));
    return worst;
}

QStringList summarizeDemo(const QString &out, const QStringList &more = {})
{
    return QStringList {"summarize", demo("breast_cancer_attention.keras"), "--data",
               demo("breast_cancer.csv"), "--by", "target", "--out", out}
    + more;
}

} // namespace

class TestSummarize : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private slots:
    void demoByDiagnosisMatchesTheKerasReference()
    {
        const QString out = path("summary.h5");
        const Result r = runCli(summarizeDemo(out));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.err.contains("569 rows, 3 group(s), 1 attention call(s)"));
        // The engine's attention is within 1e-5 of Keras's; so are its means and statistics.
        for (const char *group : {"all", "target=benign", "target=malignant"}) {
            const std::string g(group);
            const auto in = [&](const char *what) { return g + "/" + what; };
            const auto ref = [&](const char *what) { return "demo/" + g + "/" + what; };
            QVERIFY(worstDifference(out, (in("attention/feature_attention/mean")).c_str(),
                        kReference, ref("mean").c_str())
                < 1e-5);
            QVERIFY(worstDifference(out, in("attention/feature_attention/std").c_str(), kReference,
                        ref("std").c_str())
                < 1e-5);
            QVERIFY(worstDifference(out, in("heads/feature_attention/entropy").c_str(), kReference,
                        ref("entropy").c_str())
                < 2e-5);
            QVERIFY(worstDifference(out, in("heads/feature_attention/max_weight").c_str(),
                        kReference, ref("max_weight").c_str())
                < 1e-5);
            QVERIFY(worstDifference(out, in("received/feature_attention").c_str(), kReference,
                        ref("received").c_str())
                < 1e-5);
        }
        std::vector<hsize_t> shape;
        QCOMPARE(readFloats(out, "all/rollout", &shape).size(), std::size_t(900));
    }

    // --images: per group, call and head choice the mean map, its std and the received bars,
    // and the rollout per group, with the provenance in the PNG text chunks.
    void imagesOfTheSummary()
    {
        const QString dir = path("images");
        const Result r = runCli(summarizeDemo(
            path("images.h5"), {"--images", dir, "--heads", "mean", "--size", "640x480"}));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList files = QDir(dir).entryList(QDir::Files, QDir::Name);
        QCOMPARE(files,
            QStringList({"all_L01-feature_attention_mean.png",
                "all_L01-feature_attention_mean_received.png",
                "all_L01-feature_attention_mean_std.png", "all_rollout.png",
                "target_benign_L01-feature_attention_mean.png",
                "target_benign_L01-feature_attention_mean_received.png",
                "target_benign_L01-feature_attention_mean_std.png", "target_benign_rollout.png",
                "target_malignant_L01-feature_attention_mean.png",
                "target_malignant_L01-feature_attention_mean_received.png",
                "target_malignant_L01-feature_attention_mean_std.png",
                "target_malignant_rollout.png"}));
        const QImage map(QDir(dir).filePath("target_benign_L01-feature_attention_mean.png"));
        QCOMPARE(map.size(), QSize(640, 480));
        QVERIFY2(map.text("Title").contains("target benign (357 samples), mean"),
            qPrintable(map.text("Title")));
        QCOMPARE(map.text("Row"), QStringLiteral("group target=benign"));
        QCOMPARE(map.text("Head"), QStringLiteral("mean"));
        QVERIFY(!map.text("Model-SHA256").isEmpty());
    }

    void mergeOfShardsEqualsOneRun()
    {
        const QString whole = path("whole.h5");
        QCOMPARE(runCli(summarizeDemo(whole, {"--by", "correct"})).exitCode, 0);
        QCOMPARE(
            runCli(summarizeDemo(path("a.h5"), {"--by", "correct", "--rows", "0:250"})).exitCode,
            0);
        QCOMPARE(
            runCli(summarizeDemo(path("b.h5"), {"--by", "correct", "--rows", "250:"})).exitCode, 0);
        const Result merged
            = runCli({"merge", path("a.h5"), path("b.h5"), "--out", path("merged.h5")});
        QVERIFY2(merged.exitCode == 0, merged.err.constData());
        for (const char *name :
            {"all/attention/feature_attention/mean", "correct/attention/feature_attention/std",
                "misclassified/heads/feature_attention/entropy", "all/rollout"})
            QVERIFY2(worstDifference(path("merged.h5"), name, whole, name) < 1e-6, name);
    }

    /// The README's GNU parallel example: shards of --rows in parallel, then merge.
    void gnuParallelShardsMergeToOneRun()
    {
        const QString parallel = QStandardPaths::findExecutable("parallel");
        if (parallel.isEmpty())
            QFAIL(
                "GNU parallel is missing: scripts/install-deps.sh installs it (package parallel)");
        const QString whole = path("p_whole.h5");
        QCOMPARE(runCli(summarizeDemo(whole)).exitCode, 0);
        QProcess shell;
        shell.setWorkingDirectory(m_dir.path());
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("CLI", ATTNLENS_CLI);
        environment.insert("MODEL", demo("breast_cancer_attention.keras"));
        environment.insert("DATA", demo("breast_cancer.csv"));
        shell.setProcessEnvironment(environment);
        shell.start("bash",
            {"-c",
                "parallel --will-cite -j 2 \"$CLI\" summarize \"$MODEL\" --data \"$DATA\" "
                "--by target --rows {} --out part_{#}.h5 ::: 0:200 200:400 400: "
                "&& \"$CLI\" merge part_*.h5 --out p_merged.h5"});
        QVERIFY(shell.waitForFinished(120000));
        QVERIFY2(shell.exitCode() == 0, shell.readAllStandardError().constData());
        for (const char *name : {"all/attention/feature_attention/mean",
                 "target=malignant/attention/feature_attention/sum",
                 "target=benign/heads/feature_attention/entropy"})
            QVERIFY2(worstDifference(path("p_merged.h5"), name, whole, name) < 1e-6, name);
    }

    void refusals()
    {
        // Parts grouped differently.
        QCOMPARE(runCli(summarizeDemo(path("t.h5"), {"--rows", "0:10"})).exitCode, 0);
        const QStringList byCorrect {"summarize", demo("breast_cancer_attention.keras"), "--data",
            demo("breast_cancer.csv"), "--by", "correct", "--rows", "10:20", "--out", path("c.h5")};
        QCOMPARE(runCli(byCorrect).exitCode, 0);
        Result r = runCli({"merge", path("t.h5"), path("c.h5"), "--out", path("m.h5")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("c.h5") && r.err.contains("same --by"), r.err.constData());
        // Not a summary.
        r = runCli({"merge", QString(ATTNLENS_TEST_DATA "/keras/causal/expected.h5"), "--out",
            path("m.h5")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("SUMMARY.h5"), r.err.constData());
        // Usage.
        r = runCli(summarizeDemo(path("x.h5"), {"--by", "colour"}));
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("expected target, prediction or correct"));
        QCOMPARE(runCli({"merge", "--out", path("m.h5")}).exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(TestSummarize)
#include "tst_summarize.moc"
