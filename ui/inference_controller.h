#pragma once

#include <atomic>
#include <memory>

#include <QObject>
#include <QString>
#include <QStringList>

#include "ui/predictions.h"
#include "ui/workspace.h"

namespace attnlens {

/// Runs loading and inference off the GUI thread. Each kind of request has a generation counter:
/// a new request makes older ones of the same kind stale; a stale job stops at its next progress
/// call (RunOptions::progress returns false) and its result is dropped. Results and errors
/// arrive as signals on the GUI thread; nothing here touches widgets.
class InferenceController : public QObject
{
    Q_OBJECT
public:
    explicit InferenceController(QObject *parent = nullptr);
    ~InferenceController() override;

    /// Opens `modelFile` (with `configFile` for weights-only files) and reads `dataFiles` against
    /// its inputs. When `reuse` already holds that model, only the data is read. If the data does
    /// not fit a newly opened model, the model still opens without data (droppedDataReason).
    /// Emits loaded() or failed().
    void load(const QString &modelFile, const QString &configFile, const QStringList &dataFiles,
        const Workspace &reuse);
    /// Runs the usable samples through the model without capturing attention. Emits predicted().
    void predict(const Workspace &workspace);
    /// Scores of every attention call for sample `row`. Emits sampleReady().
    void computeSample(const Workspace &workspace, std::int64_t row);

    /// Blocking variant of computeSample for callers that need the scores now (batch export).
    /// Throws what the engine throws.
    static SampleAttention sampleAttention(const Workspace &workspace, std::int64_t row);

    /// True while any request is running.
    bool isBusy() const { return m_running > 0; }

signals:
    void loaded(const attnlens::Workspace &workspace);
    void predicted(const std::vector<attnlens::Prediction> &predictions);
    void sampleReady(const attnlens::SampleAttention &scores);
    /// `title` names the action ("Cannot open model"); `message` is the engine's text.
    void failed(const QString &title, const QString &message);
    /// Progress of the running request (`total` 0 = unknown); `what` says what is running.
    void progress(const QString &what, qint64 done, qint64 total);
    void busyChanged(bool busy);

private:
    void started();
    void finished();

    std::shared_ptr<std::atomic<int>> m_loadGeneration;
    std::shared_ptr<std::atomic<int>> m_predictGeneration;
    std::shared_ptr<std::atomic<int>> m_sampleGeneration;
    int m_running = 0;
};

} // namespace attnlens
