// Monkey test of the desktop window (issue 15): a seeded driver performs 2,000 random user
// actions (open good and bad models and data, a reader that crashes in the open probe, step the
// attention call, head and sample by key, switch scope, group and statistic, colours and range,
// export images, matrices and charts, batch export and cancel it, pin and compare, resize) and
// after each one checks that
//  - a good action raised no error dialog, and a bad one left the model and data as they were;
//  - the view shows what the stored selection says: a call and head the model has, a map equal
//    to headMatrix() of the drawn sample's scores for that call and head, titled with both;
//    every 50 actions those scores are checked against a forward pass of the engine.
// ATTNLENS_MONKEY_SEED and ATTNLENS_MONKEY_ACTIONS replay another run; a failure prints the
// seed, the action number and the last actions. CI runs it in the release and asan suites.
#include <random>

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "core/runtime/model.h"
#include "tests/test_util.h"
#include "ui/batch_export.h"
#include "ui/data_options_dialog.h"
#include "ui/group_presenter.h"
#include "ui/head_matrix.h"
#include "ui/heatmap_figure.h"
#include "ui/heatmap_view.h"
#include "ui/job_runner.h"
#include "ui/main_window.h"
#include "ui/open_probe.h"
#include "ui/sample_table.h"
#include "ui/scope_bar.h"

#include "resources/demo_files.h"

using namespace attnlens;

namespace {

struct Files
{
    QString model;
    QStringList data;
};

int environmentNumber(const char *name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok ? value : fallback;
}

} // namespace

class TestMonkey : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void randomActionsKeepTheViewRight();

private:
    /// Performs one random action; returns what it did, for the log.
    QString act(MainWindow &window);
    QString openGood(MainWindow &window);
    QString openBad(MainWindow &window);
    QString stepByKey(MainWindow &window);
    QString changeScope(MainWindow &window);
    QString changeColours(MainWindow &window);
    QString exportSomething(MainWindow &window);
    QString batchExport(MainWindow &window, bool cancel);
    QString compare(MainWindow &window);

    /// Waits until nothing runs and the view has caught up; false after a minute.
    bool settle(MainWindow &window);
    /// The visible error dialogs, which it closes.
    static int closeDialogs(MainWindow &window);
    /// Empty when the view matches the stored selection, else what is wrong.
    QString checkView(const MainWindow &window, bool againstEngine) const;
    int pick(int count) { return std::uniform_int_distribution<int>(0, count - 1)(m_random); }

    DemoFiles m_demo;
    QTemporaryDir m_scratch;
    std::vector<Files> m_good;
    std::vector<Files> m_badModels;
    std::vector<QString> m_badData;
    std::mt19937 m_random;
    bool m_expectError = false;
    mutable int m_mapsChecked = 0;   ///< views whose map was compared with the scores
    mutable int m_engineChecked = 0; ///< ... and whose scores with a forward pass
    QString m_failure;               ///< what an action found wrong itself (an export that failed)
    int m_exports = 0;
};

void TestMonkey::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("AttnLensTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_monkey"));
    m_demo = extractDemoFiles();
    QVERIFY(!m_demo.model.isEmpty());
    QVERIFY(m_scratch.isValid());
    auto keras = [](const char *c, const char *model, const char *data) {
        const std::string dir = std::string("keras/") + c + "/";
        return Files {testDataQ(dir + model), {testDataQ(dir + data)}};
    };
    m_good = {
        {m_demo.model, {m_demo.data}},                  // 1 call, 4 heads, labelled CSV
        keras("ts_encoder", "model.keras", "data.npy"), // 2 calls, time steps
        keras("ts_encoder", "model.h5", "data.h5"),     // legacy HDF5, data HDF5
        keras("causal", "model.keras", "data.npy"),     // 2 heads
        keras("tabular_tokens", "model.keras", "data.csv"),
        keras("sequential_no_attention", "model.keras", "data.csv"), // says it has none
        {testDataQ("kerasfactory/kf_tft_like/model.h5"),
            {testDataQ("kerasfactory/kf_tft_like/data.h5")}}, // feature weights too
    };
    const QString text = m_scratch.filePath(QStringLiteral("text.keras"));
    QFile textFile(text);
    QVERIFY(textFile.open(QIODevice::WriteOnly));
    textFile.write("not a zip archive\n");
    textFile.close();
    QFile demo(m_demo.model);
    QVERIFY(demo.open(QIODevice::ReadOnly));
    const QByteArray bytes = demo.readAll();
    const QString cut = m_scratch.filePath(QStringLiteral("cut.keras"));
    QFile cutFile(cut);
    QVERIFY(cutFile.open(QIODevice::WriteOnly));
    cutFile.write(bytes.left(bytes.size() / 2));
    cutFile.close();
    m_badModels = {{text, {}}, {cut, {}}, {testDataQ("bad/corrupt.h5"), {}},
        {testDataQ("bad/truncated.h5"), {}}, {testDataQ("bad/unknown_class.h5"), {}},
        {testDataQ("bad/lambda.h5"), {}}, {testDataQ("bad/not_json.json"), {}}};
    m_badData = {testDataQ("datasets/corrupt_header.npy"), testDataQ("datasets/truncated.npy"),
        testDataQ("datasets/object.npy")};
}

void TestMonkey::randomActionsKeepTheViewRight()
{
    const int seed = environmentNumber("ATTNLENS_MONKEY_SEED", 20261203);
    const int actions = environmentNumber("ATTNLENS_MONKEY_ACTIONS", 2000);
    m_random.seed(static_cast<std::mt19937::result_type>(seed));
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    window.setOpenProbe(OpenProbe(QStringLiteral(ATTNLENS_TEST_PROBE)));
    QStringList log;
    int bad = 0;
    for (int n = 0; n < actions; ++n) {
        m_expectError = false;
        const auto model = window.workspace().model;
        const auto dataset = window.workspace().dataset;
        log << QStringLiteral("%1: %2").arg(n).arg(act(window));
        if (log.size() > 12)
            log.removeFirst();
        const QString context = QStringLiteral("seed %1, action %2; the last actions:\n  %3")
                                    .arg(seed)
                                    .arg(n)
                                    .arg(log.join(QStringLiteral("\n  ")));
        QVERIFY2(m_failure.isEmpty(), qPrintable(m_failure + QStringLiteral(": ") + context));
        QVERIFY2(settle(window), qPrintable(QStringLiteral("no end: ") + context));
        const int dialogs = closeDialogs(window);
        if (m_expectError) {
            ++bad;
            QVERIFY2(window.workspace().model == model && window.workspace().dataset == dataset,
                qPrintable(QStringLiteral("a refused file changed the workspace: ") + context));
        } else {
            QVERIFY2(dialogs == 0,
                qPrintable(QStringLiteral("error dialog \"%1\" after a good action: ")
                               .arg(window.lastError())
                    + context));
        }
        const QString wrong = checkView(window, n % 50 == 49);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong + QStringLiteral(": ") + context));
    }
    qInfo("%d actions (%d refused as they should be, %d exports), %d maps checked against the "
          "scores, %d of them against the engine, seed %d",
        actions, bad, m_exports, m_mapsChecked, m_engineChecked, seed);
    // The run did what it says: bad files came up, and most views were checked cell by cell.
    QVERIFY(bad > 0);
    QVERIFY(m_mapsChecked > actions / 5);
    QVERIFY(m_engineChecked > 0);
}

QString TestMonkey::act(MainWindow &window)
{
    // Weights: mostly the stepping an analyst does all day, now and then a file or an export.
    const int roll = pick(100);
    if (roll < 6 || !window.workspace().model)
        return openGood(window);
    if (roll < 8) { // the user goes on while the files open: no waiting between these
        QString text = openGood(window);
        for (int i = pick(6); i > 0; --i)
            text += QStringLiteral(", then ")
                + (pick(3) == 0 ? changeScope(window)
                                : (pick(2) == 0 ? changeColours(window) : stepByKey(window)));
        return text;
    }
    if (roll < 13)
        return openBad(window);
    if (roll < 62)
        return stepByKey(window);
    if (roll < 70)
        return changeScope(window);
    if (roll < 78)
        return changeColours(window);
    if (roll < 86)
        return exportSomething(window);
    if (roll < 89)
        return batchExport(window, pick(2) == 0);
    if (roll < 95)
        return compare(window);
    const QSize size(700 + pick(900), 500 + pick(500));
    window.resize(size);
    return QStringLiteral("resize to %1x%2").arg(size.width()).arg(size.height());
}

QString TestMonkey::openGood(MainWindow &window)
{
    const Files &files = m_good[std::size_t(pick(int(m_good.size())))];
    if (window.workspace().model && pick(4) == 0) { // the open model's data, read again
        window.open(QString(), QString(), window.workspace().dataFiles);
        return QStringLiteral("open its data again");
    }
    window.open(files.model, QString(), files.data);
    return QStringLiteral("open %1 with %2").arg(files.model, files.data.join(' '));
}

QString TestMonkey::openBad(MainWindow &window)
{
    m_expectError = true;
    const int kind = pick(3);
    if (kind == 0 && window.workspace().dataset) {
        const QString data = m_badData[std::size_t(pick(int(m_badData.size())))];
        window.open(QString(), QString(), {data});
        return QStringLiteral("open bad data %1").arg(data);
    }
    if (kind == 1 && window.workspace().model) { // the probe child crashes on the model
        qputenv("ATTNLENS_PROBE_FAULT", "crash-model");
        const Files &files = m_good[std::size_t(pick(int(m_good.size())))];
        window.open(files.model, QString(), files.data);
        settle(window);
        qunsetenv("ATTNLENS_PROBE_FAULT");
        return QStringLiteral("open %1, its reader crashing").arg(files.model);
    }
    const Files &files = m_badModels[std::size_t(pick(int(m_badModels.size())))];
    window.open(files.model, QString(), files.data);
    return QStringLiteral("open bad model %1").arg(files.model);
}

QString TestMonkey::stepByKey(MainWindow &window)
{
    struct Key
    {
        Qt::Key key;
        Qt::KeyboardModifiers modifiers;
        const char *name;
        bool inTable;
    };
    static const Key keys[] = {
        {Qt::Key_BracketRight, Qt::NoModifier, "]", false},
        {Qt::Key_BracketLeft, Qt::NoModifier, "[", false},
        {Qt::Key_BracketRight, Qt::ControlModifier, "Ctrl+]", false},
        {Qt::Key_BracketLeft, Qt::ControlModifier, "Ctrl+[", false},
        {Qt::Key_Down, Qt::ControlModifier, "Ctrl+Down", false},
        {Qt::Key_Up, Qt::ControlModifier, "Ctrl+Up", false},
        {Qt::Key_Down, Qt::NoModifier, "Down in the table", true},
        {Qt::Key_Up, Qt::NoModifier, "Up in the table", true},
        {Qt::Key_PageDown, Qt::NoModifier, "PageDown in the table", true},
        {Qt::Key_End, Qt::NoModifier, "End in the table", true},
        {Qt::Key_Home, Qt::NoModifier, "Home in the table", true},
    };
    const int roll = pick(int(std::size(keys)) + 3);
    if (roll == int(std::size(keys))) {
        const int presses = 2 + pick(10); // held down: presses faster than the engine
        for (int i = 0; i < presses; ++i)
            QTest::keyClick(window.sampleTable()->view(), Qt::Key_Down);
        return QStringLiteral("Down held for %1 presses").arg(presses);
    }
    if (roll == int(std::size(keys)) + 1) {
        const HeadChoice choice {
            pick(2) == 0 ? HeadChoice::Kind::MeanOfHeads : HeadChoice::Kind::MaxOfHeads, 0};
        window.selectHead(choice);
        return QStringLiteral("head ") + choice.displayName();
    }
    if (roll == int(std::size(keys)) + 2) {
        const int rows
            = window.workspace().dataset ? int(window.workspace().dataset->sampleCount()) : 1;
        const int sample = pick(std::max(rows, 1));
        window.selectSample(sample);
        return QStringLiteral("sample %1").arg(sample);
    }
    const Key &key = keys[roll];
    QWidget *target = key.inTable ? static_cast<QWidget *>(window.sampleTable()->view())
                                  : static_cast<QWidget *>(&window);
    QTest::keyClick(target, key.key, key.modifiers);
    return QString::fromLatin1(key.name);
}

QString TestMonkey::changeScope(MainWindow &window)
{
    const int roll = pick(4);
    if (roll == 0 || (roll == 1 && window.currentScope() == Scope::Group)) {
        // Back to Sample scope sooner than away from it: analysts live there, and its maps are
        // the ones checked cell by cell below.
        const Scope scope = window.currentScope() == Scope::Sample ? Scope::Group : Scope::Sample;
        window.setScope(scope);
        return scope == Scope::Group ? QStringLiteral("Group scope")
                                     : QStringLiteral("Sample scope");
    }
    if (roll == 2) {
        const GroupStatistic statistic
            = pick(2) == 0 ? GroupStatistic::Mean : GroupStatistic::StandardDeviation;
        window.setGroupStatistic(statistic);
        return statistic == GroupStatistic::Mean ? QStringLiteral("statistic mean")
                                                 : QStringLiteral("statistic std");
    }
    const QComboBox *groups = window.scopeBar()->groupBox();
    if (groups->count() == 0)
        return QStringLiteral("no group to choose");
    const std::string group = groups->itemData(pick(groups->count())).toString().toStdString();
    window.selectGroup(group);
    return QStringLiteral("group ") + QString::fromStdString(group);
}

QString TestMonkey::changeColours(MainWindow &window)
{
    if (pick(2) == 0) {
        static const char *maps[] = {"viridis", "magma", "inferno", "plasma", "cividis", "gray"};
        const QString name = QString::fromLatin1(maps[pick(int(std::size(maps)))]);
        window.setColorMap(name);
        return QStringLiteral("colour map ") + name;
    }
    static const RangeMode modes[]
        = {RangeMode::PerHead, RangeMode::SharedHeads, RangeMode::Fixed01};
    const int mode = pick(3);
    window.setRangeMode(modes[mode]);
    return QStringLiteral("range mode %1").arg(mode);
}

QString TestMonkey::exportSomething(MainWindow &window)
{
    struct Format
    {
        ImageFormat format;
        const char *extension;
    };
    static const Format formats[] = {{ImageFormat::Png, "png"}, {ImageFormat::Jpg, "jpg"},
        {ImageFormat::Pdf, "pdf"}, {ImageFormat::Svg, "svg"}};
    const Format &format = formats[pick(4)];
    const int what = pick(4);
    const QString path = m_scratch.filePath(
        QStringLiteral("export%1.%2").arg(++m_exports).arg(what == 1 ? "csv" : format.extension));
    const QSize size(200 + pick(800), 150 + pick(600));
    // What the window can export now: a map needs scores (or a group summary) on screen.
    const bool drawn = window.workspace().dataset
        && !window.workspace().model->attentionLayers().empty()
        && !window.heatmapView()->isShowingMessage();
    bool ok = true;
    if (what == 0 && drawn)
        ok = window.exportImage(path, format.format, size, pick(2) == 0 ? 96 : 192, true);
    else if (what == 1 && drawn)
        ok = window.exportMatrixCsv(path, true);
    else if (what == 2 && drawn)
        ok = window.exportReceived(path, format.format, size, 96, true);
    else if (what == 3 && !window.workspace().model->featureWeightLayers().empty()
        && window.workspace().dataset && window.currentScope() == Scope::Sample)
        ok = window.exportFeatureWeights(path, format.format, size, 96, true);
    else
        return QStringLiteral("nothing to export");
    if (!ok || !QFile::exists(path) || QFileInfo(path).size() == 0)
        m_failure = QStringLiteral("export %1 failed: %2").arg(path, window.lastError());
    return QStringLiteral("export ") + QFileInfo(path).fileName();
}

QString TestMonkey::batchExport(MainWindow &window, bool cancel)
{
    const Workspace &w = window.workspace();
    if (!w.dataset || w.model->attentionLayers().empty())
        return QStringLiteral("no batch export without attention and data");
    QDir(m_scratch.path()).mkpath(QStringLiteral("batch"));
    BatchExportRequest request;
    request.report.directory = m_scratch.filePath(QStringLiteral("batch/%1").arg(++m_exports));
    request.firstSample = std::min<std::int64_t>(w.dataset->sampleCount() - 1, pick(20));
    request.lastSample
        = std::min<std::int64_t>(w.dataset->sampleCount() - 1, request.firstSample + pick(3));
    QSignalSpy finished(&window, &MainWindow::batchExportFinished);
    if (!window.startBatchExport(w, request))
        return QStringLiteral("batch export refused: ") + window.lastError();
    QString text = QStringLiteral("batch export of samples %1-%2")
                       .arg(request.firstSample)
                       .arg(request.lastSample);
    if (cancel) {
        window.jobRunner()->cancelBatchExport();
        text += QStringLiteral(", cancelled");
    } else if (pick(3) == 0) { // a load while it runs is refused, the export goes on
        m_expectError = true;
        window.open(m_good.front().model, QString(), m_good.front().data);
        text += QStringLiteral(", a load asked for meanwhile");
    }
    if (finished.isEmpty() && !finished.wait(60000)) { // a cancel ends it at once
        m_failure = QStringLiteral("the batch export did not finish");
        return text;
    }
    const auto outcome = finished.takeFirst().at(0).value<BatchExportOutcome>();
    if (!outcome.error.isEmpty())
        m_failure = QStringLiteral("batch export: ") + outcome.error;
    return text;
}

QString TestMonkey::compare(MainWindow &window)
{
    if (pick(2) == 0) {
        window.pinView();
        return QStringLiteral("pin view as A");
    }
    const bool on = !window.showsDifference() && pick(2) == 0;
    window.setDifference(on);
    return on ? QStringLiteral("difference on") : QStringLiteral("difference off");
}

bool TestMonkey::settle(MainWindow &window)
{
    return QTest::qWaitFor(
        [&] {
            if (window.isBusy())
                return false;
            const Workspace &w = window.workspace();
            // A sample view waits for the selected sample's scores (a usable one).
            if (w.model && w.dataset && window.currentScope() == Scope::Sample
                && !w.model->attentionLayers().empty()
                && w.dataset->sampleUsable[std::size_t(window.currentSample())])
                return window.sampleScores().sample == window.currentSample();
            return true;
        },
        60000);
}

int TestMonkey::closeDialogs(MainWindow &window)
{
    QCoreApplication::processEvents();
    int closed = 0;
    for (QMessageBox *box : window.findChildren<QMessageBox *>()) {
        if (box->isVisible()) {
            box->close();
            ++closed;
        }
    }
    if (DataOptionsDialog *dialog = window.dataOptionsDialog(); dialog && dialog->isVisible()) {
        dialog->reject();
        ++closed;
    }
    return closed;
}

QString TestMonkey::checkView(const MainWindow &window, bool againstEngine) const
{
    const Workspace &w = window.workspace();
    if (!w.model)
        return window.heatmapView()->isShowingMessage() ? QString()
                                                        : QStringLiteral("a map without a model");
    const auto &calls = w.model->attentionLayers();
    if (calls.empty() || !w.dataset)
        return window.heatmapView()->isShowingMessage()
            ? QString()
            : QStringLiteral("a map without attention or data");
    const int attention = window.currentAttention();
    if (attention < 0 || attention >= int(calls.size()))
        return QStringLiteral("attention call %1 of %2").arg(attention).arg(calls.size());
    const HeadChoice head = window.currentHead();
    if (head.kind == HeadChoice::Kind::Head
        && (head.head < 0 || head.head >= calls[attention].heads))
        return QStringLiteral("head %1 of a call with %2")
            .arg(head.head)
            .arg(calls[attention].heads);
    const QString title = window.heatmapView()->figure()->title();
    const QString call = QString::fromStdString(calls[attention].layerName);
    auto titled = [&] { return title.contains(call) && title.contains(head.displayName()); };
    if (window.currentScope() == Scope::Group) { // tst_group_scope checks its maps against NumPy
        if (window.heatmapView()->isShowingMessage() || titled())
            return QString();
        return QStringLiteral("group title \"%1\" for call %2, %3")
            .arg(title, call, head.displayName());
    }
    if (!w.dataset->sampleUsable[std::size_t(window.currentSample())])
        return window.heatmapView()->isShowingMessage()
            ? QString()
            : QStringLiteral("an unusable sample drawn");
    const SampleAttention &scores = window.sampleScores();
    if (scores.sample != window.currentSample())
        return QStringLiteral("sample %1 drawn, %2 selected")
            .arg(scores.sample)
            .arg(window.currentSample());
    // A pinned A is kept across models (comparing a retrained model with the old one); against a
    // map of another shape the difference says why it cannot be drawn.
    if (window.showsDifference() && window.heatmapView()->isShowingMessage()
        && window.heatmapView()->message().contains(QStringLiteral("a difference needs maps")))
        return QString();
    if (window.heatmapView()->isShowingMessage())
        return QStringLiteral("a message instead of the map: ") + window.heatmapView()->message();
    if (!titled())
        return QStringLiteral("title \"%1\" for call %2, %3").arg(title, call, head.displayName());
    if (!window.showsDifference()) {
        const RowMatrix expected = headMatrix(scores.calls[std::size_t(attention)], head);
        const RowMatrix &shown = window.heatmapView()->matrix();
        if (shown.rows() != expected.rows() || shown.cols() != expected.cols()
            || !shown.isApprox(expected, 1e-6f))
            return QStringLiteral("the map is not %1 of call %2").arg(head.displayName(), call);
        ++m_mapsChecked;
    }
    if (againstEngine) {
        const Tensor engine
            = w.model->attentionForSample(w.dataset->inputs, scores.sample, calls[attention].key);
        const Tensor &drawn = scores.calls[std::size_t(attention)];
        if (engine.size() != drawn.size())
            return QStringLiteral("scores of another shape than the engine's");
        for (std::int64_t i = 0; i < engine.size(); ++i)
            if (std::abs(engine.data()[i] - drawn.data()[i]) > 1e-6f)
                return QStringLiteral("score %1 is %2, the engine says %3")
                    .arg(i)
                    .arg(drawn.data()[i])
                    .arg(engine.data()[i]);
        ++m_engineChecked;
    }
    return QString();
}

QTEST_MAIN(TestMonkey)
#include "tst_monkey.moc"
