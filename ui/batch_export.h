#pragma once

#include <cstdint>

#include <QString>

#include "ui/report_exporter.h"
#include "ui/workspace.h"

class QWidget;

namespace attnlens {

/// What a batch export writes: for every sample in [firstRow, lastRow], every attention layer
/// (or only `layer`) and every head (plus mean and max when asked), one image and optionally the
/// matrix, named and drawn by ReportExporter, as `attnlens-cli export` does.
struct BatchExportRequest
{
    ReportOptions report; ///< folder, format, size, DPI, colour map, matrix files
    std::int64_t firstRow = 0;
    std::int64_t lastRow = 0; ///< inclusive
    int layer = -1;           ///< index in Model::attentionLayers(), -1 = all
    bool allHeads = true;
    bool mean = false;
    bool max = false;
};

/// Runs `request` with a QProgressDialog (parented to `parent`) that can cancel it. Scores are
/// computed on a worker thread one sample at a time while the GUI keeps repainting; figures are
/// drawn on an offscreen plot. Unusable samples are skipped. Returns the number of images
/// written; sets `*error` (and stops) at the first failure, leaves it empty when cancelled.
std::int64_t runBatchExport(const Workspace &workspace, const BatchExportRequest &request,
    QWidget *parent, QString *error, bool *cancelled);

} // namespace attnlens
