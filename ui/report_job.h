#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <QString>

#include "core/data/dataset.h"
#include "core/runtime/model.h"
#include "ui/head_matrix.h"
#include "ui/report_exporter.h"

namespace attnlens {

/// Which head matrices of an attention call a report writes, in this order: the heads (every
/// head, or the listed ones), then the mean over heads, then the max over heads.
/// `attnlens-cli export` sets exactly one of the four; File > Batch Export may combine them.
struct HeadSet
{
    bool allHeads = false;
    std::vector<int> heads; ///< 0-based; used when allHeads is false
    bool mean = false;
    bool max = false;
};

/// The HeadChoice list of `set` for an attention call with `heads` heads, in HeadSet order.
/// Throws std::invalid_argument naming the call when a listed head is not below `heads`.
std::vector<HeadChoice> headChoices(const HeadSet &set, const AttentionLayerInfo &call);

/// What a report covers: every (sample, attention call, head choice) of these lists.
struct ReportPlan
{
    std::vector<std::int64_t> samples; ///< indices into Dataset::inputs, usable samples only
    std::vector<int> calls;            ///< indices into Model::attentionLayers(), ascending
    HeadSet heads;
};

/// Scores of one chunk of a report's samples: what one Model::run of those samples captured.
struct ReportChunk
{
    std::size_t index = 0;        ///< chunk number, 0-based
    std::int64_t firstSample = 0; ///< position in ReportPlan::samples of the first one
    /// [sample in chunk][position in ReportPlan::calls]: (heads, T_query, T_key).
    std::vector<std::vector<Tensor>> scores;
    /// [sample in chunk]: the model's outputs without the batch axis (for the title's prediction).
    std::vector<std::vector<Tensor>> outputs;
};

/// What a worker thread needs to compute one chunk; holds its own references, so it stays valid
/// after the ReportJob that made it is gone (a cancelled batch export drops the job at once).
struct ReportChunkInput
{
    std::shared_ptr<const Model> model;
    std::shared_ptr<const Dataset> dataset;
    std::size_t index = 0;
    std::int64_t firstSample = 0;
    std::vector<std::int64_t> samples; ///< this chunk's dataset sample indices
    std::vector<std::string> keys;     ///< attention keys of ReportPlan::calls, in that order
};

/// The one report loop of `attnlens-cli export` and File > Batch Export: the plan's samples in
/// chunks of at most chunkSamples() (one Model::run each, every planned call captured), then one
/// figure per (sample, call, head choice) through ReportExporter, in that order (the order of
/// the file names). Computing a chunk (compute()) may run on any thread; writing (write()) draws
/// on an offscreen QCustomPlot and must run on the GUI thread, so the two can overlap.
///
///   ReportJob job(model, dataset, file, sha, options, plan);     // throws
///   for (std::size_t c = 0; c < job.chunkCount(); ++c) {
///       const ReportChunk chunk = ReportJob::compute(job.chunkInput(c));
///       for (std::int64_t i = 0; i < job.imagesIn(chunk); ++i) job.write(chunk, i);
///   }
///   job.finish();                                                // throws the first error
class ReportJob
{
public:
    /// No samples is a valid, empty report. Throws std::invalid_argument for no calls, a call index
    /// outside the model or a head choice that does not fit (headChoices()), and what
    /// ReportExporter's constructor throws.
    ReportJob(std::shared_ptr<const Model> model, std::shared_ptr<const Dataset> dataset,
        const QString &modelFile, const QString &modelSha256, ReportOptions options,
        ReportPlan plan);

    /// Images the whole report writes.
    std::int64_t imageCount() const { return m_imagesPerSample * sampleCount(); }
    std::int64_t sampleCount() const { return static_cast<std::int64_t>(m_plan.samples.size()); }
    std::size_t chunkCount() const;
    /// Samples per Model::run: at most 64, fewer when one sample's captured scores are large
    /// (about 256 MiB of scores per chunk at most), at least 1.
    std::int64_t chunkSamples() const { return m_chunkSamples; }

    ReportChunkInput chunkInput(std::size_t chunk) const;
    /// Runs the model once on the chunk's samples. Thread-safe; throws what Model::run throws.
    static ReportChunk compute(const ReportChunkInput &input);

    std::int64_t imagesIn(const ReportChunk &chunk) const;
    /// Writes image `image` (0 .. imagesIn(chunk) - 1) of `chunk`; GUI thread only. Returns its
    /// path. Throws what ReportExporter::write throws.
    QString write(const ReportChunk &chunk, std::int64_t image);
    /// Waits for the images still being encoded; throws OutputError with the first error.
    void finish();

private:
    std::shared_ptr<const Model> m_model;
    std::shared_ptr<const Dataset> m_dataset;
    ReportPlan m_plan;
    std::vector<std::vector<HeadChoice>> m_choices; ///< per entry of m_plan.calls
    std::int64_t m_imagesPerSample = 0;
    std::int64_t m_chunkSamples = 1;
    ReportExporter m_exporter;
};

} // namespace attnlens
