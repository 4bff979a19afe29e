// attnlens: the desktop app. `attnlens` reopens the last files (the bundled demo the first time),
// `attnlens MODEL [DATA...]` opens those, `--config ARCH.json` goes with a weights-only file.
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
    const QCommandLineOption demo(
        QStringLiteral("demo"), QStringLiteral("Open the bundled demo, not the last files."));
    parser.addOption(config);
    parser.addOption(demo);
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
    } else if (!parser.isSet(demo) && !session.modelFile.isEmpty()
        && QFileInfo::exists(session.modelFile)) {
        window.restoreSession(session, true);
    } else {
        window.restoreSession(session, false);
        const attnlens::DemoFiles files = attnlens::extractDemoFiles();
        if (!files.model.isEmpty())
            window.open(files.model, QString(), {files.data});
    }
    window.show();
    return QApplication::exec();
}
