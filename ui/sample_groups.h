#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/runtime/model.h"

namespace attnlens {

/// How samples join the groups of a dataset summary besides "all" (attnlens-cli summarize --by,
/// the desktop's Group scope).
enum class GroupBy
{
    Target,     ///< "target=<class>": the data's target column
    Prediction, ///< "prediction=<class>": the model's most likely class
    Correct     ///< "correct" / "misclassified": prediction against target
};

/// "target", "prediction", "correct" -> GroupBy; nullopt for anything else.
std::optional<GroupBy> groupByFromName(const std::string &name);

/// Why `by` cannot group these samples ("the data has no target column", "the model's output is
/// not a classifier's ..."), empty when it can.
std::string groupByRefusal(GroupBy by, const Model &model, const Dataset &dataset);

/// The groups each sample of a chunk joins. Class names as the sample table shows them: the
/// target's own values, and for predictions the class names the targets give
/// (classNamesFromTargets), else "class <i>".
class SampleGrouping
{
public:
    /// Throws std::invalid_argument with groupByRefusal() for a grouping that does not apply.
    SampleGrouping(const Model &model, const Dataset &dataset, std::vector<GroupBy> by);

    /// Groups of each of `samples` (dataset sample indices), given output 0 of Model::run on
    /// them (row i belongs to samples[i]).
    std::vector<std::vector<std::string>> of(
        const std::vector<std::int64_t> &samples, const Tensor &output) const;

private:
    std::string className(int classIndex) const;

    const Dataset &m_dataset;
    std::vector<GroupBy> m_by;
    std::vector<std::string> m_classNames;
};

} // namespace attnlens
