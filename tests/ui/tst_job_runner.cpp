// JobRunner directly: result delivery (a load's Workspace with its SHA-256, a sample's scores of
// every attention call equal to the engine's per-call ones), a newer sample job superseding an
// older one, a load whose open probe crashes failing alone, the conflict rules between loads and
// batch exports, batch progress and cancel.
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/runtime/model.h"
#include "tests/test_util.h"
#include "ui/job_runner.h"
#include "ui/report_exporter.h"

#include "resources/demo_files.h"

using namespace attnlens;

class TestJobRunner : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void loadDeliversWorkspace();
    void sampleHasEveryCallInOnePass();
    void samplesAskedForMeanwhileAreCoalesced();
    void exportRefusedWhileLoading();
    void loadRefusedWhileExporting();
    void exportProgressAndCancel();
    void nothingToExportIsRefused();
    void crashingProbeFailsOnlyThatLoad();

private:
    /// Loads `model` with `data` and returns the Workspace (empty model on failure).
    static Workspace load(JobRunner &runner, const QString &model, const QString &data);
    static BatchExportRequest request(const QString &directory, std::int64_t last);

    DemoFiles m_demo;
    Workspace m_demoWorkspace;
};

void TestJobRunner::initTestCase()
{
    m_demo = extractDemoFiles();
    JobRunner runner;
    m_demoWorkspace = load(runner, m_demo.model, m_demo.data);
    QVERIFY(m_demoWorkspace.model != nullptr);
}

Workspace TestJobRunner::load(JobRunner &runner, const QString &model, const QString &data)
{
    QSignalSpy loaded(&runner, &JobRunner::loaded);
    if (!runner.load(model, QString(), {data}, {}) || !loaded.wait(30000))
        return {};
    return loaded.takeFirst().at(0).value<Workspace>();
}

BatchExportRequest TestJobRunner::request(const QString &directory, std::int64_t last)
{
    BatchExportRequest r;
    r.report.directory = directory;
    r.report.size = QSize(200, 150);
    r.firstSample = 0;
    r.lastSample = last;
    return r;
}

void TestJobRunner::loadDeliversWorkspace()
{
    JobRunner runner;
    QSignalSpy progress(&runner, &JobRunner::progress);
    QSignalSpy busy(&runner, &JobRunner::busyChanged);
    const Workspace w = load(runner, m_demo.model, m_demo.data);
    QVERIFY(w.model != nullptr);
    QVERIFY(w.dataset != nullptr);
    QCOMPARE(w.dataset->sampleCount(), 569);
    QCOMPARE(w.modelFile, m_demo.model);
    QCOMPARE(w.dataFiles, QStringList {m_demo.data});
    QFile modelBytes(m_demo.model);
    QVERIFY(modelBytes.open(QIODevice::ReadOnly));
    QCOMPARE(w.modelSha256,
        QString::fromLatin1(
            QCryptographicHash::hash(modelBytes.readAll(), QCryptographicHash::Sha256).toHex()));
    QCOMPARE(w.modelSha256.size(), 64);
    QVERIFY(progress.count() >= 1);
    QCOMPARE(progress.first().at(0).toString(), QStringLiteral("Opening model and data"));
    QTRY_VERIFY(!runner.isBusy());
    QCOMPARE(busy.count(), 2); // true, then false
    QCOMPARE(busy.at(0).at(0).toBool(), true);
    QCOMPARE(busy.at(1).at(0).toBool(), false);

    // Only new data: the model (and its hash) are reused.
    QSignalSpy loaded(&runner, &JobRunner::loaded);
    QVERIFY(runner.load(m_demo.model, QString(), {m_demo.data}, w));
    QVERIFY(loaded.wait(30000));
    const auto again = loaded.takeFirst().at(0).value<Workspace>();
    QCOMPARE(again.model, w.model);
    QCOMPARE(again.modelSha256, w.modelSha256);
    QVERIFY(again.dataset != w.dataset);
}

void TestJobRunner::sampleHasEveryCallInOnePass()
{
    JobRunner runner;
    const Workspace w = load(
        runner, testDataQ("keras/ts_encoder/model.keras"), testDataQ("keras/ts_encoder/data.npy"));
    QVERIFY(w.model != nullptr);
    const auto &calls = w.model->attentionLayers();
    QCOMPARE(calls.size(), std::size_t(2));
    QSignalSpy ready(&runner, &JobRunner::sampleReady);
    runner.computeSample(w, 2);
    QVERIFY(ready.wait(30000));
    const auto scores = ready.takeFirst().at(0).value<SampleAttention>();
    QCOMPARE(scores.sample, 2);
    QCOMPARE(scores.calls.size(), calls.size());
    for (std::size_t c = 0; c < calls.size(); ++c) {
        const Tensor alone = w.model->attentionForSample(w.dataset->inputs, 2, calls[c].key);
        QCOMPARE(scores.calls[c].shape(), alone.shape());
        QCOMPARE(scores.calls[c].rank(), 3);
        for (std::int64_t i = 0; i < alone.size(); ++i)
            if (std::abs(scores.calls[c].data()[i] - alone.data()[i]) > 1e-6f)
                QFAIL(qPrintable(QStringLiteral("call %1 value %2 differs").arg(c).arg(i)));
    }
}

void TestJobRunner::samplesAskedForMeanwhileAreCoalesced()
{
    JobRunner runner;
    QSignalSpy ready(&runner, &JobRunner::sampleReady);
    runner.computeSample(m_demoWorkspace, 1); // runs
    for (const std::int64_t sample : {2, 3, 4, 5})
        runner.computeSample(m_demoWorkspace, sample); // wait as one: the latest
    QTRY_VERIFY_WITH_TIMEOUT(!runner.isBusy(), 30000);
    QCOMPARE(ready.count(), 2);
    QCOMPARE(ready.at(0).at(0).value<SampleAttention>().sample, 1);
    QCOMPARE(ready.at(1).at(0).value<SampleAttention>().sample, 5);
    // A load drops the waiting sample and the running one's result (they are the old model's).
    ready.clear();
    runner.computeSample(m_demoWorkspace, 7);
    runner.computeSample(m_demoWorkspace, 8);
    QSignalSpy loaded(&runner, &JobRunner::loaded);
    QVERIFY(runner.load(m_demoWorkspace.modelFile, {}, {}, {}));
    QTRY_VERIFY_WITH_TIMEOUT(!runner.isBusy(), 30000);
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(ready.count(), 0);
}

void TestJobRunner::exportRefusedWhileLoading()
{
    JobRunner runner;
    QSignalSpy refused(&runner, &JobRunner::refused);
    QSignalSpy loaded(&runner, &JobRunner::loaded);
    QVERIFY(runner.load(m_demo.model, QString(), {m_demo.data}, {}));
    QVERIFY(runner.isLoading());
    QTemporaryDir dir;
    QVERIFY(!runner.exportBatch(m_demoWorkspace, request(dir.path(), 3)));
    QCOMPARE(refused.count(), 1);
    QVERIFY(refused.first().at(0).toString().contains(QStringLiteral("being opened")));
    QVERIFY(!runner.isExporting());
    QVERIFY(loaded.wait(30000)); // the load itself is not disturbed
    QTRY_VERIFY(!runner.isBusy());
    QVERIFY(QDir(dir.path()).isEmpty());
}

void TestJobRunner::loadRefusedWhileExporting()
{
    JobRunner runner;
    QSignalSpy refused(&runner, &JobRunner::refused);
    QSignalSpy finished(&runner, &JobRunner::batchExportFinished);
    QSignalSpy loaded(&runner, &JobRunner::loaded);
    QTemporaryDir dir;
    QVERIFY(runner.exportBatch(m_demoWorkspace, request(dir.path(), 3)));
    QVERIFY(runner.isExporting());
    QVERIFY(!runner.load(m_demo.model, QString(), {m_demo.data}, {}));
    QVERIFY(!runner.exportBatch(m_demoWorkspace, request(dir.path(), 3)));
    QCOMPARE(refused.count(), 2);
    QVERIFY(refused.at(0).at(0).toString().contains(QStringLiteral("batch export is running")));
    QVERIFY(refused.at(1).at(0).toString().contains(QStringLiteral("already running")));
    QVERIFY(finished.wait(30000));
    const auto outcome = finished.first().at(0).value<BatchExportOutcome>();
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
    QCOMPARE(outcome.written, 16); // 4 samples x 4 heads
    QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.png")}, QDir::Files).size(), 16);
    QCOMPARE(loaded.count(), 0);
    QVERIFY(!runner.isExporting());
    QVERIFY(runner.load(m_demo.model, QString(), {m_demo.data}, {})); // allowed again
    QVERIFY(loaded.wait(30000));
}

void TestJobRunner::exportProgressAndCancel()
{
    JobRunner runner;
    QSignalSpy progress(&runner, &JobRunner::batchProgress);
    QSignalSpy finished(&runner, &JobRunner::batchExportFinished);
    QTemporaryDir dir;
    QVERIFY(runner.exportBatch(m_demoWorkspace, request(dir.path(), 199))); // 800 images
    QCOMPARE(progress.count(), 1);
    QCOMPARE(progress.first().at(0).toLongLong(), 0);
    QCOMPARE(progress.first().at(1).toLongLong(), 800);
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 6, 30000);
    runner.cancelBatchExport();
    QCOMPARE(finished.count(), 1); // at once, not after the next chunk
    const auto outcome = finished.first().at(0).value<BatchExportOutcome>();
    QVERIFY(outcome.cancelled);
    QVERIFY(outcome.error.isEmpty());
    QCOMPARE(outcome.total, 800);
    QVERIFY(outcome.written >= 5 && outcome.written < 800);
    for (int i = 1; i < progress.count(); ++i) // one step per image, in order
        QCOMPARE(progress.at(i).at(0).toLongLong(), qint64(i));
    QCOMPARE(progress.last().at(0).toLongLong(), outcome.written);
    QVERIFY(!runner.isExporting());
    QTRY_VERIFY(!runner.isBusy());
    // Every image counted was written (the encoder drains when the job goes).
    QTRY_COMPARE(QDir(dir.path()).entryList({QStringLiteral("*.png")}, QDir::Files).size(),
        int(outcome.written));
}

void TestJobRunner::nothingToExportIsRefused()
{
    JobRunner runner;
    QSignalSpy refused(&runner, &JobRunner::refused);
    QTemporaryDir dir;
    BatchExportRequest none = request(dir.path(), 3);
    none.heads = {.allHeads = false, .heads = {}, .mean = false, .max = false};
    QVERIFY(!runner.exportBatch(m_demoWorkspace, none));
    QVERIFY(!runner.exportBatch(Workspace {}, request(dir.path(), 3)));
    QCOMPARE(refused.count(), 2);
    QVERIFY(refused.at(0).at(0).toString().contains(QStringLiteral("no head")));
    QVERIFY(refused.at(1).at(0).toString().contains(QStringLiteral("Nothing to export")));
    QVERIFY(!runner.isBusy());
}

void TestJobRunner::crashingProbeFailsOnlyThatLoad()
{
    JobRunner runner;
    runner.setOpenProbe(OpenProbe(QStringLiteral(ATTNLENS_TEST_PROBE)));
    QSignalSpy failed(&runner, &JobRunner::failed);
    QSignalSpy loaded(&runner, &JobRunner::loaded);
    qputenv("ATTNLENS_PROBE_FAULT", "crash-model");
    QVERIFY(runner.load(m_demo.model, QString(), {m_demo.data}, m_demoWorkspace));
    QVERIFY(failed.wait(30000));
    qunsetenv("ATTNLENS_PROBE_FAULT");
    QCOMPARE(loaded.count(), 0);
    QCOMPARE(failed.first().at(0).toString(), QStringLiteral("Cannot open file"));
    QVERIFY2(failed.first().at(1).toString().startsWith(
                 QStringLiteral("breast_cancer_attention.keras crashed the zip reader")),
        qPrintable(failed.first().at(1).toString()));
    // The runner (and the process) go on: the same files open once the reader behaves.
    const Workspace w = load(runner, m_demo.model, m_demo.data);
    QVERIFY(w.model != nullptr);
    QCOMPARE(w.dataset->sampleCount(), 569);
}

QTEST_MAIN(TestJobRunner)
#include "tst_job_runner.moc"
