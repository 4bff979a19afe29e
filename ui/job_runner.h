#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include "ui/batch_export.h"
#include "ui/dataset_summary_job.h"
#include "ui/open_probe.h"
#include "ui/predictions.h"
#include "ui/workspace.h"

namespace attnlens {

/// The one runner of the desktop app's long jobs: loading, predictions, sample attention and
/// batch export. Every job works on its own copy of the Workspace (shared_ptrs to the immutable
/// model and data set), so a job never reads something the window has replaced. Results,
/// progress and errors arrive as signals on the GUI thread; nothing here touches widgets.
///
/// Conflicts, one rule per pair (refusals return false and emit refused() with the reason):
///  - a new load makes every running load, prediction and sample job stale: they stop at their
///    next progress call (RunOptions::progress returns false) and their results are dropped;
///  - a new prediction job makes the running one stale;
///  - sample jobs are coalesced: one runs at a time, and the requests made meanwhile are kept as
///    one, the latest, which starts as soon as the running one ends. The running one's result is
///    still delivered (holding Down shows intermediate samples, each within about one forward
///    pass, instead of a queue of passes whose results nobody sees);
///  - a batch export is refused while a load or another batch export runs;
///  - a load is refused while a batch export runs (cancel the export first): the export's
///    request was chosen for the open model, and it must not be retargeted or lose its files.
///  Predictions and sample jobs run beside a batch export: they read their own Workspace.
class JobRunner : public QObject
{
    Q_OBJECT
public:
    explicit JobRunner(QObject *parent = nullptr);
    ~JobRunner() override;

    /// Loads read new files first with `probe` (OpenProbe), so a reader that crashes or hangs
    /// fails the load (failed()) instead of the app. Default: none, the files are read
    /// in-process only.
    void setOpenProbe(OpenProbe probe) { m_probe = std::move(probe); }

    /// Opens `modelFile` (with `configFile` for weights-only files) and reads `dataFiles` against
    /// its inputs; hashes a newly opened model file (Workspace::modelSha256). When `reuse`
    /// already holds that model, only the data is read. If the data does not fit a newly opened
    /// model, the model still opens without data (droppedDataReason). The data is read with
    /// `options` (the data options). Emits loaded(), dataRejected() when the model opened but
    /// the data asked for cannot be read, or failed(). False (refused()) while a batch export
    /// runs. `recipeFiles` are tried first for custom layers (a session's recipes); without
    /// them, those of `reuse` when it is the same model file, else none. With an open probe, its
    /// refusal of the model or its crash is failed().
    bool load(const QString &modelFile, const QString &configFile, const QStringList &dataFiles,
        const Workspace &reuse, const DatasetOptions &options = {},
        const std::optional<QStringList> &recipeFiles = std::nullopt);
    /// Runs the usable samples through the model without capturing attention, read as classes
    /// or values per the workspace's data options (readsAsClasses). Emits predicted().
    void predict(const Workspace &workspace);
    /// Scores of every attention call and the feature weights of `sample`, one forward pass
    /// (Model::runSample). While another sample runs, `sample` waits (replacing any earlier
    /// waiting one) and starts when it ends. Emits sampleReady() per sample computed.
    void computeSample(const Workspace &workspace, std::int64_t sample);
    /// Group scope: the summary of `samples` (usable dataset samples, ascending; `allUsable`
    /// when they are every usable one) grouped every way the model and data allow, computed in
    /// the background with progress (summarizeSamples). A new summary or load makes the running
    /// one stale; cancelSummary() stops it. Emits summarized().
    void summarize(const Workspace &workspace, std::vector<std::int64_t> samples, bool allUsable);
    void cancelSummary();
    bool isSummarizing() const { return m_summarizing > 0; }
    /// Starts writing `request` for `workspace` (see BatchExport). Emits batchProgress() per
    /// image and batchExportFinished() once. False (refused()) while a load or a batch export
    /// runs, or when there is nothing to export (no usable sample, no head choice, folder not
    /// writable).
    bool exportBatch(const Workspace &workspace, const BatchExportRequest &request);
    /// Why exportBatch() would be refused now because of a running job, empty when it would not.
    QString batchExportConflict() const;
    /// Stops the running batch export after its current image (batchExportFinished() with
    /// `cancelled`). No effect when none runs.
    void cancelBatchExport();

    /// True while any job runs.
    bool isBusy() const { return m_running > 0; }
    bool isLoading() const { return m_loading > 0; }
    bool isExporting() const { return m_export != nullptr; }

signals:
    void loaded(const attnlens::Workspace &workspace);
    /// The model of `workspace` opened but its data files could not be read with its data
    /// options (Workspace::dataError says why; its dataset is null). Nothing was replaced.
    void dataRejected(const attnlens::Workspace &workspace);
    void predicted(const std::vector<attnlens::Prediction> &predictions);
    void sampleReady(const attnlens::SampleAttention &scores);
    void summarized(const attnlens::GroupScopeSummary &summary);
    /// `title` names the action ("Cannot open model"); `message` is the engine's text.
    void failed(const QString &title, const QString &message);
    /// A job was not started; `message` says why and what to do.
    void refused(const QString &message);
    /// Progress of the running request (`total` 0 = unknown); `what` says what is running.
    void progress(const QString &what, qint64 done, qint64 total);
    void batchProgress(qint64 written, qint64 total);
    void batchExportFinished(const attnlens::BatchExportOutcome &outcome);
    void busyChanged(bool busy);

private:
    void started();
    void finished();
    void startSample(const Workspace &workspace, std::int64_t sample);

    /// A sample asked for while another one ran: the latest only.
    struct WaitingSample
    {
        Workspace workspace;
        std::int64_t sample = -1;
    };

    std::shared_ptr<std::atomic<int>> m_loadGeneration;
    std::shared_ptr<std::atomic<int>> m_predictGeneration;
    std::shared_ptr<std::atomic<int>> m_sampleGeneration;
    std::shared_ptr<std::atomic<int>> m_summaryGeneration;
    std::optional<WaitingSample> m_waitingSample;
    bool m_computingSample = false;
    int m_summarizing = 0;
    int m_running = 0;
    int m_loading = 0;
    QPointer<BatchExport> m_export;
    OpenProbe m_probe;
};

} // namespace attnlens
