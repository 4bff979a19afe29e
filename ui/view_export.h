#pragma once

#include <cstdint>
#include <string>

#include <QSize>
#include <QString>

#include "ui/attention_presenter.h"
#include "ui/image_export.h"
#include "ui/session.h"
#include "ui/workspace.h"

namespace attnlens {

/// One view of the window, computed without the window: what the heatmap shows (matrix,
/// colour range, title), its axis text, the PNG text chunks and the default file name.
struct ViewPicture
{
    HeatmapContent content;
    AxisText text;
    ImageMetadata metadata;
    std::vector<Tensor> outputs; ///< the sample's model outputs (Sample scope), else empty
    QString fileName;            ///< without folder, with the format's extension: the report naming
};

/// The export of one view (File > Export Image, attnlens-cli export --session): the same
/// title and PNG text chunks from both.
namespace viewexport {

/// Metadata of the view of call `attention`, `head` and `sample` (Sample scope, with its id,
/// target and, from `outputs`, prediction) or `group` (Group scope: chunk "Row" is "group
/// <name>"), titled `title`, drawn with colour range `range` (rangeDescription).
ImageMetadata metadata(const Workspace &workspace, int attention, const HeadChoice &head,
    std::int64_t sample, Scope scope, const std::string &group, const QString &title,
    const QString &range = {}, const std::vector<Tensor> &outputs = {});

/// The file name of the view `view` of call `attention` (index in attentionLayers()), as batch
/// export and summarize --images name it, so single exports do not overwrite each other:
/// `r000012_L01-mha_h02.png`, `target_M_L01-mha_h02.png`. `extension` without dot.
QString fileName(
    const Workspace &workspace, const Session &view, int attention, const QString &extension);

/// The view `session` names, on `workspace` (opened from the session's files): in Sample scope
/// one forward pass of its sample, in Group scope the summary of every usable sample. A head
/// past the call's last is its last, as in the window. Throws InputFileError naming the
/// session file (`sessionPath`) when its call (empty: the first), sample or group is not in
/// the model or data, and what the model and presenters throw.
ViewPicture compute(const Workspace &workspace, const Session &session, const QString &sessionPath,
    ImageFormat format);

/// Draws `picture` in colour map `colorMap` on an offscreen figure of `size` (logical pixels)
/// and writes it to `path` in `format`; `matrix` "csv" or "npy" also writes the matrix beside
/// it (same name, that extension). Throws OutputError naming the file. GUI thread.
void save(const ViewPicture &picture, const QString &colorMap, const QString &path,
    ImageFormat format, QSize size, int dpi, const QString &matrix = {});

} // namespace viewexport
} // namespace attnlens
