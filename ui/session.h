#pragma once

#include <string>

#include <QString>
#include <QStringList>

#include "core/data/dataset.h"
#include "ui/group_presenter.h"
#include "ui/head_matrix.h"

namespace attnlens {

/// What the user is looking at, and everything needed to show it again: the files (with the
/// SHA-256 of their bytes), the data options, the recipe files, the attention call, head,
/// sample, scope and colours. One concept with one JSON form (session_file.h): File > Save
/// Session writes it, `attnlens --session FILE` and `attnlens-cli export --session FILE` read
/// it, and the window saves it after every change (SessionAutosave) so a killed app starts
/// again where it was. Window geometry and recent files are not part of it (WindowSettings).
struct Session
{
    QString modelFile;   ///< absolute path
    QString modelSha256; ///< of modelFile's bytes, 64 hex digits; empty = not known
    QString configFile;  ///< architecture JSON of a weights-only model, else empty
    QStringList dataFiles;
    QStringList dataSha256;     ///< per data file, same order; empty entries = not known
    QStringList recipeFiles;    ///< recipe files the model is opened with (docs/recipes.md)
    DatasetOptions dataOptions; ///< the data options dataFiles were read with
    QString attentionKey;       ///< AttentionLayerInfo::key of the attention call shown
    HeadChoice head;
    int sample = 0; ///< index into Dataset::inputs
    Scope scope = Scope::Sample;
    std::string group = "all"; ///< Group scope: a group of the summary ("all", "target=M", ...)
    GroupStatistic statistic = GroupStatistic::Mean;
    QString colorMap = QStringLiteral("viridis");
    RangeMode range = RangeMode::PerHead;

    friend bool operator==(const Session &, const Session &) = default;
};

} // namespace attnlens
