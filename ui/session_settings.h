#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include "core/data/dataset.h"
#include "ui/head_matrix.h"

namespace attnlens {

/// What the window remembers between runs (QSettings under "AttnLens/attnlens"; tests point
/// QSettings elsewhere with QStandardPaths::setTestModeEnabled or their own organisation name).
struct Session
{
    QByteArray geometry;
    QByteArray windowState; ///< dock layout
    QString modelFile;
    QString configFile;
    QStringList dataFiles;
    DatasetOptions dataOptions; ///< the data options dataFiles were read with
    QString attentionKey;       ///< AttentionLayerInfo::key of the attention call shown
    HeadChoice head;
    int sample = 0;
    QString colorMap = QStringLiteral("viridis");
    RangeMode range = RangeMode::PerHead;
    QStringList recentModels; ///< most recent first
    QStringList recentData;
};

/// Reads and writes Session with QSettings.
namespace sessionsettings {

Session load();
void save(const Session &session);
/// Puts `file` first in `list`, without duplicates, at most 8 entries.
void addRecent(QStringList &list, const QString &file);

} // namespace sessionsettings
} // namespace attnlens
