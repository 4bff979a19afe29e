// attnlens: the desktop app. `attnlens` opens the bundled demo (with the last layer, head and
// sample if the demo was last open); `--last` reopens the last session's files instead (also
// File > Reopen Last Session); `attnlens MODEL [DATA...]` opens those, `--config ARCH.json` goes
// with a weights-only file.
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

#include "ui/main_window.h"
#include "ui/session_settings.h"

#include "resources/demo_files.h"

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("AttnLens"));
    QApplication::setApplicationName(QStringLiteral("attnlens"));
    QApplication::setApplicationVersion(QStringLiteral(ATTNLENS_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Per-head attention heatmaps of Keras models."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption config(QStringLiteral("config"),
        QStringLiteral("Architecture JSON (model.to_json()) for a weights-only MODEL."),
        QStringLiteral("ARCH.json"));
    const QCommandLineOption demo(QStringLiteral("demo"),
        QStringLiteral("Open the bundled demo (what no arguments do; kept for scripts)."));
    const QCommandLineOption last(QStringLiteral("last"),
        QStringLiteral("Reopen the files and view of the last session, not the demo."));
    parser.addOption(config);
    parser.addOption(demo);
    parser.addOption(last);
    parser.addPositionalArgument(QStringLiteral("MODEL"),
        QStringLiteral(".keras, .h5 or .weights.h5 file"), QStringLiteral("[MODEL"));
    parser.addPositionalArgument(QStringLiteral("DATA"),
        QStringLiteral("data files (.csv, .npy, .npz, .h5)"), QStringLiteral("[DATA...]]"));
    parser.process(app);

    attnlens::MainWindow window;
    const attnlens::Session session = attnlens::sessionsettings::load();
    const QStringList arguments = parser.positionalArguments();
    if (!arguments.isEmpty()) {
        window.restoreSession(session, false);
        window.open(QFileInfo(arguments.front()).absoluteFilePath(), parser.value(config),
            arguments.mid(1));
    } else if (parser.isSet(last) && !session.modelFile.isEmpty()
        && QFileInfo::exists(session.modelFile)) {
        window.restoreSession(session, true);
    } else {
        const attnlens::DemoFiles files = attnlens::extractDemoFiles();
        window.openDemo(session, files.model, files.data);
    }
    window.show();
    return QApplication::exec();
}
