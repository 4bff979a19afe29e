#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <QString>

#include "core/data/dataset.h"
#include "core/runtime/model.h"
#include "core/tensor/tensor.h"

namespace attnlens {

/// The model's answer for one sample, as the sample table shows it.
struct Prediction
{
    bool ran = false;    ///< false for a sample that could not run (missing values)
    int classIndex = -1; ///< the most likely class of a classifier's output; -1 for values
    /// The winning class's probability (a classifier), or the first value (anything else).
    float score = 0.0f;
    /// The whole output row: every class's probability, or every value of a forecast.
    std::vector<float> values;
};

/// True when model output 0 holds probabilities: the layer producing it ends in softmax or
/// sigmoid (LayerInfo::activation). Only then are its values read as classes; a Dense(6)
/// forecast (linear) is six numbers, not six classes. The automatic choice of readsAsClasses().
bool isClassifierOutput(const Model &model);

/// Whether output 0 is read as classes: as the data options say (PredictionKind::Classes or
/// Regression), else isClassifierOutput(). The one place that decides, for the desktop and the
/// CLI.
bool readsAsClasses(const Model &model, const DatasetOptions &options);

/// How many classes output 0 has when read as classes: the width of a (None, C) output, else 2
/// (a single sigmoid).
int classCount(const Model &model);

/// Why the class names of the data options do not fit the `classes` of output 0 (classCount):
/// "3 class names (a, b, c) for the 2 classes of output 0: give one name per class, class 0
/// first"; empty when they fit or none are given.
std::string classNamesProblem(int classes, const DatasetOptions &options);

/// The names of the classes: the data options' names when given, else classNamesFromTargets().
std::vector<std::string> classNamesFor(
    const DatasetOptions &options, const std::vector<std::string> &targets, int classes);

/// Predictions for all `totalRows` samples from output 0 of Model::run on the usable rows.
/// `output` is (usableRows.size(), ...) ; row i of it belongs to sample usableRows[i]. Samples
/// not in usableRows get ran == false. With `classifier`, a row of C > 1 probabilities gives
/// the argmax class, a single sigmoid probability p gives class 1 when p >= 0.5 (score p) and
/// class 0 otherwise (score 1 - p); without it classIndex stays -1 and score is the first value.
/// Throws ShapeError when the output's row count differs from usableRows.size().
std::vector<Prediction> predictionsFromOutput(const Tensor &output,
    const std::vector<std::int64_t> &usableRows, std::int64_t totalRows, bool classifier);

/// The prediction of one sample from its output 0 without the batch axis (SampleResult::outputs),
/// read as predictionsFromOutput reads a row.
Prediction predictionOfSample(const Tensor &output, bool classifier);

/// Names for class indices: when the targets have exactly `classes` distinct values, those values
/// sorted (how label encoders number classes); otherwise empty.
std::vector<std::string> classNamesFromTargets(
    const std::vector<std::string> &targets, int classes);

/// The short form for the table: "M  0.973" / "class 1  0.973" for a class, "12.5" for a single
/// value, "-0.0153  …" (the first value) for several; "—" when the sample did not run.
QString predictionText(const Prediction &prediction, const std::vector<std::string> &classNames);

/// Every value, for tooltips and exports: "B 0.027, M 0.973" for a classifier (class 0 first),
/// "6 values: -0.0153, 0.0211, …" (all of them, 8 to a line) otherwise; "—" when it did not run.
QString predictionDetail(const Prediction &prediction, const std::vector<std::string> &classNames);

} // namespace attnlens
