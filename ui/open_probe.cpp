#include "ui/open_probe.h"

#include <cstring>

#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QtGlobal>

#include "core/errors.h"
#include "core/runtime/model.h"

namespace attnlens {

namespace {

constexpr int kPollMs = 50;

/// What the child said on its standard output (see runOpenProbe).
struct ProbeAnswer
{
    bool readingData = false; ///< it got as far as the data files
    bool refusedModel = false;
    QString message; ///< the reader's message after a "refused" line
};

ProbeAnswer parseAnswer(const QByteArray &output)
{
    ProbeAnswer answer;
    answer.readingData = output.contains("reading data\n");
    const qsizetype refused = output.indexOf("refused ");
    if (refused < 0)
        return answer;
    const qsizetype lineEnd = output.indexOf('\n', refused);
    answer.refusedModel = output.mid(refused, lineEnd - refused) == "refused model";
    answer.message = QString::fromUtf8(output.mid(lineEnd + 1)).trimmed();
    return answer;
}

/// The files of the stage the child was in, by name ("a.npy, b.npy").
QString stageFiles(const OpenRequest &request, bool data)
{
    if (!data)
        return QFileInfo(request.modelFile).fileName();
    QStringList names;
    for (const QString &file : request.dataFiles)
        names.append(QFileInfo(file).fileName());
    return names.join(QStringLiteral(", "));
}

/// The library that reads `file`, by its suffix, for the message.
QString readerOf(const QString &file)
{
    const QString suffix = QFileInfo(file).suffix().toLower();
    if (suffix == QLatin1String("h5") || suffix == QLatin1String("hdf5"))
        return QStringLiteral("HDF5");
    if (suffix == QLatin1String("keras") || suffix == QLatin1String("npz"))
        return QStringLiteral("zip");
    if (suffix == QLatin1String("csv") || suffix == QLatin1String("npy"))
        return suffix.toUpper();
    return QStringLiteral("file");
}

QString crashMessage(const OpenRequest &request, bool data, int signal)
{
    const QString reader = readerOf(data ? request.dataFiles.value(0) : request.modelFile);
    return QStringLiteral("%1 crashed the %2 reader; it was not opened. It was read first in a "
                          "separate process, which died of signal %3 (%4); what is open here "
                          "was not touched.")
        .arg(stageFiles(request, data), reader)
        .arg(signal)
        .arg(QString::fromUtf8(strsignal(signal)));
}

QString hangMessage(const OpenRequest &request, bool data, int timeoutMs)
{
    return QStringLiteral("%1 did not finish opening within %2 s (the %3 reader may be stuck on "
                          "it); it was not opened.")
        .arg(stageFiles(request, data))
        .arg(timeoutMs / 1000.0, 0, 'g', 3)
        .arg(readerOf(data ? request.dataFiles.value(0) : request.modelFile));
}

void stop(QProcess &child)
{
    child.kill();
    child.waitForFinished();
}

} // namespace

OpenProbe::OpenProbe(QString program, int timeoutMs)
    : m_program(std::move(program))
    , m_timeoutMs(timeoutMs)
{
}

void OpenProbe::check(const OpenRequest &request, const std::function<bool()> &stale) const
{
    if (!isEnabled())
        return;
    QProcess child;
    child.setStandardErrorFile(QProcess::nullDevice()); // the answer is on stdout
    child.start(m_program, {QStringLiteral("--open-probe"), QString::fromUtf8(request.toJson())},
        QIODevice::ReadOnly);
    if (!child.waitForStarted()) {
        qWarning("attnlens: the open probe %s did not start (%s); opening in-process only",
            qPrintable(m_program), qPrintable(child.errorString()));
        return;
    }
    QElapsedTimer clock;
    clock.start();
    while (child.state() != QProcess::NotRunning && !child.waitForFinished(kPollMs)) {
        if (stale && stale()) {
            stop(child);
            throw Cancelled();
        }
        if (clock.elapsed() > m_timeoutMs) {
            stop(child);
            const ProbeAnswer answer = parseAnswer(child.readAllStandardOutput());
            throw InputFileError(
                hangMessage(request, answer.readingData, m_timeoutMs).toStdString());
        }
    }
    const ProbeAnswer answer = parseAnswer(child.readAllStandardOutput());
    if (child.exitStatus() == QProcess::CrashExit)
        throw InputFileError(
            crashMessage(request, answer.readingData, child.exitCode()).toStdString());
    if (answer.refusedModel)
        throw InputFileError(answer.message.toStdString());
}

} // namespace attnlens
