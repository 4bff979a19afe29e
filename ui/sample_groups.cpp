#include "ui/sample_groups.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "ui/predictions.h"

namespace attnlens {

std::optional<GroupBy> groupByFromName(const std::string &name)
{
    if (name == "target")
        return GroupBy::Target;
    if (name == "prediction")
        return GroupBy::Prediction;
    if (name == "correct")
        return GroupBy::Correct;
    return std::nullopt;
}

std::string groupByRefusal(GroupBy by, const Model &model, const Dataset &dataset)
{
    if (by != GroupBy::Prediction && dataset.targets.empty())
        return "the data has no target column";
    if (by == GroupBy::Target)
        return {};
    const DatasetOptions &options = dataset.chosen;
    if (!readsAsClasses(model, options))
        return (options.predictions == PredictionKind::Regression
                       ? std::string("--regression reads the output as values")
                       : std::string("the model's output is not a classifier's (it does not end "
                                     "in softmax or sigmoid)"))
            + ", so it has no predicted classes; --classes NAMES reads it as classes";
    if (const std::string problem = classNamesProblem(classCount(model), options); !problem.empty())
        return "--classes: " + problem;
    return {};
}

SampleGrouping::SampleGrouping(const Model &model, const Dataset &dataset, std::vector<GroupBy> by)
    : m_dataset(dataset)
    , m_by(std::move(by))
{
    bool predicts = false;
    for (const GroupBy b : m_by) {
        if (const std::string refusal = groupByRefusal(b, model, dataset); !refusal.empty())
            throw std::invalid_argument(refusal);
        predicts = predicts || b != GroupBy::Target;
    }
    if (!predicts)
        return;
    const int classes = classCount(model);
    m_classNames = classNamesFor(dataset.chosen, dataset.targets, classes);
    if (m_classNames.empty())
        for (int c = 0; c < classes; ++c)
            m_classNames.push_back("class " + std::to_string(c));
}

std::string SampleGrouping::className(int classIndex) const
{
    const auto index = static_cast<std::size_t>(std::max(classIndex, 0));
    return index < m_classNames.size() ? m_classNames[index]
                                       : "class " + std::to_string(classIndex);
}

std::vector<std::vector<std::string>> SampleGrouping::of(
    const std::vector<std::int64_t> &samples, const Tensor &output) const
{
    const auto n = static_cast<std::int64_t>(samples.size());
    std::vector<std::vector<std::string>> groups(samples.size());
    if (m_by.empty())
        return groups;
    std::vector<Prediction> predictions;
    if (!m_classNames.empty()) {
        std::vector<std::int64_t> rows(samples.size());
        std::iota(rows.begin(), rows.end(), std::int64_t(0));
        predictions = predictionsFromOutput(output, rows, n, true);
    }
    for (std::size_t i = 0; i < samples.size(); ++i) {
        auto &g = groups[i];
        const auto sample = static_cast<std::size_t>(samples[i]);
        for (const GroupBy by : m_by) {
            switch (by) {
            case GroupBy::Target:
                g.push_back("target=" + m_dataset.targets[sample]);
                break;
            case GroupBy::Prediction:
                g.push_back("prediction=" + className(predictions[i].classIndex));
                break;
            case GroupBy::Correct:
                g.push_back(className(predictions[i].classIndex) == m_dataset.targets[sample]
                        ? "correct"
                        : "misclassified");
                break;
            }
        }
    }
    return groups;
}

} // namespace attnlens
