// OpenProbe, the child process that reads new files before the window does (issue 15): with the
// app's own probe (`attnlens --open-probe`) a good model and data open and a bad file's refusal
// is the reader's own message, word for word; with the test build's fault hook
// (ATTNLENS_PROBE_FAULT, tests/ui/probe/) a child that dies by a signal or hangs becomes an
// InputFileError that names the file and its reader, and a stale load kills its child at once;
// in the window, a crashing reader gives a dialog and the open model, view and session stay as
// they were.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

#include "core/errors.h"
#include "core/runtime/model.h"
#include "tests/test_util.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"
#include "ui/open_probe.h"

#include "resources/demo_files.h"

using namespace attnlens;

namespace {

/// What check() threw: its message, or "" when it returned.
QString outcome(
    const OpenProbe &probe, const OpenRequest &request, const std::function<bool()> &stale = {})
{
    try {
        probe.check(request, stale);
        return {};
    } catch (const InputFileError &e) {
        return QString::fromUtf8(e.what());
    }
}

/// Sets ATTNLENS_PROBE_FAULT for the children started while it lives.
class Fault
{
public:
    explicit Fault(const char *fault) { qputenv("ATTNLENS_PROBE_FAULT", fault); }
    ~Fault() { qunsetenv("ATTNLENS_PROBE_FAULT"); }
    Fault(const Fault &) = delete;
    Fault &operator=(const Fault &) = delete;
};

} // namespace

class TestOpenProbe : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void appProbeOpensGoodFiles();
    void appProbeRefusalIsTheReadersMessage();
    void appProbeIgnoresTheFaultVariable();
    void crashNamesFileAndReader_data();
    void crashNamesFileAndReader();
    void hangTimesOut();
    void staleLoadKillsChild();
    void hookRefusalComesBackOverThePipe();
    void missingProbeLeavesReadingInProcess();
    void windowKeepsItsSessionWhenTheReaderCrashes();

private:
    OpenRequest demoRequest() const;

    DemoFiles m_demo;
};

void TestOpenProbe::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // the window's settings in a test location
    QCoreApplication::setOrganizationName(QStringLiteral("AttnLensTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_open_probe"));
    m_demo = extractDemoFiles();
}

OpenRequest TestOpenProbe::demoRequest() const
{
    return OpenRequest {m_demo.model, QString(), {m_demo.data}, {}, {}};
}

void TestOpenProbe::appProbeOpensGoodFiles()
{
    const OpenProbe probe(QStringLiteral(ATTNLENS_APP));
    QCOMPARE(outcome(probe, demoRequest()), QString());
    QCOMPARE(outcome(probe,
                 OpenRequest {testDataQ("keras/ts_encoder/model.keras"), QString(),
                     {testDataQ("keras/ts_encoder/data.npy")}, {}, {}}),
        QString());
}

void TestOpenProbe::appProbeRefusalIsTheReadersMessage()
{
    const OpenRequest request {testDataQ("bad/truncated.h5"), QString(), {}, {}, {}};
    QString inProcess;
    try {
        request.openModel();
    } catch (const Error &e) {
        inProcess = QString::fromUtf8(e.what());
    }
    QVERIFY(inProcess.contains(QStringLiteral("truncated.h5")));
    QCOMPARE(outcome(OpenProbe(QStringLiteral(ATTNLENS_APP)), request), inProcess);
}

void TestOpenProbe::appProbeIgnoresTheFaultVariable()
{
    const Fault fault("crash-model");
    QCOMPARE(outcome(OpenProbe(QStringLiteral(ATTNLENS_APP)), demoRequest()), QString());
}

void TestOpenProbe::crashNamesFileAndReader_data()
{
    QTest::addColumn<QByteArray>("fault");
    QTest::addColumn<QString>("expected");
    QTest::newRow("segv in the model reader")
        << QByteArray("crash-model")
        << QStringLiteral("breast_cancer_attention.keras crashed the zip reader; it was not "
                          "opened. It was read first in a separate process, which died of "
                          "signal 11 (Segmentation fault)");
    QTest::newRow("abort in the data reader")
        << QByteArray("abort-data")
        << QStringLiteral("breast_cancer.csv crashed the CSV reader; it was not opened. It was "
                          "read first in a separate process, which died of signal 6 (Aborted)");
}

void TestOpenProbe::crashNamesFileAndReader()
{
    QFETCH(QByteArray, fault);
    QFETCH(QString, expected);
    const Fault set(fault.constData());
    const QString message = outcome(OpenProbe(QStringLiteral(ATTNLENS_TEST_PROBE)), demoRequest());
    QVERIFY2(message.startsWith(expected), qPrintable(message));
}

void TestOpenProbe::hangTimesOut()
{
    const Fault fault("hang-model");
    QElapsedTimer clock;
    clock.start();
    const QString message
        = outcome(OpenProbe(QStringLiteral(ATTNLENS_TEST_PROBE), 500), demoRequest());
    QCOMPARE(message,
        QStringLiteral("breast_cancer_attention.keras did not finish opening within 0.5 s (the "
                       "zip reader may be stuck on it); it was not opened."));
    QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
}

void TestOpenProbe::staleLoadKillsChild()
{
    const Fault fault("hang-data");
    QElapsedTimer clock;
    clock.start();
    bool cancelled = false;
    try {
        OpenProbe(QStringLiteral(ATTNLENS_TEST_PROBE)).check(demoRequest(), [&clock] {
            return clock.elapsed() > 300;
        });
    } catch (const Cancelled &) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
}

void TestOpenProbe::hookRefusalComesBackOverThePipe()
{
    const OpenProbe probe(QStringLiteral(ATTNLENS_TEST_PROBE));
    {
        const Fault fault("refuse-model");
        QCOMPARE(outcome(probe, demoRequest()), QStringLiteral("fault hook: refused the model"));
    }
    // A refused data file is left to the caller's own read, which reports it through its data
    // path (JobRunner::dataRejected and the data options); check() itself returns.
    const Fault fault("refuse-data");
    QCOMPARE(outcome(probe, demoRequest()), QString());
}

void TestOpenProbe::missingProbeLeavesReadingInProcess()
{
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("did not start")));
    QCOMPARE(outcome(OpenProbe(QStringLiteral("/nonexistent/attnlens")), demoRequest()), QString());
    QCOMPARE(outcome(OpenProbe(), demoRequest()), QString());
}

// The demo open on head 2 and sample 3; a legacy .h5 model whose HDF5 reader crashes (the test
// probe's fault hook): a dialog names the file and the reader, and the window keeps its model,
// data, view and session; the next good file opens as usual.
void TestOpenProbe::windowKeepsItsSessionWhenTheReaderCrashes()
{
    MainWindow window;
    window.setOpenProbe(OpenProbe(QStringLiteral(ATTNLENS_TEST_PROBE)));
    window.resize(1600, 1000);
    window.show();
    const auto settled = [&window](int sample) {
        return QTest::qWaitFor(
            [&] {
                return !window.isBusy() && window.sampleScores().sample == sample
                    && !window.heatmapView()->isShowingMessage();
            },
            20000);
    };
    window.open(m_demo.model, QString(), {m_demo.data});
    QVERIFY2(settled(0), qPrintable(window.lastError()));
    window.selectHead({HeadChoice::Kind::Head, 2});
    window.selectSample(3);
    QVERIFY(settled(3));
    const auto model = window.workspace().model;
    const auto dataset = window.workspace().dataset;
    const Session before = window.currentSession();
    const Tensor scores = window.sampleScores().calls.at(0);
    {
        const Fault fault("crash-model");
        window.open(testDataQ("keras/gqa/model.h5"), QString(), {testDataQ("keras/gqa/data.h5")});
        QVERIFY(QTest::qWaitFor([&] { return !window.isBusy(); }, 20000));
    }
    QVERIFY2(window.lastError().startsWith(
                 QStringLiteral("model.h5 crashed the HDF5 reader; it was not opened.")),
        qPrintable(window.lastError()));
    QMessageBox *dialog = nullptr;
    for (QMessageBox *box : window.findChildren<QMessageBox *>())
        if (box->isVisible() && box->text() == window.lastError())
            dialog = box;
    QVERIFY(dialog != nullptr);
    dialog->close();
    QCOMPARE(window.workspace().model, model);
    QCOMPARE(window.workspace().dataset, dataset);
    QCOMPARE(window.workspace().modelFile, m_demo.model);
    QVERIFY(window.currentSession() == before);
    QCOMPARE(window.currentHead().head, 2);
    QCOMPARE(window.currentSample(), 3);
    QVERIFY(!window.heatmapView()->isShowingMessage());
    QVERIFY(window.sampleScores().calls.at(0).values() == scores.values());
    // The session goes on: the same files open once the reader behaves.
    window.open(testDataQ("keras/gqa/model.h5"), QString(), {testDataQ("keras/gqa/data.h5")});
    QVERIFY(QTest::qWaitFor([&] { return !window.isBusy(); }, 20000));
    QCOMPARE(window.workspace().modelFile, testDataQ("keras/gqa/model.h5"));
    QVERIFY(window.workspace().model != model);
}

QTEST_MAIN(TestOpenProbe)
#include "tst_open_probe.moc"
