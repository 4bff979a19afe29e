#pragma once

#include <QMainWindow>
#include <QStringList>

#include "ui/batch_export.h"
#include "ui/head_matrix.h"
#include "ui/image_export.h"
#include "ui/image_settings_fields.h"
#include "ui/predictions.h"
#include "ui/session_settings.h"
#include "ui/workspace.h"

class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;

namespace attnlens {

class HeadList;
class HeatmapView;
class JobRunner;
class ModelPanel;
class OverviewGrid;
class SampleTable;

/// The desktop window. It composes the panels and routes choices between them; the work is done
/// by JobRunner (every long job: loading, inference, batch export), presenter:: (what to draw) and
/// the panels. Every user action that can fail is caught here, once, and reported in a dialog; a
/// failed open leaves the previous model, data and view untouched.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens `modelFile` (+ `configFile` for weights-only files) and `dataFiles` in the
    /// background. An empty model file keeps the current model and only reads new data.
    void open(const QString &modelFile, const QString &configFile, const QStringList &dataFiles);
    /// Restores what the last run saved: window geometry, dock layout, colour map and range,
    /// recent files, always; with `openFiles` also its files and its attention call, head and
    /// sample.
    /// Remembers `session` for File > Reopen Last Session.
    void restoreSession(const Session &session, bool openFiles);
    /// What `attnlens` without arguments shows: the bundled demo (`demoModel`, `demoData`), so
    /// the first screen is a labelled heatmap. `last` is restored as by restoreSession(); its
    /// attention call, head and sample too when the demo was what it had open. Its files stay
    /// reachable through File > Reopen Last Session and File > Open Recent.
    void openDemo(const Session &last, const QString &demoModel, const QString &demoData);
    /// Opens the files and view of the session restored at start-up (File > Reopen Last
    /// Session). False when there is none, its model file no longer exists or a batch export runs.
    bool reopenLastSession();

    /// Selections (also used by the tests).
    /// `attention` is an index into Model::attentionLayers() (an attention call).
    void selectAttention(int attention);
    void selectHead(const HeadChoice &choice);
    void selectSample(int sample);
    void setColorMap(const QString &name);
    void setRangeMode(RangeMode mode);

    /// Writes the current view. False (with a dialog unless `quiet`) on failure.
    bool exportImage(
        const QString &path, ImageFormat format, QSize size, int dpi, bool quiet = false);
    bool exportMatrixCsv(const QString &path, bool quiet = false);
    /// Starts File > Batch Export of `request` on `workspace` (a snapshot: what the request was
    /// chosen for) with a progress dialog that can cancel it. False when the runner refused it
    /// (a load or an export runs, nothing to export): the reason is in the status bar and
    /// lastError(). batchExportFinished() follows a true.
    bool startBatchExport(const Workspace &workspace, const BatchExportRequest &request);

    const Workspace &workspace() const { return m_workspace; }
    const SampleAttention &sampleScores() const { return m_scores; }
    int currentAttention() const { return m_attention; }
    HeadChoice currentHead() const { return m_head; }
    int currentSample() const { return m_sample; }
    /// True while loading, inference or a batch export runs in the background.
    bool isBusy() const;
    /// The text of the last error dialog (for tests), empty if none.
    QString lastError() const { return m_lastError; }

    HeatmapView *heatmapView() const { return m_heatmap; }
    HeadList *headList() const { return m_heads; }
    SampleTable *sampleTable() const { return m_samples; }
    ModelPanel *modelPanel() const { return m_modelPanel; }
    OverviewGrid *overviewGrid() const { return m_overview; }
    JobRunner *jobRunner() const { return m_runner; }

signals:
    /// The heatmap shows what the current selection asks for (after any background work).
    void viewUpdated();
    /// A batch export started by startBatchExport() ended (written, cancelled or failed).
    void batchExportFinished(const attnlens::BatchExportOutcome &outcome);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createDocks();
    void createActions();
    void createToolBar();
    void updateRecentMenu();

    void onLoaded(const Workspace &workspace);
    void onPredicted(const std::vector<Prediction> &predictions);
    void onSampleReady(const SampleAttention &scores);
    void onFailed(const QString &title, const QString &message);
    void onProgress(const QString &what, qint64 done, qint64 total);
    void onBatchExportFinished(const BatchExportOutcome &outcome);

    void requestSample();
    /// Makes m_head a head of the current attention call (the last one when it has fewer), so
    /// the title, exports and the saved session name the head the map shows. Called whenever
    /// the call or the model changes.
    void fitHeadToAttention();
    void refreshAttention();
    void refreshOverview();
    void refreshHeatmap();
    void showError(const QString &title, const QString &message);

    void openModelDialog();
    void openDataDialog();
    void addRecipeDialog();
    void exportImageDialog();
    void exportMatrixDialog();
    void copyImage();
    void batchExportDialog();
    void showKeyboardHelp();
    void showAbout();
    Session currentSession() const;

    JobRunner *m_runner = nullptr;
    HeatmapView *m_heatmap = nullptr;
    ModelPanel *m_modelPanel = nullptr;
    SampleTable *m_samples = nullptr;
    HeadList *m_heads = nullptr;
    OverviewGrid *m_overview = nullptr;
    QComboBox *m_attentionBox = nullptr;
    QComboBox *m_colorBox = nullptr;
    QComboBox *m_rangeBox = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_progress = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_reopenAction = nullptr;

    Workspace m_workspace;
    SampleAttention m_scores;
    int m_attention = 0; ///< index into Model::attentionLayers()
    HeadChoice m_head;
    int m_sample = 0;
    QString m_colorMap = QStringLiteral("viridis");
    RangeMode m_range = RangeMode::PerHead;
    QString m_pendingAttentionKey; ///< call to choose when the next model arrives (restore)
    Session m_lastSession;         ///< saved by the previous run, for File > Reopen Last Session
    QStringList m_recentModels;
    QStringList m_recentData;
    QString m_lastError;
    QString m_lastExportDir;
    ImageExportSettings m_imageExportSettings; ///< what File > Export Image chose last
};

} // namespace attnlens
