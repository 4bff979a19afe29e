#include "ui/job_runner.h"

#include <utility>

#include <QMetaObject>
#include <QPointer>

#include "core/errors.h"
#include "ui/background_task.h"
#include "ui/open_request.h"
#include "ui/report_exporter.h"

namespace attnlens {

JobRunner::JobRunner(QObject *parent)
    : QObject(parent)
    , m_loadGeneration(std::make_shared<std::atomic<int>>(0))
    , m_predictGeneration(std::make_shared<std::atomic<int>>(0))
    , m_sampleGeneration(std::make_shared<std::atomic<int>>(0))
    , m_summaryGeneration(std::make_shared<std::atomic<int>>(0))
{
    qRegisterMetaType<attnlens::GroupScopeSummary>();
    qRegisterMetaType<attnlens::Workspace>();
    qRegisterMetaType<attnlens::SampleAttention>();
    qRegisterMetaType<std::vector<attnlens::Prediction>>();
    qRegisterMetaType<attnlens::BatchExportOutcome>();
}

JobRunner::~JobRunner()
{
    // Make every running job stale so it stops at its next progress call.
    ++*m_loadGeneration;
    ++*m_predictGeneration;
    ++*m_sampleGeneration;
    ++*m_summaryGeneration;
    // A batch export still running is a child of this object and goes with it; its pool job, if
    // any, holds its own shared_ptrs and its result is dropped.
}

void JobRunner::started()
{
    if (m_running++ == 0)
        emit busyChanged(true);
}

void JobRunner::finished()
{
    if (--m_running == 0)
        emit busyChanged(false);
}

bool JobRunner::load(const QString &modelFile, const QString &configFile,
    const QStringList &dataFiles, const Workspace &reuse, const DatasetOptions &options,
    const std::optional<QStringList> &recipes)
{
    const QStringList recipeFiles
        = recipes.value_or(reuse.modelFile == modelFile ? reuse.recipeFiles : QStringList());
    if (isExporting()) {
        emit refused(tr("A batch export is running: cancel it (or let it finish) before opening "
                        "another model or data set."));
        return false;
    }
    const int generation = ++*m_loadGeneration;
    // A new model or data set makes any prediction, sample or summary job for the old one stale.
    ++*m_predictGeneration;
    ++*m_sampleGeneration;
    m_waitingSample.reset();
    ++*m_summaryGeneration;
    started();
    ++m_loading;
    emit progress(dataFiles.isEmpty() ? tr("Opening model") : tr("Opening model and data"), 0, 0);
    const OpenRequest request {modelFile, configFile, dataFiles, options, recipeFiles};
    const auto current = m_loadGeneration;
    std::function<Workspace()> work = [request, reuse, probe = m_probe, generation, current]() {
        const bool sameModel = reuse.model && reuse.modelFile == request.modelFile
            && reuse.configFile == request.configFile && reuse.recipeFiles == request.recipeFiles;
        // New files are read first in a child process: a reader that crashes takes only it.
        if (!sameModel || !request.dataFiles.isEmpty())
            probe.check(request, [generation, current] { return generation != *current; });
        Workspace next;
        next.modelFile = request.modelFile;
        next.configFile = request.configFile;
        next.recipeFiles = request.recipeFiles;
        if (sameModel) {
            next.model = reuse.model;
            next.modelSha256 = reuse.modelSha256;
        } else {
            next.model = request.openModel();
            // Hashed once, by the loader (ModelSummary::sha256), for the exports.
            next.modelSha256 = QString::fromStdString(next.model->summary().sha256);
        }
        if (request.dataFiles.isEmpty())
            return next;
        const bool newModel = next.model != reuse.model;
        try {
            next.dataset = std::make_shared<const Dataset>(request.readData(*next.model));
            next.dataFiles = request.dataFiles;
            next.dataOptions = request.dataOptions;
        } catch (const Error &e) {
            // Data the user asked for must not silently vanish: the window offers the data
            // options. But a good model opened over data that belonged to the previous one is
            // still worth showing.
            if (!newModel || reuse.dataFiles != request.dataFiles) {
                next.dataFiles = request.dataFiles;
                next.dataOptions = request.dataOptions;
                next.dataError = QString::fromUtf8(e.what());
                return next;
            }
            next.droppedDataReason = QString::fromUtf8(e.what());
        }
        return next;
    };
    runInBackground<Workspace>(
        this, std::move(work), [this, generation, current](TaskResult<Workspace> r) {
            --m_loading;
            finished();
            if (generation != *current)
                return;
            if (r.value && !r.value->dataError.isEmpty())
                emit dataRejected(*r.value);
            else if (r.value)
                emit loaded(*r.value);
            else if (!r.cancelled)
                emit failed(tr("Cannot open file"), r.error);
        });
    return true;
}

void JobRunner::predict(const Workspace &workspace)
{
    if (!workspace.model || !workspace.dataset)
        return;
    const int generation = ++*m_predictGeneration;
    started();
    const auto current = m_predictGeneration;
    QPointer<JobRunner> self(this);
    std::function<std::vector<Prediction>()> work = [workspace, generation, current, self]() {
        const Dataset &data = *workspace.dataset;
        const std::vector<std::int64_t> usable = data.usableSampleIndices();
        if (usable.empty())
            return std::vector<Prediction>(static_cast<std::size_t>(data.sampleCount()));
        RunOptions options;
        options.captureAttention = false;
        options.progress = [generation, current, self](std::int64_t done, std::int64_t total) {
            if (generation != *current)
                return false;
            JobRunner *target = self.data();
            if (target == nullptr)
                return false;
            QMetaObject::invokeMethod(
                target,
                [self, done, total] {
                    if (self)
                        emit self->progress(tr("Predicting"), done, total);
                },
                Qt::QueuedConnection);
            return true;
        };
        const RunResult result = workspace.model->run(data.usableInputs(), options);
        if (result.outputs.empty())
            return std::vector<Prediction>(static_cast<std::size_t>(data.sampleCount()));
        return predictionsFromOutput(result.outputs.front(), usable, data.sampleCount(),
            readsAsClasses(*workspace.model, workspace.dataOptions));
    };
    runInBackground<std::vector<Prediction>>(
        this, std::move(work), [this, generation, current](TaskResult<std::vector<Prediction>> r) {
            finished();
            if (generation != *current)
                return;
            if (r.value)
                emit predicted(*r.value);
            else if (!r.cancelled)
                emit failed(tr("Cannot run the model"), r.error);
        });
}

void JobRunner::computeSample(const Workspace &workspace, std::int64_t sample)
{
    if (!workspace.model || !workspace.dataset)
        return;
    if (m_computingSample) {
        m_waitingSample = WaitingSample {workspace, sample};
        return;
    }
    startSample(workspace, sample);
}

void JobRunner::startSample(const Workspace &workspace, std::int64_t sample)
{
    m_computingSample = true;
    const int generation = *m_sampleGeneration; // a load moves it on
    started();
    emit progress(tr("Computing attention"), 0, 0);
    const auto current = m_sampleGeneration;
    std::function<SampleAttention()> work = [workspace, sample, generation, current]() {
        if (generation != *current)
            throw Cancelled {};
        SampleResult result = workspace.model->runSample(workspace.dataset->inputs, sample);
        return SampleAttention {sample, std::move(result.attention),
            std::move(result.featureWeights), std::move(result.outputs)};
    };
    runInBackground<SampleAttention>(
        this, std::move(work), [this, generation, current](TaskResult<SampleAttention> r) {
            m_computingSample = false;
            // The waiting sample computes while the GUI thread draws this one.
            if (std::optional<WaitingSample> next = std::exchange(m_waitingSample, std::nullopt))
                startSample(next->workspace, next->sample);
            finished();
            if (generation != *current)
                return;
            if (r.value)
                emit sampleReady(*r.value);
            else if (!r.cancelled)
                emit failed(tr("Cannot compute attention"), r.error);
        });
}

void JobRunner::summarize(
    const Workspace &workspace, std::vector<std::int64_t> samples, bool allUsable)
{
    if (!workspace.model || !workspace.dataset || workspace.model->attentionLayers().empty())
        return;
    const int generation = ++*m_summaryGeneration;
    started();
    ++m_summarizing;
    const auto current = m_summaryGeneration;
    QPointer<JobRunner> self(this);
    auto shared = std::make_shared<const std::vector<std::int64_t>>(std::move(samples));
    std::function<GroupScopeSummary()> work
        = [workspace, shared, allUsable, generation, current, self]() {
              auto progress = [generation, current, self](std::int64_t done, std::int64_t total) {
                  if (generation != *current)
                      return false;
                  QMetaObject::invokeMethod(
                      self.data(),
                      [self, done, total] {
                          if (self)
                              emit self->progress(tr("Summarising the samples"), done, total);
                      },
                      Qt::QueuedConnection);
                  return true;
              };
              auto summary = summarizeSamples(workspace, *shared, progress);
              if (!summary)
                  throw Cancelled {};
              return GroupScopeSummary {std::move(summary), *shared, allUsable};
          };
    runInBackground<GroupScopeSummary>(
        this, std::move(work), [this, generation, current](TaskResult<GroupScopeSummary> r) {
            --m_summarizing;
            finished();
            if (generation != *current)
                return;
            if (r.value)
                emit summarized(*r.value);
            else if (!r.cancelled)
                emit failed(tr("Cannot summarise the samples"), r.error);
        });
}

void JobRunner::cancelSummary()
{
    ++*m_summaryGeneration;
}

bool JobRunner::exportBatch(const Workspace &workspace, const BatchExportRequest &request)
{
    const QString conflict = batchExportConflict();
    if (!conflict.isEmpty()) {
        emit refused(conflict);
        return false;
    }
    BatchExport *job = nullptr;
    try {
        job = new BatchExport(workspace, request, this); // deleted when it has finished
    } catch (const std::exception &e) {
        emit refused(QString::fromUtf8(e.what()));
        return false;
    }
    m_export = job;
    started();
    connect(job, &BatchExport::progress, this, &JobRunner::batchProgress);
    connect(job, &BatchExport::finished, this, [this, job](const BatchExportOutcome &outcome) {
        m_export = nullptr;
        job->deleteLater();
        finished();
        emit batchExportFinished(outcome);
    });
    emit batchProgress(0, job->total());
    job->start();
    return true;
}

QString JobRunner::batchExportConflict() const
{
    if (isExporting())
        return tr("A batch export is already running.");
    if (isLoading())
        return tr("A model or data set is being opened: start the batch export when it is open.");
    return {};
}

void JobRunner::cancelBatchExport()
{
    if (m_export)
        m_export->cancel();
}

} // namespace attnlens
