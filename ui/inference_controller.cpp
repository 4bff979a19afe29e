#include "ui/inference_controller.h"

#include <QMetaObject>
#include <QPointer>

#include "ui/background_task.h"

namespace attnlens {

namespace {

std::filesystem::path toPath(const QString &file)
{
    return std::filesystem::path(file.toStdString());
}

std::vector<std::filesystem::path> toPaths(const QStringList &files)
{
    std::vector<std::filesystem::path> paths;
    for (const QString &file : files)
        paths.push_back(toPath(file));
    return paths;
}

} // namespace

InferenceController::InferenceController(QObject *parent)
    : QObject(parent)
    , m_loadGeneration(std::make_shared<std::atomic<int>>(0))
    , m_predictGeneration(std::make_shared<std::atomic<int>>(0))
    , m_sampleGeneration(std::make_shared<std::atomic<int>>(0))
{
    qRegisterMetaType<attnlens::Workspace>();
    qRegisterMetaType<attnlens::SampleAttention>();
    qRegisterMetaType<std::vector<attnlens::Prediction>>();
}

InferenceController::~InferenceController()
{
    // Make every running job stale so it stops at its next progress call.
    ++*m_loadGeneration;
    ++*m_predictGeneration;
    ++*m_sampleGeneration;
}

void InferenceController::started()
{
    if (m_running++ == 0)
        emit busyChanged(true);
}

void InferenceController::finished()
{
    if (--m_running == 0)
        emit busyChanged(false);
}

void InferenceController::load(const QString &modelFile, const QString &configFile,
    const QStringList &dataFiles, const Workspace &reuse)
{
    const int generation = ++*m_loadGeneration;
    // A new model or data set makes any prediction or sample job for the old one stale.
    ++*m_predictGeneration;
    ++*m_sampleGeneration;
    started();
    emit progress(dataFiles.isEmpty() ? tr("Opening model") : tr("Opening model and data"), 0, 0);
    std::function<Workspace()> work = [modelFile, configFile, dataFiles, reuse]() {
        Workspace next;
        next.modelFile = modelFile;
        next.configFile = configFile;
        if (reuse.model && reuse.modelFile == modelFile && reuse.configFile == configFile) {
            next.model = reuse.model;
        } else {
            std::optional<std::filesystem::path> config;
            if (!configFile.isEmpty())
                config = toPath(configFile);
            next.model = Model::open(toPath(modelFile), config);
        }
        if (dataFiles.isEmpty())
            return next;
        const bool newModel = next.model != reuse.model;
        try {
            next.dataset = std::make_shared<const Dataset>(
                loadDataset(toPaths(dataFiles), next.model->inputs()));
            next.dataFiles = dataFiles;
        } catch (const std::exception &e) {
            // Data the user asked for must not silently vanish; but a good model opened over
            // data that belonged to the previous one is still worth showing.
            if (!newModel || reuse.dataFiles != dataFiles)
                throw;
            next.droppedDataReason = QString::fromUtf8(e.what());
        }
        return next;
    };
    const auto current = m_loadGeneration;
    runInBackground<Workspace>(
        this, std::move(work), [this, generation, current](TaskResult<Workspace> r) {
            finished();
            if (generation != *current)
                return;
            if (r.value)
                emit loaded(*r.value);
            else if (!r.cancelled)
                emit failed(tr("Cannot open file"), r.error);
        });
}

void InferenceController::predict(const Workspace &workspace)
{
    if (!workspace.model || !workspace.dataset)
        return;
    const int generation = ++*m_predictGeneration;
    started();
    const auto current = m_predictGeneration;
    QPointer<InferenceController> self(this);
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
            InferenceController *target = self.data();
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
            isClassifierOutput(*workspace.model));
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

SampleAttention InferenceController::sampleAttention(const Workspace &workspace, std::int64_t row)
{
    SampleAttention scores;
    scores.row = row;
    for (const AttentionLayerInfo &layer : workspace.model->attentionLayers())
        scores.layers.push_back(
            workspace.model->attentionForSample(workspace.dataset->inputs, row, layer.key));
    return scores;
}

void InferenceController::computeSample(const Workspace &workspace, std::int64_t row)
{
    if (!workspace.model || !workspace.dataset)
        return;
    const int generation = ++*m_sampleGeneration;
    started();
    emit progress(tr("Computing attention"), 0, 0);
    const auto current = m_sampleGeneration;
    std::function<SampleAttention()> work = [workspace, row, generation, current]() {
        SampleAttention scores;
        scores.row = row;
        for (const AttentionLayerInfo &layer : workspace.model->attentionLayers()) {
            if (generation != *current)
                throw Cancelled {};
            scores.layers.push_back(
                workspace.model->attentionForSample(workspace.dataset->inputs, row, layer.key));
        }
        return scores;
    };
    runInBackground<SampleAttention>(
        this, std::move(work), [this, generation, current](TaskResult<SampleAttention> r) {
            finished();
            if (generation != *current)
                return;
            if (r.value)
                emit sampleReady(*r.value);
            else if (!r.cancelled)
                emit failed(tr("Cannot compute attention"), r.error);
        });
}

} // namespace attnlens
