#include "ui/report_job.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace attnlens {

namespace {

constexpr std::int64_t kMaxChunkSamples = 64;
constexpr double kChunkScoreBytes = 256.0 * 1024 * 1024;

} // namespace

std::vector<HeadChoice> headChoices(const HeadSet &set, const AttentionLayerInfo &call)
{
    std::vector<HeadChoice> choices;
    if (set.allHeads) {
        for (int h = 0; h < call.heads; ++h)
            choices.push_back({HeadChoice::Kind::Head, h});
    } else {
        for (const int h : set.heads) {
            if (h < 0 || h >= call.heads)
                throw std::invalid_argument("attention call " + call.key + " has "
                    + std::to_string(call.heads) + " heads (0.." + std::to_string(call.heads - 1)
                    + "), not " + std::to_string(h));
            choices.push_back({HeadChoice::Kind::Head, h});
        }
    }
    if (set.mean)
        choices.push_back({HeadChoice::Kind::MeanOfHeads, 0});
    if (set.max)
        choices.push_back({HeadChoice::Kind::MaxOfHeads, 0});
    return choices;
}

namespace {

const ReportPlan &checked(const ReportPlan &plan, const Model *model, const Dataset *dataset)
{
    if (model == nullptr || dataset == nullptr)
        throw std::invalid_argument("a report needs a model and a data set");
    if (plan.calls.empty())
        throw std::invalid_argument("nothing to export: no attention call chosen");
    const auto calls = static_cast<int>(model->attentionLayers().size());
    for (const int call : plan.calls)
        if (call < 0 || call >= calls)
            throw std::invalid_argument("attention call " + std::to_string(call)
                + " is outside the model's " + std::to_string(calls) + " attention calls");
    for (const std::int64_t sample : plan.samples)
        if (sample < 0 || sample >= dataset->sampleCount())
            throw std::invalid_argument("sample " + std::to_string(sample)
                + " is outside the data (" + std::to_string(dataset->sampleCount()) + " samples)");
    return plan;
}

// Head choices per planned call; throws when the plan writes no image at all.
std::vector<std::vector<HeadChoice>> choicesOf(const ReportPlan &plan, const Model &model)
{
    std::vector<std::vector<HeadChoice>> choices;
    bool any = false;
    for (const int call : plan.calls) {
        choices.push_back(
            headChoices(plan.heads, model.attentionLayers()[static_cast<std::size_t>(call)]));
        any = any || !choices.back().empty();
    }
    if (!any)
        throw std::invalid_argument("nothing to export: no head, mean or max chosen");
    return choices;
}

// The chosen samples of every input, copied into (samples.size(), ...) tensors.
std::vector<Tensor> gatherSamples(
    const std::vector<Tensor> &inputs, const std::vector<std::int64_t> &samples)
{
    std::vector<Tensor> result;
    result.reserve(inputs.size());
    for (const Tensor &input : inputs) {
        Shape shape = input.shape();
        const std::int64_t n = shape.empty() ? 0 : shape[0];
        const std::int64_t perSample = n > 0 ? input.size() / n : 0;
        shape[0] = static_cast<std::int64_t>(samples.size());
        Tensor out(shape);
        for (std::size_t i = 0; i < samples.size(); ++i)
            std::copy_n(input.data() + samples[i] * perSample, perSample,
                out.data() + static_cast<std::int64_t>(i) * perSample);
        result.push_back(std::move(out));
    }
    return result;
}

} // namespace

ReportJob::ReportJob(std::shared_ptr<const Model> model, std::shared_ptr<const Dataset> dataset,
    const QString &modelFile, const QString &modelSha256, ReportOptions options, ReportPlan plan)
    : m_model(std::move(model))
    , m_dataset(std::move(dataset))
    , m_plan(checked(plan, m_model.get(), m_dataset.get()))
    , m_choices(choicesOf(m_plan, *m_model))
    , m_exporter(m_model, m_dataset, modelFile, modelSha256, std::move(options))
{
    double scoreBytesPerSample = 0;
    for (std::size_t c = 0; c < m_plan.calls.size(); ++c) {
        const AttentionLayerInfo &info
            = m_model->attentionLayers()[static_cast<std::size_t>(m_plan.calls[c])];
        m_imagesPerSample += static_cast<std::int64_t>(m_choices[c].size());
        scoreBytesPerSample += 4.0 * info.heads
            * static_cast<double>(std::max<std::int64_t>(1, info.queryLength))
            * static_cast<double>(std::max<std::int64_t>(1, info.keyLength));
    }
    m_chunkSamples = std::clamp<std::int64_t>(
        static_cast<std::int64_t>(kChunkScoreBytes / std::max(1.0, scoreBytesPerSample)), 1,
        kMaxChunkSamples);
}

std::size_t ReportJob::chunkCount() const
{
    return static_cast<std::size_t>((sampleCount() + m_chunkSamples - 1) / m_chunkSamples);
}

ReportChunkInput ReportJob::chunkInput(std::size_t chunk) const
{
    ReportChunkInput input;
    input.model = m_model;
    input.dataset = m_dataset;
    input.index = chunk;
    input.firstSample = static_cast<std::int64_t>(chunk) * m_chunkSamples;
    const std::int64_t end = std::min(sampleCount(), input.firstSample + m_chunkSamples);
    input.samples.assign(m_plan.samples.begin() + input.firstSample, m_plan.samples.begin() + end);
    for (const int call : m_plan.calls)
        input.keys.push_back(m_model->attentionLayers()[static_cast<std::size_t>(call)].key);
    return input;
}

ReportChunk ReportJob::compute(const ReportChunkInput &input)
{
    RunOptions options;
    options.onlyKeys = input.keys;
    const RunResult result
        = input.model->run(gatherSamples(input.dataset->inputs, input.samples), options);
    // result.attention is in attentionLayers() order, which is the (ascending) order of keys.
    if (result.attention.size() != input.keys.size())
        throw std::logic_error("the engine returned scores for "
            + std::to_string(result.attention.size()) + " of " + std::to_string(input.keys.size())
            + " attention calls");
    ReportChunk chunk;
    chunk.index = input.index;
    chunk.firstSample = input.firstSample;
    chunk.scores.resize(input.samples.size());
    chunk.outputs.resize(input.samples.size());
    for (std::size_t i = 0; i < input.samples.size(); ++i) {
        for (const Tensor &output : result.outputs)
            chunk.outputs[i].push_back(output.rank() == 0
                    ? output
                    : output.sample(static_cast<std::int64_t>(i))
                          .reshaped(Shape(output.shape().begin() + 1, output.shape().end())));
        for (std::size_t c = 0; c < input.keys.size(); ++c) {
            if (result.attention[c].key != input.keys[c])
                throw std::logic_error("the engine returned no scores for " + input.keys[c]);
            const Tensor &scores = result.attention[c].scores; // (n, heads, Tq, Tk)
            chunk.scores[i].push_back(
                scores.sample(static_cast<std::int64_t>(i))
                    .reshaped(Shape(scores.shape().begin() + 1, scores.shape().end())));
        }
    }
    return chunk;
}

std::int64_t ReportJob::imagesIn(const ReportChunk &chunk) const
{
    return static_cast<std::int64_t>(chunk.scores.size()) * m_imagesPerSample;
}

QString ReportJob::write(const ReportChunk &chunk, std::int64_t image)
{
    const std::int64_t sampleInChunk = image / m_imagesPerSample;
    std::int64_t rest = image % m_imagesPerSample;
    std::size_t call = 0;
    while (rest >= static_cast<std::int64_t>(m_choices[call].size())) {
        rest -= static_cast<std::int64_t>(m_choices[call].size());
        ++call;
    }
    const std::int64_t sample
        = m_plan.samples[static_cast<std::size_t>(chunk.firstSample + sampleInChunk)];
    return m_exporter.write(m_plan.calls[call], m_choices[call][static_cast<std::size_t>(rest)],
        sample, chunk.scores[static_cast<std::size_t>(sampleInChunk)][call],
        chunk.outputs.empty() ? std::vector<Tensor> {}
                              : chunk.outputs[static_cast<std::size_t>(sampleInChunk)]);
}

void ReportJob::finish()
{
    m_exporter.finish();
}

} // namespace attnlens
