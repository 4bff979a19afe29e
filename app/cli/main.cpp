// attnlens-cli: info, run and export without a display. See cli_options.cpp for the contract.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <new>
#include <string>

#include <QApplication>
#include <QCoreApplication>

#include "app/cli/cli_options.h"
#include "app/cli/commands.h"
#include "app/cli/job.h"
#include "core/errors.h"

namespace {

enum ExitCode
{
    Success = 0,
    Usage = 1,
    BadInput = 2,
    Unsupported = 3,
    OutputFailed = 4,
    InternalError = 5,
    InterruptedCode = 130
};

// Errors are printed as one line: a message with newlines would read as several errors.
void printError(const std::string &message)
{
    std::string line = message;
    for (char &c : line)
        if (c == '\n' || c == '\r')
            c = ' ';
    std::cerr << "attnlens-cli: " << line << '\n';
}

// Qt's own chatter (e.g. "QStandardPaths: XDG_RUNTIME_DIR not set" under the offscreen platform)
// would read as errors to scripts that watch stderr; warnings about that are dropped.
void qtMessages(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type == QtDebugMsg || type == QtInfoMsg
        || message.startsWith(QLatin1String("QStandardPaths:")))
        return;
    std::cerr << "attnlens-cli: Qt: " << message.toStdString() << '\n';
}

} // namespace

int main(int argc, char **argv)
{
    using namespace attnlens;
    using namespace attnlens::cli;
    std::vector<std::string> arguments(argv + 1, argv + argc);
    CliOptions options;
    try {
        options = parseArguments(arguments);
    } catch (const UsageError &error) {
        printError(error.what());
        std::cerr << "Try 'attnlens-cli --help'.\n";
        return Usage;
    }
    if (options.command == CliOptions::Command::Help) {
        std::cout << usageText();
        return Success;
    }
    if (options.command == CliOptions::Command::Version) {
        std::cout << "attnlens-cli " << ATTNLENS_VERSION << '\n';
        return Success;
    }

    // Export and summarize --images draw with Qt's raster engine, which needs a QApplication
    // (fonts) but no display.
    qInstallMessageHandler(qtMessages);
    std::unique_ptr<QCoreApplication> app;
    if (options.command == CliOptions::Command::Export || options.images) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    installInterruptHandler();
    try {
        switch (options.command) {
        case CliOptions::Command::Info:
            return runInfo(options);
        case CliOptions::Command::Run:
            return runRun(options);
        case CliOptions::Command::Export:
            return runExport(options);
        case CliOptions::Command::Summarize:
            return runSummarize(options);
        case CliOptions::Command::Merge:
            return runMerge(options);
        default:
            return Usage;
        }
    } catch (const UsageError &error) {
        printError(error.what());
        return Usage;
    } catch (const UnsupportedModelError &error) {
        printError(error.what());
        return Unsupported;
    } catch (const InputFileError &error) {
        printError(error.what());
        return BadInput;
    } catch (const ShapeError &error) {
        printError(error.what());
        return BadInput;
    } catch (const OutputError &error) {
        printError(error.what());
        return OutputFailed;
    } catch (const Error &error) { // a kind of input error without a class of its own
        printError(error.what());
        return BadInput;
    } catch (const std::bad_alloc &) {
        printError("out of memory; run fewer rows (--rows), fewer at a time (--chunk-rows) or "
                   "shorter inputs");
        return BadInput;
    } catch (const Interrupted &) {
        printError("interrupted; no partial file was left behind");
        return InterruptedCode;
    } catch (const std::exception &error) {
        printError(std::string("internal error (a bug in AttnLens; please report it with the "
                               "command line): ")
            + error.what());
        return InternalError;
    }
}
