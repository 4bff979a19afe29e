#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace attnlens {

/// What the window remembers of itself between runs, in QSettings (under "AttnLens/attnlens";
/// tests point QSettings elsewhere with QStandardPaths::setTestModeEnabled or their own
/// organisation name): its geometry, dock layout and recent files. What the user looks at is
/// the Session (session.h), saved as a session file.
struct WindowSettings
{
    QByteArray geometry;
    QByteArray windowState;   ///< dock layout
    QStringList recentModels; ///< most recent first
    QStringList recentData;

    static WindowSettings load();
    void save() const;
    /// Puts `file` first in `list`, without duplicates, at most 8 entries.
    static void addRecent(QStringList &list, const QString &file);
};

} // namespace attnlens
