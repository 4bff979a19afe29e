#pragma once

#include <cstdint>

#include <QSize>
#include <QString>

#include "ui/image_export.h"
#include "ui/workspace.h"

class QWidget;

namespace attnlens {

/// What a batch export writes: for every sample in [firstRow, lastRow], every attention layer
/// (or only `layer`) and every head (plus mean and max when asked), one image and optionally the
/// matrix, named and drawn exactly as `attnlens-cli export` does (same exportnaming file names,
/// titles, axis titles, labels, PNG text chunks).
struct BatchExportRequest
{
    QString directory;
    std::int64_t firstRow = 0;
    std::int64_t lastRow = 0; ///< inclusive
    int layer = -1;           ///< index in Model::attentionLayers(), -1 = all
    bool allHeads = true;
    bool mean = false;
    bool max = false;
    ImageFormat format = ImageFormat::Png;
    QSize size {800, 600};
    int dpi = 96;
    QString colorMap = QStringLiteral("viridis");
    QString matrix; ///< "", "csv" or "npy"
};

/// Runs `request` with a QProgressDialog (parented to `parent`) that can cancel it. Scores are
/// computed on a worker thread one sample at a time while the GUI keeps repainting; figures are
/// drawn on an offscreen plot. Unusable samples are skipped. Returns the number of images
/// written; sets `*error` (and stops) at the first failure, leaves it empty when cancelled.
std::int64_t runBatchExport(const Workspace &workspace, const BatchExportRequest &request,
    QWidget *parent, QString *error, bool *cancelled);

/// The title attnlens-cli export gives a figure: "model.keras — layer — head 2 — row 12 (id 7)".
QString exportTitle(
    const Workspace &workspace, int layer, const QString &headText, std::int64_t row);

/// SHA-256 of a file as lower-case hex, empty if unreadable.
QString fileSha256Hex(const QString &file);

} // namespace attnlens
