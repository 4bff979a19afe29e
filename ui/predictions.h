#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <QString>

#include "core/tensor/tensor.h"

namespace attnlens {

/// The model's answer for one sample, as the sample table shows it.
struct Prediction
{
    bool ran = false;    ///< false for a sample that could not run (missing values)
    int classIndex = -1; ///< argmax of a (N, C > 1) output; -1 for a single value
    float score = 0.0f;  ///< the winning class's output (a probability after softmax), or the value
};

/// Predictions for all `totalRows` samples from output 0 of Model::run on the usable rows.
/// `output` is (usableRows.size(), C) or (usableRows.size(),) ; row i of it belongs to sample
/// usableRows[i]. Samples not in usableRows get ran == false.
/// Throws ShapeError when the output's row count differs from usableRows.size().
std::vector<Prediction> predictionsFromOutput(
    const Tensor &output, const std::vector<std::int64_t> &usableRows, std::int64_t totalRows);

/// Names for class indices: when the targets have exactly `classes` distinct values, those values
/// sorted (how label encoders number classes); otherwise empty.
std::vector<std::string> classNamesFromTargets(
    const std::vector<std::string> &targets, int classes);

/// "M  0.973" / "class 1  0.973" / "12.5"; "—" when the sample did not run.
QString predictionText(const Prediction &prediction, const std::vector<std::string> &classNames);

} // namespace attnlens
