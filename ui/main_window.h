#pragma once

#include <optional>

#include <QMainWindow>
#include <QPointer>
#include <QStringList>

#include "ui/batch_export.h"
#include "ui/data_options_dialog.h"
#include "ui/group_presenter.h"
#include "ui/head_matrix.h"
#include "ui/image_export.h"
#include "ui/image_settings_fields.h"
#include "ui/predictions.h"
#include "ui/scope_bar.h"
#include "ui/session.h"
#include "ui/window_settings.h"
#include "ui/workspace.h"

class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QTimer;

namespace attnlens {

class BarChartView;
class FeatureWeightsPanel;
class HeadList;
class HeatmapView;
class JobRunner;
class ModelPanel;
class OpenProbe;
class OverviewGrid;
class SampleTable;
class SessionAutosave;

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

    /// Every open reads new files first with `probe` (JobRunner::setOpenProbe), so a reader
    /// that crashes on a file gives a dialog instead of taking the window down. Default: none.
    void setOpenProbe(const OpenProbe &probe);

    /// Opens `modelFile` (+ `configFile` for weights-only files) and `dataFiles` in the
    /// background. An empty model file keeps the current model and only reads new data.
    void open(const QString &modelFile, const QString &configFile, const QStringList &dataFiles);
    /// Window geometry, dock layout and recent files of the last run.
    void restoreWindow(const WindowSettings &settings);
    /// Restores the session the last run saved: its colour map and range always; with
    /// `openFiles` also its files, data options, attention call, head, sample and scope.
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
    /// File > Open Session / `attnlens --session FILE`: reads the session file, refuses it
    /// (dialog) when it is malformed or its model changed, says so in the status line when a
    /// data file changed, and opens its files and view. False when refused.
    bool openSession(const QString &file);
    /// File > Save Session: writes currentSession() to `file` (atomically). False (dialog
    /// unless `quiet`) on failure.
    bool saveSession(const QString &file, bool quiet = false);
    /// What the window shows now, as a session (files with their hashes, data options,
    /// recipes, call, head, sample, scope, colours).
    Session currentSession() const;
    /// The autosave (a write a short while after every change of what is shown).
    SessionAutosave *autosave() const { return m_autosave; }

    /// Selections (also used by the tests).
    /// `attention` is an index into Model::attentionLayers() (an attention call).
    void selectAttention(int attention);
    void selectHead(const HeadChoice &choice);
    void selectSample(int sample);
    void setColorMap(const QString &name);
    void setRangeMode(RangeMode mode);
    /// Sample or Group scope; Group summarises the samples in the background when needed.
    void setScope(Scope scope);
    /// A group of the summary ("all", "target=M", "prediction=B", "correct", "misclassified")
    /// or "shown" (the rows the sample table's filter leaves).
    void selectGroup(const std::string &group);
    void setGroupStatistic(GroupStatistic statistic);
    /// Compare: keeps the map shown now as A; with setDifference(true) the heatmap then shows
    /// the map of the current choice minus A (sample - sample, head - head, group - group) in
    /// a diverging colour map centred on 0 with a symmetric range.
    void pinView();
    void setDifference(bool on);
    bool showsDifference() const;

    /// Writes the current view. False (with a dialog unless `quiet`) on failure.
    bool exportImage(
        const QString &path, ImageFormat format, QSize size, int dpi, bool quiet = false);
    bool exportMatrixCsv(const QString &path, bool quiet = false);
    /// Writes the Attention Received chart: an image in `format`, or CSV when `path` ends in .csv.
    bool exportReceived(
        const QString &path, ImageFormat format, QSize size, int dpi, bool quiet = false);
    /// Writes the Feature Weights chart: an image in `format`, or CSV when `path` ends in .csv.
    bool exportFeatureWeights(
        const QString &path, ImageFormat format, QSize size, int dpi, bool quiet = false);
    /// Starts File > Batch Export of `request` on `workspace` (a snapshot: what the request was
    /// chosen for) with a progress dialog that can cancel it. False when the runner refused it
    /// (a load or an export runs, nothing to export): the reason is in the status bar and
    /// lastError(). batchExportFinished() follows a true.
    bool startBatchExport(const Workspace &workspace, const BatchExportRequest &request);
    /// Data > Data Options: the columns, stride and prediction reading of the open data, each on
    /// its current guess; Re-read Data reads the data again with them. Also opened by itself
    /// when a CSV the user opened does not fit the model. Null while it is not open.
    void showDataOptions();
    DataOptionsDialog *dataOptionsDialog() const { return m_dataOptionsDialog; }

    const Workspace &workspace() const { return m_workspace; }
    const SampleAttention &sampleScores() const { return m_scores; }
    /// The sample whose scores are drawn: the selected one, or while its scores are on their
    /// way (stepping faster than the engine), the last one computed.
    int shownSample() const;
    int currentAttention() const { return m_attention; }
    HeadChoice currentHead() const { return m_head; }
    Scope currentScope() const { return m_scopeBar->scope(); }
    std::string currentGroup() const { return m_scopeBar->group(); }
    /// The summary Group scope draws now (of every usable sample, or of the shown rows), null
    /// summary when none is ready.
    const GroupScopeSummary &groupSummary() const;
    ScopeBar *scopeBar() const { return m_scopeBar; }
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
    FeatureWeightsPanel *featureWeightsPanel() const { return m_featureWeights; }
    BarChartView *receivedView() const { return m_received; }
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
    /// The docks' first widths and heights (a saved session's layout replaces them).
    void sizeDocks();
    void createActions();
    void createToolBar();
    void updateRecentMenu();

    void onLoaded(const Workspace &workspace);
    void onDataRejected(const Workspace &workspace);
    /// Opens the data options dialog for `target` (its model, data files and options).
    void openDataOptions(const Workspace &target, std::vector<DataColumn> columns,
        const DatasetOptions &guess, const QString &problem);
    void onPredicted(const std::vector<Prediction> &predictions);
    void onSampleReady(const SampleAttention &scores);
    void onSummarized(const GroupScopeSummary &summary);
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
    /// Group scope's refreshAttention: labels and head thumbnails of the group's maps, or a
    /// message while its summary is computed (requested here when missing).
    void refreshGroup();
    /// The heatmap's content now: the sample's or the group's; throws what the presenters throw.
    HeatmapContent currentContent() const;
    /// Metadata of the view on screen, as attnlens-cli export --session writes it.
    ImageMetadata viewMetadata() const;
    /// The batch naming of the view on screen (viewexport::fileName), "attention.<ext>" when
    /// there is none.
    QString defaultExportName(const QString &extension) const;
    /// The same without the Compare difference.
    HeatmapContent viewContent() const;
    AxisText currentAxisText() const;
    bool groupReady() const;
    void showError(const QString &title, const QString &message);
    /// A sentence in place of the map (and of its attention-received bars).
    void showMapMessage(const QString &sentence);

    void openModelDialog();
    void openDataDialog();
    void addRecipeDialog();
    void exportImageDialog();
    void exportMatrixDialog();
    void exportFeatureWeightsDialog();
    void exportReceivedDialog();
    /// Asks where to save a chart (PNG, PDF, SVG, JPG or CSV, by extension); empty if cancelled.
    QString chartFileDialog(const QString &title, const QString &name);
    void copyImage();
    void batchExportDialog();
    void showKeyboardHelp();
    void showAbout();
    void openSessionDialog();
    void saveSessionDialog();
    /// Checks `session`'s files against its hashes (a changed model: dialog titled
    /// `errorTitle`), opens them with its data options and recipes, and makes its call, head,
    /// sample and scope the ones chosen when they arrive. False when refused.
    bool openSessionFiles(
        const Session &session, const QString &sessionPath, const QString &errorTitle);
    /// The view part of `session`: head, sample, scope, group and statistic now, the
    /// attention call when the model arrives.
    void applyView(const Session &session);

    JobRunner *m_runner = nullptr;
    HeatmapView *m_heatmap = nullptr;
    ModelPanel *m_modelPanel = nullptr;
    SampleTable *m_samples = nullptr;
    HeadList *m_heads = nullptr;
    OverviewGrid *m_overview = nullptr;
    FeatureWeightsPanel *m_featureWeights = nullptr;
    BarChartView *m_received = nullptr;
    QComboBox *m_attentionBox = nullptr;
    ScopeBar *m_scopeBar = nullptr;
    QComboBox *m_colorBox = nullptr;
    QComboBox *m_rangeBox = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_progress = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_reopenAction = nullptr;

    Workspace m_workspace;
    SampleAttention m_scores;
    GroupScopeSummary m_allSummary;   ///< every usable sample, grouped
    GroupScopeSummary m_shownSummary; ///< the rows the table shows ("shown")
    bool m_summaryRequested = false;  ///< a summary job for the current need is running
    QTimer *m_filterTimer = nullptr;
    struct PinnedMap
    {
        RowMatrix matrix;
        QString title;
    };
    std::optional<PinnedMap> m_pinned; ///< Compare's A
    bool m_difference = false;
    std::string m_wantedGroup = "all";     ///< the group chosen, applied when a summary offers it
    QAction *m_differenceAction = nullptr; ///< rests the table filter before "shown" is summarised
    int m_attention = 0;                   ///< index into Model::attentionLayers()
    HeadChoice m_head;
    int m_sample = 0;
    QString m_colorMap = QStringLiteral("viridis");
    RangeMode m_range = RangeMode::PerHead;
    QString m_pendingAttentionKey; ///< call to choose when the next model arrives (restore)
    Session m_lastSession;         ///< saved by the previous run, for File > Reopen Last Session
    SessionAutosave *m_autosave = nullptr;
    QStringList m_recentModels;
    QStringList m_recentData;
    QString m_lastError;
    QString m_lastExportDir;
    ImageExportSettings m_imageExportSettings; ///< what File > Export Image chose last
    QPointer<DataOptionsDialog> m_dataOptionsDialog;
    bool m_dataOptionsPending = false; ///< a load asked for by the dialog runs
};

} // namespace attnlens
