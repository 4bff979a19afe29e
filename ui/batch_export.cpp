#include "ui/batch_export.h"

#include <algorithm>
#include <stdexcept>

#include <QMetaObject>

namespace attnlens {

namespace {

ReportPlan planOf(const Workspace &workspace, const BatchExportRequest &request)
{
    if (!workspace.model || !workspace.dataset || workspace.model->attentionLayers().empty())
        throw std::invalid_argument(
            "Nothing to export: open a model with an attention layer and a data set first.");
    const Dataset &data = *workspace.dataset;
    if (data.sampleCount() == 0)
        throw std::invalid_argument("Nothing to export: the data set has no samples.");
    const auto calls = static_cast<int>(workspace.model->attentionLayers().size());
    ReportPlan plan;
    if (request.attention >= calls)
        throw std::invalid_argument(
            "the model has no attention call " + std::to_string(request.attention));
    for (int call = 0; call < calls; ++call)
        if (request.attention < 0 || request.attention == call)
            plan.calls.push_back(call);
    const std::int64_t first
        = std::clamp<std::int64_t>(request.firstSample, 0, data.sampleCount() - 1);
    const std::int64_t last
        = std::clamp<std::int64_t>(request.lastSample, first, data.sampleCount() - 1);
    for (std::int64_t sample = first; sample <= last; ++sample) {
        const auto s = static_cast<std::size_t>(sample);
        if (s >= data.sampleUsable.size() || data.sampleUsable[s])
            plan.samples.push_back(sample);
    }
    if (plan.samples.empty())
        throw std::invalid_argument("Nothing to export: samples " + std::to_string(first) + " to "
            + std::to_string(last) + " cannot run (see the Samples panel).");
    plan.heads = request.heads;
    return plan;
}

} // namespace

BatchExport::BatchExport(
    const Workspace &workspace, const BatchExportRequest &request, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
{
    m_job
        = std::make_unique<ReportJob>(m_workspace.model, m_workspace.dataset, m_workspace.modelFile,
            m_workspace.modelSha256, request.report, planOf(m_workspace, request));
    m_outcome.total = m_job->imageCount();
    m_outcome.directory = request.report.directory;
}

BatchExport::~BatchExport() = default;

void BatchExport::start()
{
    requestChunk();
}

void BatchExport::cancel()
{
    end(QString(), true);
}

void BatchExport::requestChunk()
{
    if (m_computing || m_nextChunk >= m_job->chunkCount())
        return;
    m_computing = true;
    // The job runs on a pool thread and reads only what its input holds (shared_ptrs), so a
    // cancelled export may be deleted while it still runs: its result is then dropped.
    const ReportChunkInput input = m_job->chunkInput(m_nextChunk++);
    runInBackground<ReportChunk>(
        this, [input] { return ReportJob::compute(input); },
        [this](TaskResult<ReportChunk> result) { onChunk(std::move(result)); });
}

void BatchExport::onChunk(TaskResult<ReportChunk> result)
{
    m_computing = false;
    if (m_ended)
        return;
    if (!result.value) {
        end(result.error, false);
        return;
    }
    if (!m_current) {
        m_current = std::move(result.value);
        m_image = 0;
        requestChunk(); // compute ahead while this one is drawn
    } else {
        m_next = std::move(result.value);
    }
    scheduleWrite();
}

void BatchExport::scheduleWrite()
{
    if (m_writeScheduled || m_ended)
        return;
    m_writeScheduled = true;
    QMetaObject::invokeMethod(
        this, [this] { writeNext(); }, Qt::QueuedConnection); // dropped if this object goes
}

void BatchExport::writeNext()
{
    m_writeScheduled = false;
    if (m_ended)
        return;
    if (m_current && m_image >= m_job->imagesIn(*m_current)) {
        m_current.reset();
        if (m_next) {
            m_current = std::move(m_next);
            m_next.reset();
            m_image = 0;
            requestChunk();
        }
    }
    if (!m_current) {
        if (!m_computing && m_nextChunk >= m_job->chunkCount()) {
            try {
                m_job->finish();
                end(QString(), false);
            } catch (const std::exception &e) {
                end(QString::fromUtf8(e.what()), false);
            }
        }
        return; // else the next chunk is on its way; onChunk schedules the write
    }
    try {
        m_job->write(*m_current, m_image++);
    } catch (const std::exception &e) {
        end(QString::fromUtf8(e.what()), false);
        return;
    }
    ++m_outcome.written;
    emit progress(m_outcome.written, m_outcome.total);
    scheduleWrite();
}

void BatchExport::end(const QString &error, bool cancelled)
{
    if (m_ended)
        return;
    m_ended = true;
    m_outcome.error = error;
    m_outcome.cancelled = cancelled;
    emit finished(m_outcome);
}

} // namespace attnlens
