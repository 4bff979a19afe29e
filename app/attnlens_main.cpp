// attnlens: the desktop app. `attnlens` opens the bundled demo (with the last layer, head and
// sample if the demo was last open); `--last` reopens the last session's files instead (also
// File > Reopen Last Session); `attnlens MODEL [DATA...]` opens those, `--config ARCH.json` goes
// with a weights-only file.
#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>

#include "ui/main_window.h"
#include "ui/session_settings.h"

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

} // namespace

int main(int argc, char *argv[])
{
    const Options options;
    QCommandLineParser parser;
    describe(parser, options);
    if (onlyPrints(argc, argv)) {
        QCoreApplication app(argc, argv);
        nameApplication();
        parser.process(app); // prints and exits
        return 0;
    }

    QApplication app(argc, argv);
    nameApplication();
    parser.process(app);

    attnlens::MainWindow window;
    const attnlens::Session session = attnlens::sessionsettings::load();
    const QStringList arguments = parser.positionalArguments();
    if (!arguments.isEmpty()) {
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
