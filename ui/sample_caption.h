#pragma once

#include <cstdint>
#include <vector>

#include <QString>

#include "core/data/dataset.h"
#include "core/runtime/model.h"

namespace attnlens {

/// What a figure's title and an export's metadata say about one sample: which sample it is,
/// its target, and what the model predicted for it. One rule for the window, File > Export,
/// batch export and attnlens-cli export, so a report never names a sample differently.
struct SampleCaption
{
    QString sample;     ///< "sample 12", or "sample 12 (id 842302)" when the data has ids
    QString id;         ///< the id as written, empty when samples are only numbered
    QString target;     ///< the data's target as written ("M"), empty without a target
    QString prediction; ///< "M 0.973" / "12.5" / "-0.0153 …", empty when not computed

    /// "sample 12 (id 842302) · target M · predicted M 0.973" (parts that are empty left out).
    QString text() const;
};

/// "sample 12", "sample 12 (id 842302)": how titles name sample `sample` of `dataset` (null:
/// the number only). A sample is a model input (a CSV row, or a window of rows), never "row".
QString sampleText(std::int64_t sample, const Dataset *dataset);

/// The caption of sample `sample`. `outputs` are the model's outputs for that sample without
/// the batch axis (SampleResult::outputs); empty leaves the prediction out. Output 0 is read
/// as classes or values as the data options say (readsAsClasses), class names as the sample
/// table shows them (classNamesFor).
SampleCaption sampleCaption(const Model &model, const Dataset *dataset,
    const DatasetOptions &options, std::int64_t sample, const std::vector<Tensor> &outputs);

} // namespace attnlens
