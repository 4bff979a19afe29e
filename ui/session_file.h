#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include "ui/session.h"

namespace attnlens {

/// The one JSON form of a Session (README "Sessions"):
///
///   {"format": "attnlens-session", "version": 1,
///    "model": {"path": "/abs/m.keras", "relative": "m.keras", "sha256": "..."},
///    "config": null, "data": [{"path": ..., "relative": ..., "sha256": ...}],
///    "recipes": [{"path": ..., "relative": ...}],
///    "data_options": {"features": [], "id_column": "", "target_column": "", "time_column": "",
///                     "stride": 1, "predictions": "automatic", "classes": []},
///    "view": {"call": "mha", "head": "head3", "sample": 7, "scope": "sample", "group": "all",
///             "statistic": "mean"},
///    "colours": {"map": "viridis", "range": "head"}}
///
/// "relative" is the path from the session file's folder: a file whose absolute path does not
/// exist is looked for there, so a folder with a session and its files can be shared.
namespace sessionfile {

constexpr int kVersion = 1;

/// The JSON text of `session` as it would be saved to `sessionPath` (relative paths from its
/// folder).
QByteArray toJson(const Session &session, const QString &sessionPath);
/// Parses the JSON text of a session saved at `sessionPath`. Throws InputFileError naming the
/// file, the JSON path of the wrong value ($.view.head), what was expected and what to do.
/// Paths are resolved: the absolute one when it exists, else the relative one from the
/// session's folder when that exists, else an InputFileError naming both.
Session fromJson(const QByteArray &json, const QString &sessionPath);
/// Reads and parses `path` (InputFileError when it cannot be read or is malformed).
Session read(const QString &path);
/// Writes `session` to `path` under a temporary name renamed into place (QSaveFile), so a
/// killed writer never leaves a partial session. Throws OutputError naming the file.
void write(const Session &session, const QString &path);

/// Checks the files against the hashes the session was saved with. Throws InputFileError
/// naming both hashes when the model (or its architecture JSON) changed: the view would not be
/// the one saved. Returns one sentence per data file that changed (the view may differ; say
/// so), empty when nothing changed. Files the session has no hash for are not checked.
QStringList verify(const Session &session, const QString &sessionPath);

/// SHA-256 of `file`'s bytes (64 hex digits), remembered per path, size and modification time
/// so the autosave hashes a data file once. Empty when the file cannot be read.
QString fileSha256(const QString &file);

/// Where the window saves the session after every change: session.json in the application's
/// data folder (QStandardPaths::AppDataLocation; tests use its test mode).
QString autosavePath();

} // namespace sessionfile
} // namespace attnlens
