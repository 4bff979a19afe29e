#include "ui/main_window.h"

#include <algorithm>
#include <climits>
#include <utility>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QProgressDialog>
#include <QScreen>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <qcustomplot.h>

#include "core/errors.h"
#include "core/keras/user_recipes.h"
#include "ui/attention_presenter.h"
#include "ui/bar_chart_view.h"
#include "ui/batch_export.h"
#include "ui/batch_export_dialog.h"
#include "ui/color_maps.h"
#include "ui/export_dialog.h"
#include "ui/feature_weights_panel.h"
#include "ui/head_list.h"
#include "ui/heatmap_figure.h"
#include "ui/heatmap_view.h"
#include "ui/job_runner.h"
#include "ui/keyboard_help.h"
#include "ui/model_panel.h"
#include "ui/overview_grid.h"
#include "ui/report_exporter.h"
#include "ui/sample_table.h"
#include "ui/session_autosave.h"
#include "ui/session_file.h"
#include "ui/view_export.h"

namespace attnlens {

namespace {

constexpr int kHeadThumbnail = 56;

bool isModelFile(const QString &file)
{
    return file.endsWith(QLatin1String(".keras"), Qt::CaseInsensitive)
        || file.endsWith(QLatin1String(".weights.h5"), Qt::CaseInsensitive);
}

bool isDataFile(const QString &file)
{
    static const QStringList suffixes {QStringLiteral("csv"), QStringLiteral("tsv"),
        QStringLiteral("txt"), QStringLiteral("npy"), QStringLiteral("npz")};
    return suffixes.contains(QFileInfo(file).suffix().toLower());
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("AttnLens"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/attnlens.svg")));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    // Every widget below is created with a parent (or handed to a dock/layout) that owns it.
    m_runner = new JobRunner(this);
    m_heatmap = new HeatmapView(this);
    m_heatmap->setObjectName(QStringLiteral("heatmapView"));
    setCentralWidget(m_heatmap);
    createDocks();
    createToolBar();
    createActions();

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusText"));
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(220);
    m_progress->setVisible(false);
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);

    // What is shown is saved a short while after every change (a killed app restarts there).
    m_autosave = new SessionAutosave(
        sessionfile::autosavePath(), [this] { return currentSession(); }, this);
    connect(this, &MainWindow::viewUpdated, m_autosave, &SessionAutosave::changed);
    connect(m_runner, &JobRunner::loaded, this, &MainWindow::onLoaded);
    connect(m_runner, &JobRunner::dataRejected, this, &MainWindow::onDataRejected);
    connect(m_runner, &JobRunner::predicted, this, &MainWindow::onPredicted);
    connect(m_runner, &JobRunner::sampleReady, this, &MainWindow::onSampleReady);
    connect(m_runner, &JobRunner::summarized, this, &MainWindow::onSummarized);
    connect(m_runner, &JobRunner::failed, this, &MainWindow::onFailed);
    connect(m_runner, &JobRunner::progress, this, &MainWindow::onProgress);
    connect(m_runner, &JobRunner::refused, this, [this](const QString &message) {
        m_lastError = message;
        m_status->setText(message);
    });
    connect(m_runner, &JobRunner::batchExportFinished, this, &MainWindow::onBatchExportFinished);
    connect(m_featureWeights, &FeatureWeightsPanel::exportRequested, this,
        &MainWindow::exportFeatureWeightsDialog);
    connect(m_received, &BarChartView::exportRequested, this, &MainWindow::exportReceivedDialog);
    connect(m_runner, &JobRunner::busyChanged, this, [this](bool busy) {
        m_progress->setVisible(busy);
        if (!busy)
            m_status->setText(tr("Ready"));
    });
    connect(m_modelPanel, &ModelPanel::attentionChosen, this, &MainWindow::selectAttention);
    connect(m_samples, &SampleTable::sampleChosen, this, &MainWindow::selectSample);
    connect(m_samples, &SampleTable::jumpFailed, this, [this](const QString &id) {
        statusBar()->showMessage(
            tr("No sample has the id '%1', and the filter leaves none").arg(id));
    });
    // "rows shown in the table": summarised again once the filter has rested for 300 ms.
    m_filterTimer = new QTimer(this);
    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(300);
    connect(m_samples, &SampleTable::filterChanged, this, [this] {
        m_shownSummary = {};
        if (m_scopeBar->group() == "shown")
            m_filterTimer->start();
    });
    connect(m_filterTimer, &QTimer::timeout, this, [this] {
        if (m_scopeBar->scope() == Scope::Group && m_scopeBar->group() == "shown") {
            m_summaryRequested = false;
            refreshAttention();
        }
    });
    connect(m_heads, &HeadList::headChosen, this, &MainWindow::selectHead);
    connect(m_overview, &OverviewGrid::sharedRangeChanged, this, [this] { refreshOverview(); });
    connect(
        m_overview, &OverviewGrid::cellChosen, this, [this](int attention, const HeadChoice &head) {
            m_head = head;
            selectAttention(attention);
        });
    connect(m_heatmap, &HeatmapView::sampleStepRequested, m_samples, &SampleTable::step);
    connect(m_heatmap, &HeatmapView::hoverChanged, this, [this](const QString &text) {
        if (!text.isEmpty())
            m_status->setText(text);
    });
    const QScreen *screen = QGuiApplication::primaryScreen();
    const QSize available
        = screen != nullptr ? screen->availableGeometry().size() : QSize(1600, 1000);
    resize(std::min(1600, available.width()), std::min(1000, available.height()));
    sizeDocks();
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    auto dock = [this](const QString &title, const QString &name, QWidget *content,
                    Qt::DockWidgetArea area) {
        auto *widget = new QDockWidget(title, this);
        widget->setObjectName(name); // saveState() needs names
        widget->setWidget(content);
        addDockWidget(area, widget);
        return widget;
    };
    m_modelPanel = new ModelPanel(this);
    m_samples = new SampleTable(this);
    m_heads = new HeadList(this);
    m_overview = new OverviewGrid(this);
    m_featureWeights = new FeatureWeightsPanel(this);
    m_received = new BarChartView(QStringLiteral("received"), this);
    m_received->setMessage(tr("The attention each key receives in the map shown."));
    QDockWidget *model
        = dock(tr("Model"), QStringLiteral("modelDock"), m_modelPanel, Qt::LeftDockWidgetArea);
    QDockWidget *samples
        = dock(tr("Samples"), QStringLiteral("samplesDock"), m_samples, Qt::LeftDockWidgetArea);
    QDockWidget *heads
        = dock(tr("Heads"), QStringLiteral("headsDock"), m_heads, Qt::RightDockWidgetArea);
    QDockWidget *overview
        = dock(tr("Overview"), QStringLiteral("overviewDock"), m_overview, Qt::RightDockWidgetArea);
    QDockWidget *weights = dock(tr("Feature Weights"), QStringLiteral("featureWeightsDock"),
        m_featureWeights, Qt::RightDockWidgetArea);
    QDockWidget *received = dock(tr("Attention Received"), QStringLiteral("receivedDock"),
        m_received, Qt::RightDockWidgetArea);
    splitDockWidget(model, samples, Qt::Vertical);
    tabifyDockWidget(heads, overview);
    tabifyDockWidget(overview, received);
    tabifyDockWidget(received, weights);
    heads->raise();
}

void MainWindow::sizeDocks()
{
    // After the window has its size: resizeDocks() on a window without one keeps the docks
    // at their minimum widths and gives the rest to the map.
    auto *model = findChild<QDockWidget *>(QStringLiteral("modelDock"));
    auto *samples = findChild<QDockWidget *>(QStringLiteral("samplesDock"));
    auto *heads = findChild<QDockWidget *>(QStringLiteral("headsDock"));
    resizeDocks({model, heads}, {470, 190}, Qt::Horizontal);
    resizeDocks({model, samples}, {300, 560}, Qt::Vertical);
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("View"));
    bar->setObjectName(QStringLiteral("viewToolBar"));
    bar->setMovable(false);
    m_attentionBox = new QComboBox(bar);
    m_attentionBox->setObjectName(QStringLiteral("attentionBox"));
    m_attentionBox->setMinimumContentsLength(18);
    m_attentionBox->setToolTip(
        tr("Attention call: one call of an attention layer (Ctrl+] / Ctrl+[)"));
    m_colorBox = new QComboBox(bar);
    m_colorBox->setObjectName(QStringLiteral("colorBox"));
    m_colorBox->addItems(colormaps::names());
    m_rangeBox = new QComboBox(bar);
    m_rangeBox->setObjectName(QStringLiteral("rangeBox"));
    m_rangeBox->addItem(tr("Range per head"), static_cast<int>(RangeMode::PerHead));
    m_rangeBox->addItem(tr("Range shared across heads"), static_cast<int>(RangeMode::SharedHeads));
    m_rangeBox->addItem(tr("Fixed range 0..1"), static_cast<int>(RangeMode::Fixed01));
    bar->addWidget(new QLabel(tr(" Attention: "), bar));
    bar->addWidget(m_attentionBox);
    bar->addSeparator();
    m_scopeBar = new ScopeBar(bar);
    bar->addWidget(m_scopeBar);
    bar->addSeparator();
    bar->addWidget(new QLabel(tr(" Colours: "), bar));
    bar->addWidget(m_colorBox);
    bar->addWidget(m_rangeBox);
    connect(m_attentionBox, &QComboBox::activated, this, &MainWindow::selectAttention);
    connect(m_scopeBar, &ScopeBar::scopeChanged, this, &MainWindow::setScope);
    connect(m_scopeBar, &ScopeBar::groupChosen, this, &MainWindow::selectGroup);
    connect(m_scopeBar, &ScopeBar::statisticChanged, this, &MainWindow::setGroupStatistic);
    connect(m_colorBox, &QComboBox::activated, this,
        [this](int) { setColorMap(m_colorBox->currentText()); });
    connect(m_rangeBox, &QComboBox::activated, this,
        [this](int) { setRangeMode(static_cast<RangeMode>(m_rangeBox->currentData().toInt())); });
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Open &Model…"), QKeySequence::Open, this, &MainWindow::openModelDialog);
    file->addAction(
        tr("Open &Data…"), QKeySequence(Qt::CTRL | Qt::Key_D), this, &MainWindow::openDataDialog);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_reopenAction = file->addAction(tr("Reopen &Last Session"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this, [this] { reopenLastSession(); });
    m_reopenAction->setEnabled(false);
    file->addAction(tr("Open &Session…"), this, &MainWindow::openSessionDialog);
    file->addAction(tr("Sa&ve Session…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), this,
        &MainWindow::saveSessionDialog);
    file->addSeparator();
    file->addAction(tr("&Export Image…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
        &MainWindow::exportImageDialog);
    file->addAction(tr("Export &Matrix as CSV…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E),
        this, &MainWindow::exportMatrixDialog);
    file->addAction(tr("Export &Feature Weights…"), this, &MainWindow::exportFeatureWeightsDialog);
    file->addAction(tr("&Copy Image"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), this,
        &MainWindow::copyImage);
    file->addAction(tr("&Batch Export…"), QKeySequence(Qt::CTRL | Qt::Key_B), this,
        &MainWindow::batchExportDialog);
    file->addSeparator();
    file->addAction(tr("Add &Recipe…"), this, &MainWindow::addRecipeDialog);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *dataMenu = menuBar()->addMenu(tr("&Data"));
    QAction *options = dataMenu->addAction(tr("Data &Options…"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D), this, &MainWindow::showDataOptions);
    options->setObjectName(QStringLiteral("dataOptionsAction"));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    auto add = [this, view](const QString &text, const QList<QKeySequence> &keys, auto slot) {
        QAction *action = view->addAction(text);
        action->setShortcuts(keys);
        action->setShortcutContext(Qt::WindowShortcut);
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    add(tr("Next Head"),
        {QKeySequence(Qt::Key_BracketRight), QKeySequence(Qt::CTRL | Qt::Key_Right)},
        [this] { m_heads->selectNext(); });
    add(tr("Previous Head"),
        {QKeySequence(Qt::Key_BracketLeft), QKeySequence(Qt::CTRL | Qt::Key_Left)},
        [this] { m_heads->selectPrevious(); });
    add(tr("Next Attention Call"), {QKeySequence(Qt::CTRL | Qt::Key_BracketRight)}, [this] {
        if (m_attentionBox->count() > 0)
            selectAttention((m_attention + 1) % m_attentionBox->count());
    });
    add(tr("Previous Attention Call"), {QKeySequence(Qt::CTRL | Qt::Key_BracketLeft)}, [this] {
        if (m_attentionBox->count() > 0)
            selectAttention((m_attention + m_attentionBox->count() - 1) % m_attentionBox->count());
    });
    add(tr("Next Sample"), {QKeySequence(Qt::CTRL | Qt::Key_Down)}, [this] { m_samples->step(1); });
    add(tr("Previous Sample"), {QKeySequence(Qt::CTRL | Qt::Key_Up)},
        [this] { m_samples->step(-1); });
    add(tr("Reset Zoom"), {QKeySequence(Qt::CTRL | Qt::Key_0)}, [this] { m_heatmap->resetView(); });
    add(tr("Go to Sample…"), {QKeySequence(Qt::CTRL | Qt::Key_G)}, [this] {
        m_samples->filter()->setFocus(Qt::ShortcutFocusReason);
        m_samples->filter()->selectAll();
        statusBar()->showMessage(tr("Type a sample id and press Enter to go to it"), 5000);
    });
    view->addSeparator();
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());

    QMenu *compare = menuBar()->addMenu(tr("&Compare"));
    compare->addAction(tr("&Pin View as A"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A), this,
        &MainWindow::pinView);
    m_differenceAction = compare->addAction(tr("Show &Difference from A"));
    m_differenceAction->setCheckable(true);
    m_differenceAction->setEnabled(false);
    m_differenceAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    connect(m_differenceAction, &QAction::toggled, this, &MainWindow::setDifference);
    compare->addAction(tr("&Unpin A"), this, [this] {
        m_pinned.reset();
        m_differenceAction->setChecked(false);
        m_differenceAction->setEnabled(false);
        m_status->setText(tr("A is unpinned"));
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(
        tr("&Keyboard"), QKeySequence::HelpContents, this, &MainWindow::showKeyboardHelp);
    help->addAction(tr("&About AttnLens"), this, &MainWindow::showAbout);
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    for (const QString &file : std::as_const(m_recentModels)) {
        m_recentMenu->addAction(
            tr("Model: %1").arg(file), this, [this, file] { open(file, QString(), {}); });
    }
    if (!m_recentModels.isEmpty() && !m_recentData.isEmpty())
        m_recentMenu->addSeparator();
    for (const QString &file : std::as_const(m_recentData))
        m_recentMenu->addAction(
            tr("Data: %1").arg(file), this, [this, file] { open(QString(), QString(), {file}); });
    m_recentMenu->setEnabled(!m_recentMenu->isEmpty());
}

void MainWindow::setOpenProbe(const OpenProbe &probe)
{
    m_runner->setOpenProbe(probe);
}

void MainWindow::open(
    const QString &modelFile, const QString &configFile, const QStringList &dataFiles)
{
    if (modelFile.isEmpty() && !m_workspace.model) {
        showError(tr("Cannot open data"),
            tr("Open a model first: the data is read against the model's inputs."));
        return;
    }
    const QString model = modelFile.isEmpty() ? m_workspace.modelFile : modelFile;
    const QString config = modelFile.isEmpty() ? m_workspace.configFile : configFile;
    // A new model keeps the data that is open, if it fits, with its data options; other data
    // starts on the guesses.
    const QStringList files = dataFiles.isEmpty() ? m_workspace.dataFiles : dataFiles;
    const DatasetOptions options
        = files == m_workspace.dataFiles ? m_workspace.dataOptions : DatasetOptions {};
    m_runner->load(model, config, files, m_workspace, options); // refused during an export
}

void MainWindow::onLoaded(const Workspace &workspace)
{
    const bool sameModel = workspace.model == m_workspace.model;
    const bool sameData = workspace.dataset == m_workspace.dataset;
    const QStringList previousData = m_workspace.dataFiles;
    m_workspace = workspace;
    if (m_dataOptionsPending && m_dataOptionsDialog)
        m_dataOptionsDialog->accept(); // the data was read with its options
    m_dataOptionsPending = false;
    WindowSettings::addRecent(m_recentModels, workspace.modelFile);
    if (!workspace.dataFiles.isEmpty())
        WindowSettings::addRecent(m_recentData, workspace.dataFiles.front());
    updateRecentMenu();
    setWindowTitle(QStringLiteral("AttnLens — %1").arg(QFileInfo(workspace.modelFile).fileName()));

    const Model &model = *workspace.model;
    if (!sameModel) {
        m_heads->clear(); // the old model's heads; the new one's come with its scores
        m_modelPanel->showModel(model);
        m_attentionBox->clear();
        for (const AttentionLayerInfo &layer : model.attentionLayers())
            m_attentionBox->addItem(QString::fromStdString(layer.key));
        m_attention = 0;
    }
    for (int i = 0; i < m_attentionBox->count(); ++i) {
        if (!m_pendingAttentionKey.isEmpty()
            && m_attentionBox->itemText(i) == m_pendingAttentionKey)
            m_attention = i;
    }
    m_pendingAttentionKey.clear();
    m_attentionBox->setCurrentIndex(m_attention);
    fitHeadToAttention();
    if (!sameData)
        m_samples->setDataset(workspace.dataset);
    m_scores = {};
    m_allSummary = {};
    m_shownSummary = {};
    m_summaryRequested = false;
    m_scopeBar->setGroups({"all"});
    m_featureWeights->setWorkspace(workspace);
    if (workspace.dataset && workspace.dataset->sampleCount() > 0) {
        m_sample
            = std::clamp<int>(m_sample, 0, static_cast<int>(workspace.dataset->sampleCount()) - 1);
        m_samples->setCurrentSample(m_sample);
        m_runner->predict(workspace);
        requestSample();
    }
    QStringList warnings;
    QStringList details;
    if (!workspace.droppedDataReason.isEmpty()) {
        // The data was kept from the previous model (perhaps the demo's, which the user never
        // opened): a quiet line naming it, not a dialog; the full reason is in the tooltip.
        QStringList names;
        for (const QString &file : previousData)
            names << QFileInfo(file).fileName();
        warnings << tr("%1 does not fit this model, so it was closed; open matching data "
                       "(File > Open Data).")
                        .arg(names.join(QStringLiteral(", ")));
        details << workspace.droppedDataReason;
    }
    for (const std::string &warning : model.warnings())
        warnings << QString::fromStdString(warning);
    details << warnings;
    m_status->setText(warnings.join(QLatin1Char(' ')));
    m_status->setToolTip(details.join(QLatin1Char('\n')));
    m_overview->clear();
    refreshAttention();
}

void MainWindow::onPredicted(const std::vector<Prediction> &predictions)
{
    int classes = 0;
    for (const Prediction &p : predictions)
        classes = std::max(classes, p.classIndex + 1);
    std::vector<std::string> names;
    if (m_workspace.dataset && !m_workspace.model->outputShapes().empty()) {
        const Shape &shape = m_workspace.model->outputShapes().front();
        const auto width = shape.empty() ? 1 : shape.back();
        names = classNamesFor(m_workspace.dataOptions, m_workspace.dataset->targets,
            static_cast<int>(std::max<std::int64_t>(width, classes)));
    }
    m_samples->setPredictions(predictions, names);
}

void MainWindow::onSampleReady(const SampleAttention &scores)
{
    // Any sample of the open workspace (the runner drops those of a replaced one): while the
    // user holds Down, the samples computed on the way show, each titled with its own id.
    m_scores = scores;
    m_featureWeights->setSample(scores);
    refreshOverview();
    refreshAttention();
}

void MainWindow::onFailed(const QString &title, const QString &message)
{
    if (std::exchange(m_dataOptionsPending, false) && m_dataOptionsDialog) {
        m_lastError = message;
        m_dataOptionsDialog->showProblem(message);
        return;
    }
    showError(title, message);
}

void MainWindow::onDataRejected(const Workspace &workspace)
{
    m_lastError = workspace.dataError;
    if (std::exchange(m_dataOptionsPending, false) && m_dataOptionsDialog) {
        m_dataOptionsDialog->showProblem(workspace.dataError); // the user's choices stay
        return;
    }
    // Data the user opened that does not fit: a quiet line and the data options, when they can
    // help (a CSV); anything else is the engine's message.
    const QString file = workspace.dataFiles.value(0);
    const QString suffix = QFileInfo(file).suffix().toLower();
    std::vector<DataColumn> columns;
    if (workspace.dataFiles.size() == 1
        && (suffix == QLatin1String("csv") || suffix == QLatin1String("tsv")
            || suffix == QLatin1String("txt"))) {
        try {
            columns = csvColumns(file.toStdString());
        } catch (const std::exception &) {
            columns.clear(); // the reason is in dataError already
        }
    }
    if (columns.empty()) {
        showError(tr("Cannot open file"), workspace.dataError);
        return;
    }
    m_status->setText(tr("%1 does not fit this model: choose its columns in Data Options.")
                          .arg(QFileInfo(file).fileName()));
    m_status->setToolTip(workspace.dataError);
    openDataOptions(workspace, std::move(columns), {}, workspace.dataError);
}

void MainWindow::showDataOptions()
{
    if (!m_workspace.model || m_workspace.dataFiles.isEmpty() || !m_workspace.dataset) {
        m_lastError = tr("Open a data set first (File > Open Data): the data options choose its "
                         "columns.");
        m_status->setText(m_lastError);
        return;
    }
    openDataOptions(m_workspace, m_workspace.dataset->columns, m_workspace.dataset->chosen, {});
}

void MainWindow::openDataOptions(const Workspace &target, std::vector<DataColumn> columns,
    const DatasetOptions &guess, const QString &problem)
{
    if (m_dataOptionsDialog)
        m_dataOptionsDialog->close();
    auto *dialog = new DataOptionsDialog(*target.model, target.dataFiles.value(0),
        std::move(columns), guess, target.dataOptions, this); // deletes itself when closed
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->showProblem(problem);
    // The target's model is reused, so re-reading does not open the model again.
    connect(dialog, &DataOptionsDialog::applyRequested, this,
        [this, target](const DatasetOptions &options) {
            m_dataOptionsPending = m_runner->load(
                target.modelFile, target.configFile, target.dataFiles, target, options);
            if (!m_dataOptionsPending && m_dataOptionsDialog)
                m_dataOptionsDialog->showProblem(m_lastError); // refused: why is in m_lastError
        });
    m_dataOptionsDialog = dialog;
    dialog->open();
}

void MainWindow::onProgress(const QString &what, qint64 done, qint64 total)
{
    m_status->setText(what + QStringLiteral("…"));
    m_progress->setVisible(true);
    m_progress->setRange(0, total > 0 ? 1000 : 0); // 0..0: busy indicator
    if (total > 0)
        m_progress->setValue(static_cast<int>(done * 1000 / total));
}

void MainWindow::showError(const QString &title, const QString &message)
{
    m_lastError = message;
    auto *box = new QMessageBox(
        QMessageBox::Warning, title, message, QMessageBox::Ok, this); // deletes itself
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::requestSample()
{
    if (!m_workspace.dataset
        || (m_workspace.model->attentionLayers().empty()
            && m_workspace.model->featureWeightLayers().empty()))
        return;
    const auto row = static_cast<std::size_t>(m_sample);
    if (row < m_workspace.dataset->sampleUsable.size() && !m_workspace.dataset->sampleUsable[row]) {
        refreshAttention(); // says why this sample cannot run
        return;
    }
    m_runner->computeSample(m_workspace, m_sample);
}

void MainWindow::showMapMessage(const QString &sentence)
{
    m_heatmap->showMessage(sentence);
    m_received->setMessage(sentence);
}

void MainWindow::refreshAttention()
{
    if (!m_workspace.model) {
        showMapMessage(tr("Open a model (File > Open Model) to see its attention."));
        return;
    }
    if (m_workspace.model->attentionLayers().empty()) {
        m_heads->clear();
        m_overview->clear();
        showMapMessage(tr("This model has no attention layer, so there is no attention to show.\n"
                          "Its layers are listed in the Model panel."));
        emit viewUpdated();
        return;
    }
    if (!m_workspace.dataset) {
        showMapMessage(tr("Open a data set (File > Open Data) to run the model on a sample."));
        emit viewUpdated();
        return;
    }
    if (m_scopeBar->scope() == Scope::Group) {
        refreshGroup();
        return;
    }
    const QString problem = m_samples->problemOf(m_sample);
    if (!problem.isEmpty()) {
        showMapMessage(tr("This sample could not run:\n%1").arg(problem));
        emit viewUpdated();
        return;
    }
    if (m_scores.sample < 0 || m_scores.calls.size() <= static_cast<std::size_t>(m_attention))
        return; // the scores are on their way; keep the current picture until then
    try {
        const AxisText text = presenter::axisText(m_workspace, m_attention, shownSample());
        m_heatmap->setLabels(text.keys, text.queries, text.keyTitle, text.queryTitle);
        const Tensor &call = m_scores.calls[static_cast<std::size_t>(m_attention)];
        const HeadThumbnails thumbs
            = presenter::headThumbnails(call, m_colorMap, m_range, kHeadThumbnail);
        m_heads->setThumbnails(
            thumbs.heads, thumbs.mean, thumbs.max, presenter::headEntropies(call));
    } catch (const std::exception &e) {
        showError(tr("Cannot label the heatmap"), QString::fromUtf8(e.what()));
    }
    refreshHeatmap();
}

void MainWindow::refreshOverview()
{
    // Every call's heads for the current sample: rebuilt when the scores, the colour map or the
    // range change, not when another attention call is chosen.
    if (!m_workspace.model || m_scores.sample < 0
        || m_scores.calls.size() != m_workspace.model->attentionLayers().size())
        return;
    std::optional<std::pair<double, double>> shared;
    if (m_overview->sharedRange())
        for (const Tensor &call : m_scores.calls)
            if (call.size() > 0) {
                const auto [low, high]
                    = std::minmax_element(call.values().begin(), call.values().end());
                shared = shared ? std::pair(std::min(shared->first, double(*low)),
                             std::max(shared->second, double(*high)))
                                : std::pair(double(*low), double(*high));
            }
    QStringList names;
    std::vector<std::vector<QImage>> grid;
    for (std::size_t call = 0; call < m_scores.calls.size(); ++call) {
        names << QString::fromStdString(m_workspace.model->attentionLayers()[call].key);
        grid.push_back(presenter::headThumbnails(
            m_scores.calls[call], m_colorMap, m_range, OverviewGrid::kMaximumSide, shared)
                           .heads);
    }
    m_overview->setThumbnails(names, grid);
}

void MainWindow::refreshHeatmap()
{
    if (m_scopeBar->scope() == Scope::Group
            ? !groupReady()
            : (m_scores.sample < 0
                || m_scores.calls.size() <= static_cast<std::size_t>(m_attention)))
        return;
    try {
        const HeatmapContent content = currentContent();
        m_heatmap->setColorMap(showsDifference() ? QStringLiteral("rdbu") : m_colorMap);
        m_heatmap->figure()->setShowsDifference(showsDifference());
        m_heatmap->setValueRange(content.range.first, content.range.second);
        m_heatmap->showMatrix(content.matrix, content.title);
        const bool std = m_scopeBar->scope() == Scope::Group
            && m_scopeBar->statistic() == GroupStatistic::StandardDeviation;
        const QString statistic = showsDifference() ? tr("difference")
            : std                                   ? tr("standard deviation")
                                                    : QString();
        m_received->setChart(presenter::receivedBars(content, currentAxisText(), statistic));
    } catch (const std::exception &e) {
        if (showsDifference()) // A does not fit this map: say so on the map, not in a dialog
            showMapMessage(QString::fromUtf8(e.what()));
        else
            showError(tr("Cannot show the heatmap"), QString::fromUtf8(e.what()));
        return;
    }
    m_heads->setCurrent(m_head);
    m_overview->setCurrent(m_attention, m_head);
    m_modelPanel->setCurrentAttention(m_attention);
    m_attentionBox->setCurrentIndex(m_attention);
    emit viewUpdated();
}

void MainWindow::selectAttention(int attentionIndex)
{
    if (!m_workspace.model || attentionIndex < 0
        || attentionIndex >= static_cast<int>(m_workspace.model->attentionLayers().size()))
        return;
    m_attention = attentionIndex;
    fitHeadToAttention();
    refreshAttention();
}

void MainWindow::fitHeadToAttention()
{
    if (m_head.kind != HeadChoice::Kind::Head || !m_workspace.model)
        return;
    const auto &calls = m_workspace.model->attentionLayers();
    if (m_attention < 0 || static_cast<std::size_t>(m_attention) >= calls.size())
        return;
    const int heads = calls[static_cast<std::size_t>(m_attention)].heads;
    // The last head, as headMatrix() and the head list clamp it: what the map shows.
    if (heads > 0)
        m_head.head = std::clamp(m_head.head, 0, heads - 1);
}

void MainWindow::selectHead(const HeadChoice &choice)
{
    m_head = choice;
    refreshHeatmap();
}

void MainWindow::selectSample(int sample)
{
    if (!m_workspace.dataset || sample < 0 || sample >= m_workspace.dataset->sampleCount())
        return;
    m_sample = sample;
    if (m_samples->currentSample() != sample)
        m_samples->setCurrentSample(sample);
    requestSample();
}

void MainWindow::setColorMap(const QString &name)
{
    m_colorMap = colormaps::isKnown(name) ? name.toLower() : QStringLiteral("viridis");
    m_colorBox->setCurrentText(m_colorMap);
    refreshOverview();
    refreshAttention();
}

void MainWindow::setRangeMode(RangeMode mode)
{
    m_range = mode;
    m_rangeBox->setCurrentIndex(m_rangeBox->findData(static_cast<int>(mode)));
    refreshOverview();
    refreshAttention();
}

void MainWindow::setScope(Scope scope)
{
    m_scopeBar->setScope(scope);
    m_runner->cancelSummary();
    m_summaryRequested = false;
    refreshAttention();
}

void MainWindow::selectGroup(const std::string &group)
{
    m_wantedGroup = group; // kept until the summary offers it
    m_scopeBar->setGroup(group);
    m_summaryRequested = false;
    refreshAttention();
}

void MainWindow::setGroupStatistic(GroupStatistic statistic)
{
    m_scopeBar->setStatistic(statistic);
    refreshAttention();
}

const GroupScopeSummary &MainWindow::groupSummary() const
{
    return m_scopeBar->group() == "shown" ? m_shownSummary : m_allSummary;
}

bool MainWindow::groupReady() const
{
    const GroupScopeSummary &summary = groupSummary();
    if (!summary.summary)
        return false;
    const std::string group = m_scopeBar->group() == "shown" ? "all" : m_scopeBar->group();
    for (const GroupSummary *g : summary.summary->groups())
        if (g->name() == group)
            return static_cast<std::size_t>(m_attention) < g->calls().size();
    return false;
}

HeatmapContent MainWindow::currentContent() const
{
    HeatmapContent content = viewContent();
    if (!showsDifference())
        return content;
    if (content.matrix.rows() != m_pinned->matrix.rows()
        || content.matrix.cols() != m_pinned->matrix.cols())
        throw std::invalid_argument(
            tr("A is %1 x %2 and the map shown is %3 x %4: a difference needs maps of one shape")
                .arg(m_pinned->matrix.rows())
                .arg(m_pinned->matrix.cols())
                .arg(content.matrix.rows())
                .arg(content.matrix.cols())
                .toStdString());
    content.matrix -= m_pinned->matrix;
    const double extent = std::max(double(content.matrix.cwiseAbs().maxCoeff()), 1e-6);
    content.range = {-extent, extent}; // symmetric: 0 is the middle colour
    content.title = tr("%1\nminus A: %2").arg(content.title, m_pinned->title);
    return content;
}

bool MainWindow::showsDifference() const
{
    return m_difference && m_pinned.has_value();
}

void MainWindow::pinView()
{
    if (m_heatmap->isShowingMessage()) {
        m_status->setText(tr("There is no map on screen to pin."));
        return;
    }
    try {
        const HeatmapContent content = viewContent();
        m_pinned = PinnedMap {content.matrix, content.title};
    } catch (const std::exception &e) {
        showError(tr("Cannot pin the view"), QString::fromUtf8(e.what()));
        return;
    }
    m_differenceAction->setEnabled(true);
    m_status->setText(tr("Pinned as A: %1. Choose another sample, head or group, then Compare > "
                         "Show Difference from A.")
                          .arg(m_pinned->title));
}

void MainWindow::setDifference(bool on)
{
    m_difference = on && m_pinned.has_value();
    if (m_differenceAction->isChecked() != m_difference)
        m_differenceAction->setChecked(m_difference);
    refreshHeatmap();
}

HeatmapContent MainWindow::viewContent() const
{
    if (m_scopeBar->scope() == Scope::Sample)
        return presenter::content(m_workspace, m_scores, m_attention, m_head, m_range);
    const bool shown = m_scopeBar->group() == "shown";
    HeatmapContent content = presenter::groupContent(m_workspace, groupSummary(),
        shown ? "all" : m_scopeBar->group(), m_attention, m_head, m_scopeBar->statistic(), m_range);
    if (shown)
        content.title.replace(
            presenter::groupDisplayName("all"), presenter::groupDisplayName("shown"));
    return content;
}

AxisText MainWindow::currentAxisText() const
{
    return m_scopeBar->scope() == Scope::Group
        ? presenter::groupAxisText(m_workspace, m_attention)
        : presenter::axisText(m_workspace, m_attention, shownSample());
}

void MainWindow::refreshGroup()
{
    const bool shown = m_scopeBar->group() == "shown";
    if (!groupReady()) {
        std::vector<std::int64_t> samples;
        const Dataset &dataset = *m_workspace.dataset;
        for (const std::int64_t s :
            shown ? m_samples->shownSamples() : dataset.usableSampleIndices())
            if (dataset.sampleUsable[static_cast<std::size_t>(s)])
                samples.push_back(s);
        if (samples.empty()) {
            showMapMessage(tr("No usable sample is in this group."));
            emit viewUpdated();
            return;
        }
        if (!m_summaryRequested) {
            m_summaryRequested = true;
            m_runner->summarize(m_workspace, samples, !shown);
        }
        showMapMessage(tr("Summarising %1 samples…").arg(samples.size()));
        return;
    }
    try {
        const AxisText text = currentAxisText();
        m_heatmap->setLabels(text.keys, text.queries, text.keyTitle, text.queryTitle);
        const GroupCallMaps maps = presenter::groupCallMaps(groupSummary(),
            shown ? "all" : m_scopeBar->group(), m_attention, m_scopeBar->statistic());
        const HeadThumbnails thumbs
            = presenter::headThumbnails(maps.heads, m_colorMap, m_range, kHeadThumbnail);
        m_heads->setThumbnails(thumbs.heads, thumbs.mean, thumbs.max, maps.entropy);
    } catch (const std::exception &e) {
        showError(tr("Cannot show the group"), QString::fromUtf8(e.what()));
        return;
    }
    refreshHeatmap();
}

void MainWindow::onSummarized(const GroupScopeSummary &summary)
{
    m_summaryRequested = false;
    if (summary.allUsable) {
        m_allSummary = summary;
        std::vector<std::string> names;
        for (const GroupSummary *group : summary.summary->groups())
            names.push_back(group->name());
        m_scopeBar->setGroups(names);
        m_scopeBar->setGroup(m_wantedGroup);
    } else {
        m_shownSummary = summary;
    }
    if (m_scopeBar->scope() == Scope::Group)
        refreshAttention();
}

int MainWindow::shownSample() const
{
    return m_scores.sample >= 0 ? static_cast<int>(m_scores.sample) : m_sample;
}

bool MainWindow::isBusy() const
{
    return m_runner->isBusy();
}

ImageMetadata MainWindow::viewMetadata() const
{
    const HeatmapContent content = currentContent();
    const bool sample = m_scopeBar->scope() == Scope::Sample && m_scores.sample >= 0;
    return viewexport::metadata(m_workspace, m_attention, m_head, shownSample(),
        m_scopeBar->scope(), m_scopeBar->group(), content.title,
        rangeDescription(m_range, content.range.first, content.range.second),
        sample ? m_scores.outputs : std::vector<Tensor> {});
}

QString MainWindow::defaultExportName(const QString &extension) const
{
    if (!m_workspace.model || m_workspace.model->attentionLayers().empty() || !m_workspace.dataset)
        return QStringLiteral("attention.") + extension;
    return viewexport::fileName(m_workspace, currentSession(), m_attention, extension);
}

bool MainWindow::exportImage(
    const QString &path, ImageFormat format, QSize size, int dpi, bool quiet)
{
    if (m_heatmap->isShowingMessage()) {
        if (!quiet)
            showError(tr("Nothing to export"), tr("There is no heatmap on screen to export."));
        return false;
    }
    ImageMetadata metadata;
    try { // the same chunks as attnlens-cli export --session of this view
        metadata = viewMetadata();
    } catch (const std::exception &e) {
        showError(tr("Cannot export the image"), QString::fromUtf8(e.what()));
        return false;
    }
    // A zoomed view is exported as drawn, and says it shows a crop (title and metadata).
    metadata.crop = m_heatmap->cropText();
    const QString title = m_heatmap->figure()->title();
    if (!metadata.crop.isEmpty()) {
        metadata.title = title + QStringLiteral(" — crop: ") + metadata.crop;
        m_heatmap->figure()->setTitle(metadata.title);
    }
    QString error;
    const bool saved
        = imageexport::savePlot(m_heatmap->plot(), path, format, size, dpi, metadata, &error);
    if (!metadata.crop.isEmpty()) {
        m_heatmap->figure()->setTitle(title);
        m_heatmap->plot()->replot(QCustomPlot::rpQueuedReplot);
    }
    if (saved) {
        m_status->setText(tr("Wrote %1").arg(path));
        return true;
    }
    if (!quiet)
        showError(tr("Cannot export the image"), error);
    m_lastError = error;
    return false;
}

bool MainWindow::exportMatrixCsv(const QString &path, bool quiet)
{
    const RowMatrix &matrix = m_heatmap->matrix();
    QString error;
    bool ok = false;
    if (m_heatmap->isShowingMessage() || matrix.size() == 0) {
        error = tr("There is no heatmap on screen to export.");
    } else {
        try {
            const AxisText text = currentAxisText();
            ok = imageexport::saveMatrixCsv(path, matrix.data(), static_cast<int>(matrix.rows()),
                static_cast<int>(matrix.cols()), text.keys, text.queries, &error, viewMetadata());
        } catch (const std::exception &e) {
            error = QString::fromUtf8(e.what());
        }
    }
    if (!ok) {
        m_lastError = error;
        if (!quiet)
            showError(tr("Cannot export the matrix"), error);
    }
    return ok;
}

void MainWindow::openModelDialog()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Open Model"),
        QFileInfo(m_workspace.modelFile).path(),
        tr("Keras models (*.keras *.h5 *.hdf5);;All files (*)"));
    if (file.isEmpty())
        return;
    QString config;
    if (file.endsWith(QLatin1String(".weights.h5"), Qt::CaseInsensitive)) {
        config = QFileDialog::getOpenFileName(this,
            tr("Architecture JSON for %1").arg(QFileInfo(file).fileName()), QFileInfo(file).path(),
            tr("Architecture (*.json)"));
        if (config.isEmpty())
            return;
    }
    open(file, config, {});
}

void MainWindow::addRecipeDialog()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Add Recipe"),
        QFileInfo(m_workspace.modelFile).path(), tr("Recipes (*.json);;All files (*)"));
    if (file.isEmpty())
        return;
    AddedRecipe added;
    try {
        added = addUserRecipe(std::filesystem::path(file.toStdString()));
    } catch (const std::exception &e) {
        showError(tr("Cannot add the recipe"), QString::fromUtf8(e.what()));
        return;
    }
    m_status->setText(
        tr("Recipe '%1' for %2 added to %3")
            .arg(QString::fromStdString(added.title), QString::fromStdString(added.className),
                QString::fromStdString(added.copy.parent_path().string())));
    if (!m_workspace.model)
        return;
    Workspace reopen = m_workspace; // opened again (not reused), now with the recipe
    reopen.model.reset();
    m_runner->load(m_workspace.modelFile, m_workspace.configFile, m_workspace.dataFiles, reopen);
}

void MainWindow::openDataDialog()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open Data"),
        m_workspace.dataFiles.isEmpty() ? QFileInfo(m_workspace.modelFile).path()
                                        : QFileInfo(m_workspace.dataFiles.front()).path(),
        tr("Data (*.csv *.tsv *.txt *.npy *.npz *.h5 *.hdf5);;All files (*)"));
    if (!files.isEmpty())
        open(QString(), QString(), files);
}

void MainWindow::exportImageDialog()
{
    ExportDialog dialog(m_imageExportSettings, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_imageExportSettings = dialog.settings();
    const ImageExportSettings &last = m_imageExportSettings;
    const QString extension = imageFormatExtension(last.format);
    const QString suggested = (m_lastExportDir.isEmpty() ? QDir::homePath() : m_lastExportDir)
        + QLatin1Char('/') + defaultExportName(extension);
    const QString file = QFileDialog::getSaveFileName(this, tr("Export Image"), suggested,
        tr("%1 files (*.%2)").arg(extension.toUpper(), extension));
    if (file.isEmpty())
        return;
    m_lastExportDir = QFileInfo(file).path();
    const ImageTarget target = imageTarget(file, last.format);
    if (exportImage(target.path, target.format, last.size, last.dpi) && target.overridden)
        m_status->setText(tr("Wrote %1 as %2, as its extension says (%3 was chosen)")
                              .arg(target.path, imageFormatExtension(target.format).toUpper(),
                                  extension.toUpper()));
}

void MainWindow::exportMatrixDialog()
{
    const QString file = QFileDialog::getSaveFileName(this, tr("Export Matrix"),
        (m_lastExportDir.isEmpty() ? QDir::homePath() : m_lastExportDir) + QLatin1Char('/')
            + defaultExportName(QStringLiteral("csv")),
        tr("CSV files (*.csv)"));
    if (file.isEmpty())
        return;
    m_lastExportDir = QFileInfo(file).path();
    exportMatrixCsv(file);
}

QString MainWindow::chartFileDialog(const QString &title, const QString &name)
{
    const QString file = QFileDialog::getSaveFileName(this, title,
        (m_lastExportDir.isEmpty() ? QDir::homePath() : m_lastExportDir) + QLatin1Char('/') + name,
        tr("PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg);;JPG image (*.jpg);;"
           "CSV values (*.csv)"));
    if (!file.isEmpty())
        m_lastExportDir = QFileInfo(file).path();
    return file;
}

void MainWindow::exportFeatureWeightsDialog()
{
    const QString file
        = chartFileDialog(tr("Export Feature Weights"), QStringLiteral("feature_weights.png"));
    if (!file.isEmpty())
        exportFeatureWeights(file,
            imageFormatFromName(QFileInfo(file).suffix()).value_or(ImageFormat::Png),
            m_imageExportSettings.size, m_imageExportSettings.dpi);
}

void MainWindow::exportReceivedDialog()
{
    const QString file = chartFileDialog(
        tr("Export Attention Received"), QStringLiteral("attention_received.png"));
    if (!file.isEmpty())
        exportReceived(file,
            imageFormatFromName(QFileInfo(file).suffix()).value_or(ImageFormat::Png),
            m_imageExportSettings.size, m_imageExportSettings.dpi);
}

bool MainWindow::exportReceived(
    const QString &path, ImageFormat format, QSize size, int dpi, bool quiet)
{
    QString error;
    const bool csv
        = QFileInfo(path).suffix().compare(QStringLiteral("csv"), Qt::CaseInsensitive) == 0;
    bool ok = false;
    if (csv) {
        ok = m_received->saveCsv(path, &error);
    } else {
        ImageMetadata metadata;
        metadata.modelFile = QFileInfo(m_workspace.modelFile).fileName();
        metadata.modelSha256 = m_workspace.modelSha256;
        metadata.title = m_received->chart().title;
        if (m_workspace.model && !m_workspace.model->attentionLayers().empty())
            metadata.layer = QString::fromStdString(
                m_workspace.model->attentionLayers().at(std::size_t(m_attention)).key);
        metadata.head = m_head.displayName();
        metadata.row = m_scopeBar->scope() == Scope::Group
            ? QStringLiteral("group ") + QString::fromStdString(m_scopeBar->group())
            : QString::number(shownSample());
        ok = m_received->saveImage(path, format, size, dpi, metadata, &error);
    }
    if (!ok) {
        m_lastError = error;
        if (!quiet)
            showError(tr("Cannot export the chart"), error);
        return false;
    }
    m_status->setText(tr("Wrote %1").arg(QDir::toNativeSeparators(path)));
    return true;
}

bool MainWindow::exportFeatureWeights(
    const QString &path, ImageFormat format, QSize size, int dpi, bool quiet)
{
    QString error;
    const bool csv
        = QFileInfo(path).suffix().compare(QStringLiteral("csv"), Qt::CaseInsensitive) == 0;
    const bool ok = csv ? m_featureWeights->saveCsv(path, &error)
                        : m_featureWeights->saveImage(path, format, size, dpi, &error);
    if (!ok) {
        if (quiet)
            m_lastError = error;
        else
            showError(tr("Cannot export the feature weights"), error);
        return false;
    }
    m_status->setText(tr("Wrote %1").arg(QDir::toNativeSeparators(path)));
    return true;
}

void MainWindow::copyImage()
{
    if (m_heatmap->isShowingMessage())
        return;
    QApplication::clipboard()->setImage(
        imageexport::render(m_heatmap->plot(), m_heatmap->plot()->size(), 96));
    m_status->setText(tr("Copied the heatmap to the clipboard"));
}

void MainWindow::batchExportDialog()
{
    const QString conflict = m_runner->batchExportConflict();
    if (!conflict.isEmpty()) {
        m_lastError = conflict;
        m_status->setText(conflict);
        return;
    }
    if (!m_workspace.dataset || m_workspace.model->attentionLayers().empty()) {
        showError(tr("Nothing to export"),
            tr("Open a model with an attention layer and a data set first."));
        return;
    }
    // The request is chosen for this snapshot and applied to it, whatever is opened meanwhile.
    const Workspace snapshot = m_workspace;
    BatchExportDialog dialog(snapshot, m_attention, m_sample, m_colorMap, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    startBatchExport(snapshot, dialog.request());
}

bool MainWindow::startBatchExport(const Workspace &workspace, const BatchExportRequest &request)
{
    if (!m_runner->exportBatch(workspace, request))
        return false;
    // Not modal: a modal QProgressDialog runs processEvents() inside setValue(). The window stays
    // usable while the export runs; the runner refuses loads until it ends.
    auto *progress = new QProgressDialog(
        tr("Exporting heatmaps…"), tr("Cancel"), 0, 0, this); // closed when the export ends
    progress->setObjectName(QStringLiteral("batchExportProgress"));
    progress->setAttribute(Qt::WA_DeleteOnClose);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    progress->setMinimumDuration(300);
    connect(progress, &QProgressDialog::canceled, m_runner, &JobRunner::cancelBatchExport);
    connect(m_runner, &JobRunner::batchProgress, progress, [progress](qint64 done, qint64 total) {
        progress->setMaximum(static_cast<int>(std::min<qint64>(total, INT_MAX)));
        progress->setValue(static_cast<int>(std::min<qint64>(done, INT_MAX)));
    });
    connect(m_runner, &JobRunner::batchExportFinished, progress, &QWidget::close);
    return true;
}

void MainWindow::onBatchExportFinished(const BatchExportOutcome &outcome)
{
    if (!outcome.error.isEmpty())
        showError(tr("Batch export stopped"), outcome.error);
    m_status->setText(outcome.cancelled
            ? tr("Batch export cancelled after %1 images").arg(outcome.written)
            : tr("Batch export wrote %1 images to %2").arg(outcome.written).arg(outcome.directory));
    emit batchExportFinished(outcome);
}

void MainWindow::showKeyboardHelp()
{
    QMessageBox::information(this, tr("Keyboard"), keyboardHelpText());
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About AttnLens"),
        tr("<b>AttnLens %1</b><br>Per-head attention heatmaps of Keras models, computed in C++ "
           "(no Python).")
            .arg(QStringLiteral(ATTNLENS_VERSION)));
}

Session MainWindow::currentSession() const
{
    Session s;
    s.modelFile = m_workspace.modelFile;
    s.modelSha256 = m_workspace.modelSha256;
    s.configFile = m_workspace.configFile;
    s.dataFiles = m_workspace.dataFiles;
    for (const QString &file : m_workspace.dataFiles)
        s.dataSha256 << sessionfile::fileSha256(file); // hashed once per file version
    s.recipeFiles = m_workspace.recipeFiles;
    if (m_workspace.model) // the recipes that ran, from the user folder too: for another machine
        for (const LayerInfo &layer : m_workspace.model->layers()) {
            const QString file = QString::fromStdString(layer.recipeFile);
            if (!file.isEmpty() && !s.recipeFiles.contains(file))
                s.recipeFiles << file;
        }
    s.dataOptions = m_workspace.dataOptions;
    s.attentionKey = m_attentionBox->currentText();
    s.head = m_head;
    s.sample = m_sample;
    s.scope = m_scopeBar->scope();
    s.group = m_scopeBar->group();
    s.statistic = m_scopeBar->statistic();
    s.colorMap = m_colorMap;
    s.range = m_range;
    return s;
}

void MainWindow::restoreWindow(const WindowSettings &settings)
{
    if (!settings.geometry.isEmpty())
        restoreGeometry(settings.geometry);
    if (!settings.windowState.isEmpty())
        restoreState(settings.windowState);
    m_recentModels = settings.recentModels;
    m_recentData = settings.recentData;
    updateRecentMenu();
}

void MainWindow::restoreSession(const Session &session, bool openFiles)
{
    m_colorMap = colormaps::isKnown(session.colorMap) ? session.colorMap.toLower()
                                                      : QStringLiteral("viridis");
    m_colorBox->setCurrentText(m_colorMap);
    m_range = session.range;
    m_rangeBox->setCurrentIndex(m_rangeBox->findData(static_cast<int>(m_range)));
    m_lastSession = session;
    m_reopenAction->setEnabled(
        !session.modelFile.isEmpty() && QFileInfo::exists(session.modelFile));
    if (openFiles && !session.modelFile.isEmpty())
        reopenLastSession();
}

void MainWindow::applyView(const Session &session)
{
    m_head = session.head;
    m_sample = std::max(0, session.sample);
    m_pendingAttentionKey = session.attentionKey;
    m_scopeBar->setScope(session.scope);
    m_scopeBar->setStatistic(session.statistic);
    m_wantedGroup = session.group; // offered once the group summary is ready
    m_scopeBar->setGroup(session.group);
    m_summaryRequested = false;
}

void MainWindow::openDemo(const Session &last, const QString &demoModel, const QString &demoData)
{
    restoreSession(last, false);
    if (demoModel.isEmpty())
        return;
    const auto same = [](const QString &a, const QString &b) {
        return QFileInfo(a).absoluteFilePath() == QFileInfo(b).absoluteFilePath();
    };
    const bool lastWasDemo = same(last.modelFile, demoModel) && last.dataFiles.size() == 1
        && same(last.dataFiles.front(), demoData);
    if (lastWasDemo) {
        applyView(last);
        m_runner->load(demoModel, QString(), {demoData}, m_workspace, last.dataOptions);
        return;
    }
    open(demoModel, QString(), {demoData});
}

bool MainWindow::openSessionFiles(
    const Session &session, const QString &sessionPath, const QString &errorTitle)
{
    QStringList changedData;
    try {
        changedData = sessionfile::verify(session, sessionPath); // refuses a changed model
    } catch (const Error &e) {
        showError(errorTitle, QString::fromUtf8(e.what()));
        return false;
    }
    // A new workspace: the model with exactly the data it had (none if it had none).
    if (!m_runner->load(session.modelFile, session.configFile, session.dataFiles, m_workspace,
            session.dataOptions, session.recipeFiles))
        return false; // refused during a batch export (status bar); the view stays as it is
    applyView(session);
    setColorMap(session.colorMap);
    setRangeMode(session.range);
    m_status->setText(changedData.join(QLatin1Char(' ')));
    return true;
}

bool MainWindow::reopenLastSession()
{
    const Session &s = m_lastSession;
    if (s.modelFile.isEmpty() || !QFileInfo::exists(s.modelFile)) {
        showError(tr("Cannot reopen the last session"),
            s.modelFile.isEmpty() ? tr("No earlier session was saved.")
                                  : tr("%1 no longer exists; File > Open Recent lists other files.")
                                        .arg(s.modelFile));
        return false;
    }
    return openSessionFiles(s, m_autosave->path(), tr("Cannot reopen the last session"));
}

bool MainWindow::openSession(const QString &file)
{
    Session session;
    try {
        session = sessionfile::read(file);
    } catch (const Error &e) {
        showError(tr("Cannot open the session"), QString::fromUtf8(e.what()));
        return false;
    }
    return openSessionFiles(session, file, tr("Cannot open the session"));
}

bool MainWindow::saveSession(const QString &file, bool quiet)
{
    if (!m_workspace.model) {
        m_lastError = tr("Open a model first: a session names the model it shows.");
        if (!quiet)
            showError(tr("Cannot save the session"), m_lastError);
        return false;
    }
    try {
        sessionfile::write(currentSession(), file);
    } catch (const Error &e) {
        m_lastError = QString::fromUtf8(e.what());
        if (!quiet)
            showError(tr("Cannot save the session"), m_lastError);
        return false;
    }
    m_status->setText(tr("Saved the session to %1").arg(QDir::toNativeSeparators(file)));
    return true;
}

void MainWindow::openSessionDialog()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Open Session"),
        QFileInfo(m_workspace.modelFile).path(), tr("AttnLens sessions (*.json);;All files (*)"));
    if (!file.isEmpty())
        openSession(file);
}

void MainWindow::saveSessionDialog()
{
    const QString file = QFileDialog::getSaveFileName(this, tr("Save Session"),
        QFileInfo(m_workspace.modelFile).path() + QStringLiteral("/session.json"),
        tr("AttnLens sessions (*.json)"));
    if (!file.isEmpty())
        saveSession(file);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    WindowSettings settings;
    settings.geometry = saveGeometry();
    settings.windowState = saveState();
    settings.recentModels = m_recentModels;
    settings.recentData = m_recentData;
    settings.save();
    m_autosave->changed();
    m_autosave->flush();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QString model;
    QString config;
    QStringList dataFiles;
    QStringList ambiguous; // .h5 files: a model when no model is open or none is dropped
    for (const QUrl &url : event->mimeData()->urls()) {
        const QString file = url.toLocalFile();
        if (file.isEmpty())
            continue;
        if (isModelFile(file))
            model = file;
        else if (file.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
            config = file;
        else if (isDataFile(file))
            dataFiles << file;
        else
            ambiguous << file;
    }
    for (const QString &file : std::as_const(ambiguous)) {
        if (model.isEmpty() && !m_workspace.model)
            model = file;
        else if (model.isEmpty() && dataFiles.isEmpty() && m_workspace.model)
            dataFiles << file;
        else if (model.isEmpty())
            model = file;
        else
            dataFiles << file;
    }
    event->acceptProposedAction();
    if (!model.isEmpty() || !dataFiles.isEmpty())
        open(model, config, dataFiles);
}

} // namespace attnlens
