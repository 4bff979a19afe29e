// attnlens: the desktop app. `attnlens` opens the bundled demo (with the last layer, head and
// sample if the demo was last open); `--last` reopens the last session's files instead (also
// File > Reopen Last Session); `--session FILE` opens a saved session file; `attnlens MODEL
// [DATA...]` opens those, `--config ARCH.json` goes with a weights-only file. The last session
// is the one the window saved after its last change (sessionfile::autosavePath()).
// `attnlens --open-probe REQUEST` is the child process that reads new files before the window
// does (ui/open_probe.h); it is not for users and needs no display.
#include <cstring>
#include <iostream>

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>

#include "core/errors.h"
#include "ui/main_window.h"
#include "ui/open_probe.h"
#include "ui/open_probe_child.h"
#include "ui/session_file.h"
#include "ui/window_settings.h"

#include "resources/demo_files.h"

namespace {

struct Options
{
    QCommandLineOption config {QStringLiteral("config"),
        QStringLiteral("Architecture JSON (model.to_json()) for a weights-only MODEL."),
        QStringLiteral("ARCH.json")};
    QCommandLineOption demo {QStringLiteral("demo"),
        QStringLiteral("Open the bundled demo (what no arguments do; kept for scripts).")};
    QCommandLineOption last {QStringLiteral("last"),
        QStringLiteral("Reopen the files and view of the last session, not the demo.")};
    QCommandLineOption session {QStringLiteral("session"),
        QStringLiteral("Open a session file (File > Save Session): its files and view."),
        QStringLiteral("FILE")};
};

void describe(QCommandLineParser &parser, const Options &options)
{
    parser.setApplicationDescription(
        QStringLiteral("Per-head attention heatmaps of Keras models."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(options.config);
    parser.addOption(options.demo);
    parser.addOption(options.last);
    parser.addOption(options.session);
    parser.addPositionalArgument(QStringLiteral("MODEL"),
        QStringLiteral(".keras, .h5 or .weights.h5 file"), QStringLiteral("[MODEL"));
    parser.addPositionalArgument(QStringLiteral("DATA"),
        QStringLiteral("data files (.csv, .npy, .npz, .h5)"), QStringLiteral("[DATA...]]"));
}

void nameApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("AttnLens"));
    QCoreApplication::setApplicationName(QStringLiteral("attnlens"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ATTNLENS_VERSION));
}

/// --help and --version print and exit; they must work with no display (a terminal, a
/// package check), which a QApplication would need.
bool onlyPrints(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray argument(argv[i]);
        if (argument == "-h" || argument == "--help" || argument == "--help-all" || argument == "-v"
            || argument == "--version" || argument == "-?")
            return true;
    }
    return false;
}

/// The session the last run saved after its last change; none when there is none or it can no
/// longer be read (said on stderr: the demo opens instead).
attnlens::Session lastSession()
{
    const QString file = attnlens::sessionfile::autosavePath();
    if (!QFileInfo::exists(file))
        return {};
    try {
        return attnlens::sessionfile::read(file);
    } catch (const attnlens::Error &e) {
        std::cerr << "attnlens: the last session is not restored: " << e.what() << '\n';
        return {};
    }
}

/// Takes `--session FILE` (or `--session=FILE`) out of argv before QApplication sees it: Qt's
/// X11 session management reads `-session ID` itself and drops the option. Empty when absent.
QString takeSessionFile(int &argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray argument(argv[i]);
        int taken = 0;
        QString file;
        if (argument == "--session" && i + 1 < argc) {
            file = QString::fromLocal8Bit(argv[i + 1]);
            taken = 2;
        } else if (argument.startsWith("--session=")) {
            file = QString::fromLocal8Bit(argument.mid(10));
            taken = 1;
        }
        if (taken == 0)
            continue;
        for (int j = i; j + taken <= argc; ++j)
            argv[j] = argv[j + taken]; // argv[argc] is the terminating null
        argc -= taken;
        return file;
    }
    return {};
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc == 3 && std::strcmp(argv[1], "--open-probe") == 0)
        return attnlens::runOpenProbe(QByteArray(argv[2]), std::cout);
    const Options options;
    QCommandLineParser parser;
    describe(parser, options);
    if (onlyPrints(argc, argv)) {
        QCoreApplication app(argc, argv);
        nameApplication();
        parser.process(app); // prints and exits
        return 0;
    }

    const QString sessionFile = takeSessionFile(argc, argv);
    QApplication app(argc, argv);
    nameApplication();
    parser.process(app);

    attnlens::MainWindow window;
    window.setOpenProbe(attnlens::OpenProbe(QCoreApplication::applicationFilePath()));
    window.restoreWindow(attnlens::WindowSettings::load());
    const attnlens::Session session = lastSession();
    const QStringList arguments = parser.positionalArguments();
    if (!sessionFile.isEmpty()) {
        window.restoreSession(session, false);
        window.openSession(QFileInfo(sessionFile).absoluteFilePath());
    } else if (!arguments.isEmpty()) {
        window.restoreSession(session, false);
        window.open(QFileInfo(arguments.front()).absoluteFilePath(), parser.value(options.config),
            arguments.mid(1));
    } else if (parser.isSet(options.last) && !session.modelFile.isEmpty()
        && QFileInfo::exists(session.modelFile)) {
        window.restoreSession(session, true);
    } else {
        const attnlens::DemoFiles files = attnlens::extractDemoFiles();
        window.openDemo(session, files.model, files.data);
    }
    window.show();
    return QApplication::exec();
}
