// Sessions in the window, on the bundled demo: File > Save Session, then Open Session in a fresh
// window brings back the call, head, sample, scope, group and colours; `attnlens-cli export
// --session` writes the PNG title and text chunks of the GUI's export of that view; the
// autosave follows every change, so a new start is where the last one was.
#include <QAction>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QMenuBar>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "tests/test_util.h"
#include "ui/heatmap_figure.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"
#include "ui/sample_table.h"
#include "ui/session_autosave.h"
#include "ui/session_file.h"

#include "resources/demo_files.h"

using namespace attnlens;

class TestSession : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void saveThenOpenRestoresTheView_data();
    void saveThenOpenRestoresTheView();
    void cliExportOfSessionEqualsGuiExport_data();
    void cliExportOfSessionEqualsGuiExport();
    void autosaveFollowsEveryChange();
    void sessionCarriesItsRecipes();
    void appOpensSessionAndRestartsAfterKill();

private:
    void addScopes();
    /// Opens the demo and chooses sample 7, head 3 (of the demo's 4), magma, shared range, and
    /// with `group` Group scope on that group.
    void chooseView(MainWindow &window, const std::string &group);
    void openDemo(MainWindow &window);
    static bool settle(MainWindow &window, Scope scope, int sample);
    /// Runs `attnlens-cli export --session file --out out`; its stderr when it failed.
    static QString exportSession(const QString &file, const QString &out);

    DemoFiles m_demo;
};

void TestSession::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings and the autosave in a test location
    QCoreApplication::setOrganizationName(QStringLiteral("AttnLensTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_session"));
    QFile::remove(sessionfile::autosavePath());
    m_demo = extractDemoFiles();
    QVERIFY(!m_demo.model.isEmpty());
}

bool TestSession::settle(MainWindow &window, Scope scope, int sample)
{
    return QTest::qWaitFor(
        [&] {
            if (window.isBusy() || window.heatmapView()->isShowingMessage()
                || window.currentScope() != scope)
                return false;
            return scope == Scope::Group ? window.groupSummary().summary != nullptr
                                         : window.sampleScores().sample == sample;
        },
        30000);
}

QString TestSession::exportSession(const QString &file, const QString &out)
{
    QProcess cli;
    cli.start(QStringLiteral(ATTNLENS_CLI),
        {QStringLiteral("export"), QStringLiteral("--session"), file, QStringLiteral("--out"),
            out});
    if (!cli.waitForFinished(60000))
        return QStringLiteral("attnlens-cli did not finish");
    if (cli.exitStatus() != QProcess::NormalExit || cli.exitCode() != 0)
        return QString::fromUtf8(cli.readAllStandardError())
            + QStringLiteral(" (exit %1)").arg(cli.exitCode());
    return {};
}

void TestSession::openDemo(MainWindow &window)
{
    window.resize(1200, 800);
    window.show();
    window.open(m_demo.model, QString(), {m_demo.data});
    QVERIFY2(settle(window, Scope::Sample, 0), qPrintable(window.lastError()));
}

void TestSession::chooseView(MainWindow &window, const std::string &group)
{
    openDemo(window);
    window.selectSample(7);
    QVERIFY(settle(window, Scope::Sample, 7));
    window.selectHead({HeadChoice::Kind::Head, 3});
    window.setColorMap(QStringLiteral("magma"));
    window.setRangeMode(RangeMode::SharedHeads);
    if (group.empty())
        return;
    window.setScope(Scope::Group);
    window.selectGroup(group);
    QVERIFY2(settle(window, Scope::Group, 7), qPrintable(window.lastError()));
    QCOMPARE(window.currentGroup(), group);
}

void TestSession::addScopes()
{
    QTest::addColumn<QString>("group"); // empty: Sample scope
    QTest::newRow("sample") << QString();
    QTest::newRow("group") << QStringLiteral("target=malignant");
}

void TestSession::saveThenOpenRestoresTheView_data()
{
    addScopes();
}

void TestSession::saveThenOpenRestoresTheView()
{
    QFETCH(QString, group);
    const Scope scope = group.isEmpty() ? Scope::Sample : Scope::Group;
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("view.json"));
    QString title;
    {
        MainWindow window;
        chooseView(window, group.toStdString());
        QVERIFY(window.menuBar()->findChildren<QAction *>().size() > 0);
        bool hasMenuItems = false;
        for (const QAction *action : window.findChildren<QAction *>())
            hasMenuItems |= action->text() == QStringLiteral("Sa&ve Session…");
        QVERIFY(hasMenuItems);
        QVERIFY2(window.saveSession(file, true), qPrintable(window.lastError()));
        title = window.heatmapView()->figure()->title();
    }
    QVERIFY(title.contains(QStringLiteral("head 3")));
    MainWindow window; // a fresh window: nothing of the first one
    window.show();
    QVERIFY2(window.openSession(file), qPrintable(window.lastError()));
    QVERIFY2(settle(window, scope, 7), qPrintable(window.lastError()));
    QCOMPARE(window.currentAttention(), 0);
    QCOMPARE(window.currentHead(), (HeadChoice {HeadChoice::Kind::Head, 3}));
    QCOMPARE(window.currentSample(), 7);
    QCOMPARE(window.sampleTable()->currentSample(), 7);
    QCOMPARE(window.currentScope(), scope);
    if (scope == Scope::Group)
        QCOMPARE(window.currentGroup(), group.toStdString());
    QCOMPARE(window.heatmapView()->figure()->colorMapName(), QStringLiteral("magma"));
    QCOMPARE(window.heatmapView()->figure()->title(), title);
    QCOMPARE(window.workspace().modelFile, m_demo.model);
}

void TestSession::cliExportOfSessionEqualsGuiExport_data()
{
    addScopes();
}

void TestSession::cliExportOfSessionEqualsGuiExport()
{
    QFETCH(QString, group);
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("view.json"));
    const QString guiPng = dir.filePath(QStringLiteral("gui.png"));
    const QString cliPng = dir.filePath(QStringLiteral("cli.png"));
    {
        MainWindow window;
        chooseView(window, group.toStdString());
        QVERIFY2(window.saveSession(file, true), qPrintable(window.lastError()));
        QVERIFY2(window.exportImage(guiPng, ImageFormat::Png, QSize(800, 600), 96, true),
            qPrintable(window.lastError()));
    }
    const QString failure = exportSession(file, cliPng);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    const QImage gui(guiPng);
    const QImage exported(cliPng);
    QCOMPARE(exported.size(), gui.size());
    const QString title = gui.text(QStringLiteral("Title"));
    QVERIFY2(title.contains(QStringLiteral("feature_attention — head 3")), qPrintable(title));
    QVERIFY2(group.isEmpty() ? title.contains(
                 QStringLiteral("sample 7 · target malignant · predicted malignant 1.000"))
                             : title.contains(QStringLiteral("target malignant")),
        qPrintable(title));
    QCOMPARE(gui.text(QStringLiteral("Row")),
        group.isEmpty() ? QStringLiteral("7") : QStringLiteral("group ") + group);
    QCOMPARE(gui.text(QStringLiteral("Head")), QStringLiteral("h03"));
    QVERIFY(!gui.textKeys().isEmpty());
    QCOMPARE(exported.textKeys(), gui.textKeys());
    // Every chunk the same, but the time each file was written (Created, and the Description
    // that ends with it) may differ by a second.
    const auto withoutTime
        = [](QString text) { return text.section(QStringLiteral("; created "), 0, 0); };
    for (const QString &key : gui.textKeys())
        if (key != QLatin1String("Created"))
            QCOMPARE(withoutTime(exported.text(key)), withoutTime(gui.text(key)));
    QVERIFY(QDateTime::fromString(exported.text(QStringLiteral("Created")), Qt::ISODate).isValid());
}

void TestSession::autosaveFollowsEveryChange()
{
    QFile::remove(sessionfile::autosavePath());
    {
        MainWindow window;
        openDemo(window);
        window.selectSample(5);
        QVERIFY(settle(window, Scope::Sample, 5));
        window.selectHead({HeadChoice::Kind::MaxOfHeads, 0});
        // Written a short while after the change, while the window stays open (a kill now
        // loses nothing).
        QVERIFY(QTest::qWaitFor(
            [] {
                try {
                    const Session s = sessionfile::read(sessionfile::autosavePath());
                    return s.sample == 5 && s.head.kind == HeadChoice::Kind::MaxOfHeads;
                } catch (const std::exception &) {
                    return false;
                }
            },
            5000));
        window.setColorMap(QStringLiteral("cividis"));
        QVERIFY(QTest::qWaitFor(
            [] {
                return sessionfile::read(sessionfile::autosavePath()).colorMap
                    == QStringLiteral("cividis");
            },
            5000));
        QVERIFY(window.autosave()->lastError().isEmpty());
    } // destroyed without closeEvent: as if killed after the autosave
    const Session last = sessionfile::read(sessionfile::autosavePath());
    QCOMPARE(last.modelSha256.size(), 64);
    QCOMPARE(last.dataSha256.size(), 1);
    MainWindow window; // what `attnlens` without arguments does: the demo was last open
    window.show();
    window.openDemo(last, m_demo.model, m_demo.data);
    QVERIFY(settle(window, Scope::Sample, 5));
    QCOMPARE(window.currentHead().kind, HeadChoice::Kind::MaxOfHeads);
    QCOMPARE(window.heatmapView()->figure()->colorMapName(), QStringLiteral("cividis"));
}

// A custom layer run from the user's recipe: the session opens the model with it, the window's
// session names it again, and attnlens-cli export --session runs it too.
void TestSession::sessionCarriesItsRecipes()
{
    QTemporaryDir dir;
    QFile builtIn(QStringLiteral(ATTNLENS_TEST_DATA "/../../core/keras/recipes/"
                                                    "keras_io_transformer_block.json"));
    QVERIFY(builtIn.open(QIODevice::ReadOnly));
    QByteArray text = builtIn.readAll();
    text.replace("\"title\": \"keras-io TransformerBlock\"", "\"title\": \"mine\"");
    const QString recipe = dir.filePath(QStringLiteral("mine.json"));
    {
        QFile out(recipe);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(text);
    }
    Session saved;
    saved.modelFile = testDataQ("keras/recipe_keras_io_text/model.keras");
    saved.dataFiles = QStringList {testDataQ("keras/recipe_keras_io_text/data.npy")};
    saved.recipeFiles = QStringList {recipe};
    saved.sample = 1;
    const QString file = dir.filePath(QStringLiteral("text.json"));
    sessionfile::write(saved, file);

    MainWindow window;
    window.show();
    QVERIFY2(window.openSession(file), qPrintable(window.lastError()));
    QVERIFY2(settle(window, Scope::Sample, 1), qPrintable(window.lastError()));
    bool ranMine = false;
    for (const LayerInfo &layer : window.workspace().model->layers())
        ranMine |= layer.recipe == "recipe 'mine' (" + recipe.toStdString() + ")";
    QVERIFY(ranMine);
    QCOMPARE(window.currentSession().recipeFiles, QStringList {recipe});

    const QString png = dir.filePath(QStringLiteral("text.png"));
    const QString failure = exportSession(file, png);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QVERIFY2(QImage(png).text(QStringLiteral("Recipes")).contains(QStringLiteral("recipe 'mine'")),
        qPrintable(QImage(png).text(QStringLiteral("Recipes"))));
}

// The real executable: `attnlens --session FILE` shows the session's view (Qt's own X11
// session option must not swallow it), the autosave follows while it runs, and after SIGKILL
// `attnlens --last` comes back to that view and saves it again.
void TestSession::appOpensSessionAndRestartsAfterKill()
{
    QTemporaryDir home;
    Session saved;
    saved.modelFile = m_demo.model;
    saved.dataFiles = QStringList {m_demo.data};
    saved.attentionKey = QStringLiteral("feature_attention");
    saved.head = {HeadChoice::Kind::Head, 2};
    saved.sample = 9;
    saved.colorMap = QStringLiteral("plasma");
    const QString file = home.filePath(QStringLiteral("view.json"));
    sessionfile::write(saved, file);
    const QString autosave = home.filePath(QStringLiteral("data/AttnLens/attnlens/session.json"));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    environment.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    const auto autosaved = [&] {
        try {
            return sessionfile::read(autosave);
        } catch (const std::exception &) {
            return Session {};
        }
    };
    const auto runUntilSaved = [&](const QStringList &arguments, const QDateTime &after) {
        QProcess app;
        app.setProcessEnvironment(environment);
        app.start(QStringLiteral(ATTNLENS_APP), arguments);
        const bool written = QTest::qWaitFor(
            [&] { return QFileInfo(autosave).lastModified() > after && autosaved().sample == 9; },
            30000);
        app.kill(); // SIGKILL: no closeEvent, nothing saved at exit
        app.waitForFinished(10000);
        return written;
    };
    QVERIFY(runUntilSaved({QStringLiteral("--session"), file}, QDateTime()));
    Session last = autosaved();
    QCOMPARE(last.modelFile, saved.modelFile);
    QCOMPARE(last.head, saved.head);
    QCOMPARE(last.colorMap, QStringLiteral("plasma"));
    const QDateTime killed = QFileInfo(autosave).lastModified();
    QTest::qWait(1100); // file times have a resolution of a second on some file systems
    QVERIFY(runUntilSaved({QStringLiteral("--last")}, killed));
    last = autosaved();
    QCOMPARE(last.sample, 9);
    QCOMPARE(last.head, saved.head);
    QCOMPARE(last.colorMap, QStringLiteral("plasma"));
}

QTEST_MAIN(TestSession)
#include "tst_session.moc"
