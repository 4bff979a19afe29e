#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <QObject>
#include <QString>

#include "ui/background_task.h"
#include "ui/report_job.h"
#include "ui/workspace.h"

namespace attnlens {

/// What a batch export writes: for every usable sample in [firstSample, lastSample], every
/// attention call (or only `attention`) and the head choices of `heads` (HeadSet order), one
/// image and optionally the matrix, named and drawn by ReportJob, as `attnlens-cli export` does.
struct BatchExportRequest
{
    ReportOptions report; ///< folder, format, size, DPI, colour map, matrix files
    std::int64_t firstSample = 0;
    std::int64_t lastSample = 0; ///< inclusive
    int attention = -1;          ///< index in Model::attentionLayers(), -1 = every call
    HeadSet heads {.allHeads = true, .heads = {}, .mean = false, .max = false};
};

/// How a batch export ended.
struct BatchExportOutcome
{
    std::int64_t written = 0; ///< images written (or queued for encoding and then written)
    std::int64_t total = 0;   ///< images the request asked for
    QString directory;
    QString error; ///< the first failure, empty when it succeeded or was cancelled
    bool cancelled = false;
};

/// One running batch export; made, started and cancelled only by JobRunner. It owns a copy of the
/// Workspace it was given, so nothing the window does later (a load, a new data set) can change
/// or free what it reads. Scores are computed on the thread pool a chunk of samples per
/// Model::run (the next chunk while the current one is drawn); figures are drawn and written on
/// this object's (the GUI) thread, one per event-loop turn, so the GUI keeps repainting without
/// any nested event loop.
class BatchExport : public QObject
{
    Q_OBJECT
public:
    /// Throws std::invalid_argument when there is nothing to export (no model, data or attention
    /// call, no usable sample in the range, no head choice) and what ReportJob throws.
    BatchExport(const Workspace &workspace, const BatchExportRequest &request, QObject *parent);
    ~BatchExport() override;

    /// Starts computing; emits progress() per image and finished() once.
    void start();
    /// Stops after the image being written; emits finished() with `cancelled` at once.
    void cancel();
    std::int64_t total() const { return m_outcome.total; }

signals:
    void progress(qint64 written, qint64 total);
    void finished(const attnlens::BatchExportOutcome &outcome);

private:
    void requestChunk();
    void onChunk(TaskResult<ReportChunk> result);
    void writeNext();
    void scheduleWrite();
    void end(const QString &error, bool cancelled);

    Workspace m_workspace;
    std::unique_ptr<ReportJob> m_job;
    std::optional<ReportChunk> m_current; ///< being written
    std::optional<ReportChunk> m_next;    ///< computed ahead
    std::size_t m_nextChunk = 0;          ///< the next chunk to request
    bool m_computing = false;
    bool m_writeScheduled = false;
    std::int64_t m_image = 0; ///< next image of m_current
    bool m_ended = false;
    BatchExportOutcome m_outcome;
};

} // namespace attnlens
