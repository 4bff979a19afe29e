// End-to-end tests of the desktop window on the bundled demo: selection by keyboard and mouse,
// heatmap cells against Model::attentionForSample, tick labels against the CSV header, exports,
// batch export (also while a load is asked for), a bad model that must leave everything as it
// was, a reader crashing in the open probe (a dialog, the session goes on), a model without
// attention, the session.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSvgRenderer>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include "core/runtime/model.h"
#include "tests/test_util.h"
#include "ui/batch_export.h"
#include "ui/head_list.h"
#include "ui/heatmap_figure.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"
#include "ui/open_probe.h"
#include "ui/overview_grid.h"
#include "ui/sample_table.h"
#include "ui/session_file.h"

#include "resources/demo_files.h"

using namespace attnlens;

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void demoShowsLabelledHeatmap();
    void cellsEqualEngineScores();
    void keyboardStepsHeadsAndSamples();
    void jumpsToSampleById();
    void steppingFasterThanTheEngineShowsSamplesOnTheWay();
    void overviewClickOpensHead();
    void meanAndMaxOfHeads();
    void exportsValidFiles();
    void batchExportWritesCliNames();
    void batchExportAndLoadTogether();
    void loadThenBatchExportIsRefused();
    void badModelKeepsPreviousState();
    void crashingReaderGivesDialog();
    void headFitsAnotherModel();
    void unfitDataAfterDemoIsQuiet();
    void modelWithoutAttentionSaysSo();
    void sessionIsRestored();
    void startShowsDemoAndKeepsLastSession();

private:
    /// Waits until the window shows `sample`'s scores and nothing runs.
    bool settle(MainWindow &window, int sample);
    void openDemo(MainWindow &window);
    QStringList csvFeatureNames() const;
    /// (heads, T, T) scores from the engine itself for `row`.
    Tensor engineScores(const MainWindow &window, int row) const;
    static void compareCells(const MainWindow &window, const RowMatrix &expected);
    /// Starts `request` on the window's workspace and waits for its outcome.
    static BatchExportOutcome batchExport(MainWindow &window, const BatchExportRequest &request);

    DemoFiles m_demo;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings in a test location
    QCoreApplication::setOrganizationName(QStringLiteral("AttnLensTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
    m_demo = extractDemoFiles();
    QVERIFY(!m_demo.model.isEmpty());
}

bool TestMainWindow::settle(MainWindow &window, int sample)
{
    return QTest::qWaitFor(
        [&] {
            return !window.isBusy() && window.sampleScores().sample == sample
                && !window.heatmapView()->isShowingMessage();
        },
        20000);
}

void TestMainWindow::openDemo(MainWindow &window)
{
    window.resize(1600, 1000);
    window.show();
    window.open(m_demo.model, QString(), {m_demo.data});
    QVERIFY2(settle(window, 0), qPrintable(window.lastError()));
}

QStringList TestMainWindow::csvFeatureNames() const
{
    QFile file(m_demo.data);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QStringList header = QString::fromUtf8(file.readLine()).trimmed().split(QLatin1Char(','));
    header.removeAll(QStringLiteral("id"));
    header.removeAll(QStringLiteral("diagnosis"));
    return header;
}

Tensor TestMainWindow::engineScores(const MainWindow &window, int row) const
{
    const Workspace &w = window.workspace();
    return w.model->attentionForSample(
        w.dataset->inputs, row, w.model->attentionLayers().front().key);
}

void TestMainWindow::compareCells(const MainWindow &window, const RowMatrix &expected)
{
    QCPColorMapData *data = window.heatmapView()->figure()->colorMap()->data();
    QCOMPARE(data->keySize(), int(expected.cols()));
    QCOMPARE(data->valueSize(), int(expected.rows()));
    for (int q = 0; q < expected.rows(); ++q) {
        for (int k = 0; k < expected.cols(); ++k) {
            if (std::abs(data->cell(k, q) - double(expected(q, k))) > 1e-6)
                QFAIL(qPrintable(
                    QStringLiteral("cell (query %1, key %2): %3 on screen, %4 from the engine")
                        .arg(q)
                        .arg(k)
                        .arg(data->cell(k, q))
                        .arg(double(expected(q, k)))));
        }
    }
}

BatchExportOutcome TestMainWindow::batchExport(
    MainWindow &window, const BatchExportRequest &request)
{
    QSignalSpy finished(&window, &MainWindow::batchExportFinished);
    if (!window.startBatchExport(window.workspace(), request))
        return {0, 0, QString(), window.lastError(), false};
    if (!finished.wait(60000))
        return {0, 0, QString(), QStringLiteral("the batch export did not finish"), false};
    return finished.takeFirst().at(0).value<BatchExportOutcome>();
}

void TestMainWindow::demoShowsLabelledHeatmap()
{
    MainWindow window;
    openDemo(window);
    const RowMatrix &matrix = window.heatmapView()->matrix();
    QCOMPARE(matrix.rows(), 30);
    QCOMPARE(matrix.cols(), 30);

    const QStringList names = csvFeatureNames();
    QCOMPARE(names.size(), 30);
    HeatmapFigure *figure = window.heatmapView()->figure();
    for (QCPAxis *axis : {figure->colorMap()->keyAxis(), figure->colorMap()->valueAxis()}) {
        const auto ticker = qSharedPointerDynamicCast<QCPAxisTickerText>(axis->ticker());
        QVERIFY(ticker);
        const QMap<double, QString> ticks = ticker->ticks();
        QVERIFY(ticks.size() >= 10); // thinned at most to every third label at this size
        for (auto it = ticks.cbegin(); it != ticks.cend(); ++it)
            QCOMPARE(it.value(), names.at(int(it.key())));
    }
    // The query axis has room for every label at this window size.
    QCOMPARE(figure->queryTickStep(), 1);
    QCOMPARE(qSharedPointerDynamicCast<QCPAxisTickerText>(figure->colorMap()->valueAxis()->ticker())
                 ->ticks()
                 .values(),
        names);
    // First query at the top.
    QVERIFY(figure->colorMap()->valueAxis()->rangeReversed());
    // The hover read-out names the labels of the cell under the mouse.
    const QPoint centre(int(figure->colorMap()->keyAxis()->coordToPixel(2)),
        int(figure->colorMap()->valueAxis()->coordToPixel(5)));
    const QString text = window.heatmapView()->describeCellAt(centre);
    QVERIFY2(text.contains(names[5]) && text.contains(names[2]), qPrintable(text));
}

void TestMainWindow::cellsEqualEngineScores()
{
    MainWindow window;
    openDemo(window);
    const Tensor scores = engineScores(window, 0);
    QCOMPARE(scores.dim(0), 4);
    compareCells(window, ConstMatrixMap(scores.data(), 30, 30));
}

void TestMainWindow::keyboardStepsHeadsAndSamples()
{
    MainWindow window;
    openDemo(window);
    // ] goes to the next head.
    QTest::keyClick(&window, Qt::Key_BracketRight);
    QCOMPARE(window.currentHead().head, 1);
    Tensor scores = engineScores(window, 0);
    compareCells(window, ConstMatrixMap(scores.data() + 1 * 900, 30, 30));
    QTest::keyClick(&window, Qt::Key_Right, Qt::ControlModifier);
    QCOMPARE(window.currentHead().head, 2);
    QTest::keyClick(&window, Qt::Key_BracketLeft);
    QCOMPARE(window.currentHead().head, 1);

    // Down in the sample table shows the next sample; PageDown jumps further.
    QTableView *table = window.sampleTable()->view();
    table->setFocus();
    QTest::keyClick(table, Qt::Key_Down);
    QVERIFY(settle(window, 1));
    scores = engineScores(window, 1);
    compareCells(window, ConstMatrixMap(scores.data() + 1 * 900, 30, 30));
    QTest::keyClick(table, Qt::Key_PageDown);
    QVERIFY(window.currentSample() > 1);
    const int paged = window.currentSample();
    QVERIFY(settle(window, paged));
    scores = engineScores(window, paged);
    compareCells(window, ConstMatrixMap(scores.data() + 1 * 900, 30, 30));
    // Down on the map itself steps too.
    window.heatmapView()->setFocus();
    QTest::keyClick(window.heatmapView(), Qt::Key_Down);
    QVERIFY(settle(window, paged + 1));
}

// Holding Down faster than the engine runs: the sample in flight still shows (titled with its own
// id, not the selected one's), the presses made meanwhile become one request, the latest. Before,
// every press queued a pass and a result that was not the selection's was dropped, so nothing
// new showed until the key was released.
void TestMainWindow::steppingFasterThanTheEngineShowsSamplesOnTheWay()
{
    MainWindow window;
    openDemo(window);
    std::vector<std::pair<int, QString>> drawn; // sample shown, heatmap title, per redraw
    connect(&window, &MainWindow::viewUpdated, &window, [&] {
        const int shown = window.shownSample();
        if (drawn.empty() || drawn.back().first != shown)
            drawn.emplace_back(shown, window.heatmapView()->figure()->title());
    });
    // 14 presses with no event processed between them: sample 1 starts, 2..14 wait as one.
    for (int press = 0; press < 14; ++press)
        QTest::keyClick(window.sampleTable()->view(), Qt::Key_Down);
    QCOMPARE(window.currentSample(), 14);
    QVERIFY(settle(window, 14));
    QCOMPARE(drawn.size(), std::size_t(2));
    QCOMPARE(drawn[0].first, 1);
    QVERIFY2(drawn[0].second.contains(QStringLiteral(" sample 1 ")), qPrintable(drawn[0].second));
    QCOMPARE(drawn[1].first, 14);
    QVERIFY2(drawn[1].second.contains(QStringLiteral(" sample 14 ")), qPrintable(drawn[1].second));
    const Tensor scores = engineScores(window, 14);
    compareCells(window, ConstMatrixMap(scores.data(), 30, 30));
}

void TestMainWindow::jumpsToSampleById()
{
    MainWindow window;
    openDemo(window);
    // Ctrl+G puts the cursor in the sample box; an id and Enter show that sample, with the filter
    // cleared so that Down steps on from it.
    QTest::keyClick(&window, Qt::Key_G, Qt::ControlModifier);
    QLineEdit *box = window.sampleTable()->filter();
    QVERIFY(box->hasFocus());
    QTest::keyClicks(box, "412");
    QTest::keyClick(box, Qt::Key_Return);
    QCOMPARE(window.currentSample(), 412);
    QVERIFY(settle(window, 412));
    QVERIFY(box->text().isEmpty());
    const Tensor scores = engineScores(window, 412);
    compareCells(window, ConstMatrixMap(scores.data(), 30, 30));
    QTest::keyClick(window.sampleTable()->view(), Qt::Key_Down);
    QCOMPARE(window.currentSample(), 413);
    // An id the data lacks, with nothing left by the filter: the view stays, the status says so.
    QTest::keyClick(&window, Qt::Key_G, Qt::ControlModifier);
    QTest::keyClicks(box, "no-such-id");
    QTest::keyClick(box, Qt::Key_Return);
    QCOMPARE(window.currentSample(), 413);
    QVERIFY2(window.statusBar()->currentMessage().contains("no-such-id"),
        qPrintable(window.statusBar()->currentMessage()));
}

void TestMainWindow::overviewClickOpensHead()
{
    MainWindow window;
    openDemo(window);
    QTableWidget *grid = window.overviewGrid()->table();
    QCOMPARE(grid->rowCount(), 4);
    QCOMPARE(grid->columnCount(), 1);
    window.findChild<QDockWidget *>(QStringLiteral("overviewDock"))->raise();
    QTRY_VERIFY(grid->isVisible());
    const QRect cell = grid->visualItemRect(grid->item(3, 0));
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(window.currentHead().head, 3);
    const Tensor scores = engineScores(window, 0);
    compareCells(window, ConstMatrixMap(scores.data() + 3 * 900, 30, 30));

    // A click in the head list works the same way.
    QListWidget *list = window.headList()->list();
    window.findChild<QDockWidget *>(QStringLiteral("headsDock"))->raise();
    QTRY_VERIFY(list->isVisible());
    QCOMPARE(list->count(), 6); // 4 heads, mean, max
    QTest::mouseClick(
        list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(0)).center());
    QCOMPARE(window.currentHead().head, 0);
    compareCells(window, ConstMatrixMap(scores.data(), 30, 30));
}

void TestMainWindow::meanAndMaxOfHeads()
{
    MainWindow window;
    openDemo(window);
    const Tensor scores = engineScores(window, 0);
    RowMatrix mean = RowMatrix::Zero(30, 30);
    RowMatrix max = ConstMatrixMap(scores.data(), 30, 30);
    for (int h = 0; h < 4; ++h) {
        mean += ConstMatrixMap(scores.data() + h * 900, 30, 30);
        max = max.cwiseMax(ConstMatrixMap(scores.data() + h * 900, 30, 30));
    }
    mean /= 4.0f;
    window.selectHead({HeadChoice::Kind::MeanOfHeads, 0});
    compareCells(window, mean);
    window.selectHead({HeadChoice::Kind::MaxOfHeads, 0});
    compareCells(window, max);
    // Fixed range: the colour scale is 0..1 whatever the head.
    window.setRangeMode(RangeMode::Fixed01);
    const QCPRange range = window.heatmapView()->figure()->valueRange();
    QCOMPARE(range.lower, 0.0);
    QCOMPARE(range.upper, 1.0);
}

void TestMainWindow::exportsValidFiles()
{
    MainWindow window;
    openDemo(window);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString png = dir.filePath(QStringLiteral("a.png"));
    QVERIFY2(window.exportImage(png, ImageFormat::Png, QSize(640, 480), 192, true),
        qPrintable(window.lastError()));
    const QImage image(png);
    QCOMPARE(image.size(), QSize(1280, 960)); // 192 DPI = twice the pixels
    QVERIFY(image.text(QStringLiteral("Layer")) == QStringLiteral("feature_attention"));
    QCOMPARE(image.text(QStringLiteral("Head")), QStringLiteral("h00")); // as the CLI names it

    QVERIFY(image.text(QStringLiteral("Crop")).isEmpty()); // the whole map is in view
    QVERIFY(!image.text(QStringLiteral("Title")).contains(QStringLiteral("crop")));

    // Zoomed in on keys 2..5 and queries 0..9: the export says it shows a crop, and the window's
    // own title stays as it was.
    QCustomPlot *plot = window.heatmapView()->plot();
    plot->axisRect()->axis(QCPAxis::atBottom)->setRange(1.6, 5.4);
    plot->axisRect()->axis(QCPAxis::atLeft)->setRange(-0.5, 9.5);
    const QString shownTitle = window.heatmapView()->figure()->title();
    const QString zoomed = dir.filePath(QStringLiteral("zoomed.png"));
    QVERIFY(window.exportImage(zoomed, ImageFormat::Png, QSize(640, 480), 96, true));
    const QImage crop(zoomed);
    const QStringList names = csvFeatureNames();
    const QString cropText
        = QStringLiteral("keys 2–5 of 30 (%1 to %2), queries 0–9 of 30 (%3 to %4)")
              .arg(names[2], names[5], names[0], names[9]);
    QCOMPARE(crop.text(QStringLiteral("Crop")), cropText);
    QCOMPARE(
        crop.text(QStringLiteral("Title")), shownTitle + QStringLiteral(" — crop: ") + cropText);
    QCOMPARE(window.heatmapView()->figure()->title(), shownTitle);
    window.heatmapView()->resetView();

    const QString pdf = dir.filePath(QStringLiteral("a.pdf"));
    QVERIFY(window.exportImage(pdf, ImageFormat::Pdf, QSize(640, 480), 96, true));
    QFile pdfFile(pdf);
    QVERIFY(pdfFile.open(QIODevice::ReadOnly));
    QVERIFY(pdfFile.read(5) == "%PDF-");

    const QString svg = dir.filePath(QStringLiteral("a.svg"));
    QVERIFY(window.exportImage(svg, ImageFormat::Svg, QSize(640, 480), 96, true));
    QSvgRenderer renderer(svg);
    QVERIFY(renderer.isValid());

    const QString csv = dir.filePath(QStringLiteral("a.csv"));
    QVERIFY(window.exportMatrixCsv(csv, true));
    QFile csvFile(csv);
    QVERIFY(csvFile.open(QIODevice::ReadOnly));
    const QString provenance = QString::fromUtf8(csvFile.readLine());
    QVERIFY2(provenance.startsWith(QStringLiteral("# AttnLens "))
            && provenance.contains(
                QStringLiteral("; data breast_cancer.csv; colour range per head")),
        qPrintable(provenance));
    const QStringList header
        = QString::fromUtf8(csvFile.readLine()).trimmed().split(QLatin1Char(','));
    QCOMPARE(header.mid(1), csvFeatureNames());
    const QStringList first
        = QString::fromUtf8(csvFile.readLine()).trimmed().split(QLatin1Char(','));
    const Tensor scores = engineScores(window, 0);
    QCOMPARE(first.size(), 31);
    QVERIFY(std::abs(first[3].toDouble() - double(scores.data()[2])) < 1e-7);
}

void TestMainWindow::batchExportWritesCliNames()
{
    MainWindow window;
    openDemo(window);
    QTemporaryDir dir;
    BatchExportRequest request;
    request.report.directory = dir.path();
    request.firstSample = 2;
    request.lastSample = 3;
    request.heads.mean = true;
    request.report.matrix = QStringLiteral("csv");
    const BatchExportOutcome outcome = batchExport(window, request);
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
    QCOMPARE(outcome.written, 10);
    QCOMPARE(outcome.total, 10);
    QVERIFY(!outcome.cancelled);
    const QStringList files
        = QDir(dir.path()).entryList({QStringLiteral("*.png")}, QDir::Files, QDir::Name);
    QCOMPARE(files.size(), 10);
    QCOMPARE(files.first(), QStringLiteral("r000002_L01-feature_attention_h00.png"));
    QVERIFY(files.contains(QStringLiteral("r000003_L01-feature_attention_mean.png")));
    const QImage image(dir.filePath(QStringLiteral("r000003_L01-feature_attention_h01.png")));
    QCOMPARE(image.size(), QSize(800, 600));
    QCOMPARE(image.text(QStringLiteral("Head")), QStringLiteral("h01"));
    QCOMPARE(image.text(QStringLiteral("Row")), QStringLiteral("3"));
    // The same title as attnlens-cli export (tst_cli checks its own against this form).
    QCOMPARE(image.text(QStringLiteral("Title")),
        QStringLiteral(
            "breast_cancer_attention.keras — feature_attention — head 1 — sample 3 · target "
            "malignant · "
            "predicted benign 0.958")); // Keras: [0.9582, 0.0418], a misclassified sample
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("r000003_L01-feature_attention_h01.csv"))));
}

// Before the JobRunner, batch export bound `const Model &` to the window's workspace and spun
// nested event loops; a load finishing inside them replaced the workspace and freed the model
// under the export (SIGSEGV in ReportExporter::write, architecture review 6.1). Now the export
// owns its Workspace copy and the load is refused until the export ends; the export's files
// are those of the demo, and the other model opens once it is done.
void TestMainWindow::batchExportAndLoadTogether()
{
    MainWindow window;
    openDemo(window);
    const auto demoModel = window.workspace().model;
    QTemporaryDir dir;
    BatchExportRequest request;
    request.report.directory = dir.path();
    request.firstSample = 0;
    request.lastSample = 39;
    QSignalSpy finished(&window, &MainWindow::batchExportFinished);
    QVERIFY(window.startBatchExport(window.workspace(), request));
    QVERIFY(window.isBusy());
    const QString otherModel = testDataQ("keras/ts_encoder/model.keras");
    window.open(otherModel, QString(), {testDataQ("keras/ts_encoder/data.npy")});
    QVERIFY2(window.lastError().contains(QStringLiteral("batch export is running")),
        qPrintable(window.lastError()));
    QVERIFY(finished.wait(60000));
    const auto outcome = finished.takeFirst().at(0).value<BatchExportOutcome>();
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
    QCOMPARE(outcome.written, 160); // 40 samples x 4 heads of the demo's one attention call
    QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.png")}, QDir::Files).size(), 160);
    QCOMPARE(window.workspace().model, demoModel);

    // Once it has ended, the load goes through.
    window.open(otherModel, QString(), {testDataQ("keras/ts_encoder/data.npy")});
    QVERIFY(QTest::qWaitFor([&] { return window.workspace().modelFile == otherModel; }, 20000));
    QVERIFY(settle(window, 0));
}

// The other order: a load is running, so the batch export is refused (it would have been
// chosen for the model that is about to go) and nothing is written; the load completes.
void TestMainWindow::loadThenBatchExportIsRefused()
{
    MainWindow window;
    openDemo(window);
    const Workspace before = window.workspace();
    const QString otherModel = testDataQ("keras/ts_encoder/model.keras");
    window.open(otherModel, QString(), {testDataQ("keras/ts_encoder/data.npy")});
    QTemporaryDir dir;
    BatchExportRequest request;
    request.report.directory = dir.path() + QStringLiteral("/out");
    request.lastSample = 5;
    QVERIFY(!window.startBatchExport(before, request));
    QVERIFY2(window.lastError().contains(QStringLiteral("being opened")),
        qPrintable(window.lastError()));
    QVERIFY(!QFileInfo::exists(request.report.directory));
    QVERIFY(QTest::qWaitFor([&] { return window.workspace().modelFile == otherModel; }, 20000));
    QVERIFY(settle(window, 0));
}

void TestMainWindow::badModelKeepsPreviousState()
{
    MainWindow window;
    openDemo(window);
    window.selectHead({HeadChoice::Kind::Head, 2});
    const auto model = window.workspace().model;
    const auto dataset = window.workspace().dataset;
    const RowMatrix before = window.heatmapView()->matrix();

    QTemporaryDir dir;
    const QString bad = dir.filePath(QStringLiteral("broken.keras"));
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("this is not a zip archive");
    file.close();
    window.open(bad, QString(), {});
    QVERIFY(QTest::qWaitFor([&] { return !window.isBusy(); }, 20000));
    QVERIFY(!window.lastError().isEmpty());
    QVERIFY2(window.lastError().contains(QStringLiteral("broken.keras")),
        qPrintable(window.lastError()));
    QCOMPARE(window.workspace().model, model);
    QCOMPARE(window.workspace().dataset, dataset);
    QCOMPARE(window.currentHead().head, 2);
    QVERIFY(window.heatmapView()->matrix() == before);
    QVERIFY(!window.heatmapView()->isShowingMessage());
}

// A reader that crashes on a file (the test probe's fault hook) kills only the probe process: the
// window shows a dialog naming the file, and the demo stays open as it was.
void TestMainWindow::crashingReaderGivesDialog()
{
    MainWindow window;
    openDemo(window);
    window.selectHead({HeadChoice::Kind::Head, 1});
    const auto model = window.workspace().model;
    window.setOpenProbe(OpenProbe(QStringLiteral(ATTNLENS_TEST_PROBE)));
    qputenv("ATTNLENS_PROBE_FAULT", "crash-model");
    window.open(testDataQ("keras/ts_encoder/model.keras"), QString(),
        {testDataQ("keras/ts_encoder/data.npy")});
    QVERIFY(QTest::qWaitFor([&] { return !window.isBusy(); }, 20000));
    qunsetenv("ATTNLENS_PROBE_FAULT");
    const QString expected
        = QStringLiteral("model.keras crashed the zip reader; it was not opened.");
    QVERIFY2(window.lastError().startsWith(expected), qPrintable(window.lastError()));
    QMessageBox *dialog = nullptr;
    for (QMessageBox *box : window.findChildren<QMessageBox *>())
        if (box->isVisible() && box->text() == window.lastError())
            dialog = box;
    QVERIFY(dialog != nullptr);
    dialog->close();
    QCOMPARE(window.workspace().model, model);
    QCOMPARE(window.currentHead().head, 1);
}

// Head 3 of the demo (4 heads), then a model whose call has 2: the map shows its last head, and
// so must the title, the exported PNG and the saved session (they said head 3).
void TestMainWindow::headFitsAnotherModel()
{
    {
        MainWindow window;
        openDemo(window);
        for (int i = 0; i < 3; ++i)
            QTest::keyClick(&window, Qt::Key_BracketRight);
        QCOMPARE(window.currentHead().head, 3);

        window.open(
            testDataQ("keras/causal/model.keras"), QString(), {testDataQ("keras/causal/data.npy")});
        QVERIFY(QTest::qWaitFor(
            [&] { return window.workspace().modelFile.endsWith(QStringLiteral("model.keras")); },
            20000));
        QVERIFY2(settle(window, 0), qPrintable(window.lastError()));
        QCOMPARE(window.workspace().model->attentionLayers().front().heads, 2);
        QCOMPARE(window.currentHead().kind, HeadChoice::Kind::Head);
        QCOMPARE(window.currentHead().head, 1);
        const Workspace &w = window.workspace();
        const std::string key = w.model->attentionLayers().front().key;
        const Tensor scores = w.model->attentionForSample(w.dataset->inputs, 0, key);
        const auto t = scores.shape()[1];
        compareCells(window, ConstMatrixMap(scores.data() + 1 * t * t, t, t));
        QCOMPARE(window.headList()->current().head, 1);

        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("b.png"));
        QVERIFY2(window.exportImage(png, ImageFormat::Png, QSize(320, 240), 96, true),
            qPrintable(window.lastError()));
        const QImage image(png);
        QCOMPARE(image.text(QStringLiteral("Head")), QStringLiteral("h01"));
        QVERIFY2(image.text(QStringLiteral("Title")).contains(QStringLiteral("— head 1 —")),
            qPrintable(image.text(QStringLiteral("Title"))));
        window.close(); // saves the session
    }
    QCOMPARE(sessionfile::read(sessionfile::autosavePath()).head.head, 1);
}

// A model opened after the demo keeps the demo's CSV only if it fits; this one's does not. What
// belonged to the demo goes (heads, overview, map), and the CSV is named in a quiet status line,
// by its file name: no dialog about a file the user never opened.
void TestMainWindow::unfitDataAfterDemoIsQuiet()
{
    MainWindow window;
    openDemo(window);
    QVERIFY(window.headList()->list()->count() > 0);
    QVERIFY(window.overviewGrid()->table()->rowCount() > 0);
    window.open(testDataQ("keras/causal/model.keras"), QString(), {});
    QVERIFY(QTest::qWaitFor(
        [&] {
            return !window.isBusy()
                && window.workspace().modelFile.endsWith(QStringLiteral("model.keras"));
        },
        20000));
    QVERIFY(!window.workspace().dataset);
    QVERIFY2(window.lastError().isEmpty(), qPrintable(window.lastError()));
    QVERIFY(window.findChildren<QMessageBox *>().isEmpty());
    const auto *status = window.findChild<QLabel *>(QStringLiteral("statusText"));
    QVERIFY(status != nullptr);
    const QString csv = QFileInfo(m_demo.data).fileName();
    QVERIFY2(status->text().contains(csv), qPrintable(status->text()));
    QVERIFY2(!status->text().contains(QFileInfo(m_demo.data).path()), qPrintable(status->text()));
    QCOMPARE(window.headList()->list()->count(), 0);
    QCOMPARE(window.headList()->headCount(), 0);
    QCOMPARE(window.overviewGrid()->table()->rowCount(), 0);
    QVERIFY(window.heatmapView()->isShowingMessage());
    QVERIFY(window.heatmapView()->message().contains(QStringLiteral("Open a data set")));
}

void TestMainWindow::modelWithoutAttentionSaysSo()
{
    MainWindow window;
    window.show();
    window.open(testDataQ("keras/sequential_no_attention/model.keras"), QString(),
        {testDataQ("keras/sequential_no_attention/data.csv")});
    QVERIFY(QTest::qWaitFor(
        [&] { return !window.isBusy() && window.workspace().model != nullptr; }, 20000));
    QVERIFY2(window.lastError().isEmpty(), qPrintable(window.lastError()));
    QVERIFY(window.heatmapView()->isShowingMessage());
    QVERIFY(window.heatmapView()->message().contains(QStringLiteral("no attention layer")));
}

void TestMainWindow::sessionIsRestored()
{
    {
        MainWindow window;
        openDemo(window);
        window.selectSample(7);
        QVERIFY(settle(window, 7));
        window.selectHead({HeadChoice::Kind::Head, 3});
        window.setColorMap(QStringLiteral("magma"));
        window.setRangeMode(RangeMode::SharedHeads);
        window.close(); // saves the session
    }
    const Session session = sessionfile::read(sessionfile::autosavePath());
    QCOMPARE(session.modelFile, m_demo.model);
    QCOMPARE(session.sample, 7);
    QCOMPARE(session.head.head, 3);
    QCOMPARE(session.colorMap, QStringLiteral("magma"));
    {
        MainWindow window; // what `attnlens` without arguments does: the demo was last open
        window.show();
        window.openDemo(session, m_demo.model, m_demo.data);
        QVERIFY(settle(window, 7));
        QCOMPARE(window.currentHead().head, 3);
        QCOMPARE(window.heatmapView()->figure()->colorMapName(), QStringLiteral("magma"));
        QCOMPARE(window.sampleTable()->currentSample(), 7);
    }
    MainWindow window; // File > Reopen Last Session / `attnlens --last`
    window.show();
    window.restoreSession(session, true);
    QVERIFY(settle(window, 7));
    QCOMPARE(window.currentHead().head, 3);
    QCOMPARE(window.heatmapView()->figure()->colorMapName(), QStringLiteral("magma"));
    QCOMPARE(window.sampleTable()->currentSample(), 7);
}

void TestMainWindow::startShowsDemoAndKeepsLastSession()
{
    Session last; // the previous run had a time-series model open
    last.modelFile = testDataQ("keras/ts_encoder/model.keras");
    last.dataFiles = QStringList {testDataQ("keras/ts_encoder/data.npy")};
    last.sample = 2;
    last.head = {HeadChoice::Kind::Head, 1};
    last.colorMap = QStringLiteral("magma");
    MainWindow window;
    window.show();
    window.openDemo(last, m_demo.model, m_demo.data);
    QVERIFY(settle(window, 0)); // the demo's first sample, not the other model's choices
    QCOMPARE(window.workspace().modelFile, m_demo.model);
    QCOMPARE(window.currentHead().head, 0);
    QCOMPARE(window.heatmapView()->figure()->queries(), 30); // the labelled 30 x 30 first screen
    QCOMPARE(window.heatmapView()->figure()->colorMapName(), QStringLiteral("magma"));

    QVERIFY(window.reopenLastSession());
    QVERIFY(QTest::qWaitFor([&] { return window.workspace().modelFile == last.modelFile; }, 20000));
    QVERIFY(settle(window, 2));
    QCOMPARE(window.currentHead().head, 1);
    QCOMPARE(window.workspace().dataFiles, last.dataFiles);
    QCOMPARE(window.heatmapView()->figure()->queries(), 48); // t-47 .. t0
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
