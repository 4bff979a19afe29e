// `attnlens-cli export --session FILE`: the one view a session file names, drawn headless with
// the window's presenters (ui/view_export.h), so its title and PNG text chunks are the GUI's.
#include <iostream>

#include <QDir>
#include <QFileInfo>

#include "app/cli/commands.h"
#include "app/cli/job.h"
#include "core/errors.h"
#include "core/runtime/model.h"
#include "ui/session_file.h"
#include "ui/view_export.h"

namespace attnlens::cli {

namespace {

std::vector<std::filesystem::path> pathsOf(const QStringList &files)
{
    std::vector<std::filesystem::path> paths;
    for (const QString &file : files)
        paths.emplace_back(file.toStdString());
    return paths;
}

/// The session's model and data, opened as the window opens them.
Workspace openWorkspace(const Session &session)
{
    Workspace workspace;
    workspace.modelFile = session.modelFile;
    workspace.configFile = session.configFile;
    workspace.dataFiles = session.dataFiles;
    workspace.recipeFiles = session.recipeFiles;
    workspace.dataOptions = session.dataOptions;
    LoadOptions load;
    load.recipeFiles = pathsOf(session.recipeFiles);
    std::optional<std::filesystem::path> config;
    if (!session.configFile.isEmpty())
        config = session.configFile.toStdString();
    workspace.model = Model::open(session.modelFile.toStdString(), config, load);
    workspace.modelSha256 = QString::fromStdString(workspace.model->summary().sha256);
    if (session.dataFiles.isEmpty())
        throw InputFileError(ErrorWhere::ofFile(session.modelFile.toStdString())
            + ": the session names no data file, so there is no view to export; open data in "
              "AttnLens and save the session again");
    workspace.dataset = std::make_shared<const Dataset>(
        loadDataset(pathsOf(session.dataFiles), workspace.model->inputs(), session.dataOptions));
    return workspace;
}

/// --out: an image file (its extension gives the format) or a folder (the export's name).
QString outputPath(const CliOptions &options, const ViewPicture &picture, ImageFormat format)
{
    const QString out = QString::fromStdString(options.out.string());
    if (imageFormatFromName(QFileInfo(out).suffix()))
        return out;
    if (!QDir().mkpath(out))
        throw OutputError("cannot create the output directory " + out.toStdString()
            + ": check that the path is writable");
    return QDir(out).filePath(picture.fileName.section(QLatin1Char('.'), 0, -2)) + QLatin1Char('.')
        + imageFormatExtension(format);
}

ImageFormat formatOf(const CliOptions &options)
{
    const QString out = QString::fromStdString(options.out.string());
    const auto fromOut = imageFormatFromName(QFileInfo(out).suffix());
    const auto fromFlag = *imageFormatFromName(QString::fromStdString(options.format));
    if (fromOut && options.format != "png" && *fromOut != fromFlag)
        throw UsageError("--format " + options.format + " and --out " + out.toStdString()
            + " disagree: give one of them");
    return fromOut.value_or(fromFlag);
}

} // namespace

int runSessionExport(const CliOptions &options)
{
    const QString sessionPath
        = QFileInfo(QString::fromStdString(options.session->string())).absoluteFilePath();
    const Session session = sessionfile::read(sessionPath);
    for (const QString &note : sessionfile::verify(session, sessionPath))
        std::cerr << "note: " << note.toStdString() << '\n';
    const Workspace workspace = openWorkspace(session);
    const ImageFormat format = formatOf(options);
    const ViewPicture picture = viewexport::compute(workspace, session, sessionPath, format);
    const QString path = outputPath(options, picture, format);
    if (interrupted())
        throw Interrupted {};
    viewexport::save(picture, session.colorMap, path, format, QSize(options.width, options.height),
        options.dpi, QString::fromStdString(options.matrix));
    std::cout << path.toStdString() << '\n';
    return 0;
}

} // namespace attnlens::cli
