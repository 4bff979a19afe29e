#include "ui/sample_caption.h"

#include <string>

#include <QStringList>

#include "ui/predictions.h"

namespace attnlens {

namespace {

const std::string *labelOf(const std::vector<std::string> &labels, std::int64_t sample)
{
    if (sample < 0 || static_cast<std::size_t>(sample) >= labels.size())
        return nullptr;
    return &labels[static_cast<std::size_t>(sample)];
}

QString idOf(std::int64_t sample, const Dataset *dataset)
{
    if (dataset == nullptr)
        return {};
    const std::string *label = labelOf(dataset->sampleLabels, sample);
    if (label == nullptr || *label == std::to_string(sample))
        return {};
    return QString::fromStdString(*label);
}

QString predictionOf(const Model &model, const Dataset *dataset, const DatasetOptions &options,
    const std::vector<Tensor> &outputs)
{
    if (outputs.empty() || outputs.front().size() == 0)
        return {};
    const Prediction prediction
        = predictionOfSample(outputs.front(), readsAsClasses(model, options));
    // The class names the groups use (SampleGroups): one rule for how many classes there are.
    const std::vector<std::string> names = classNamesFor(options,
        dataset != nullptr ? dataset->targets : std::vector<std::string> {}, classCount(model));
    // predictionText puts two spaces between class and score for the table's columns.
    return predictionText(prediction, names).replace(QStringLiteral("  "), QStringLiteral(" "));
}

} // namespace

QString SampleCaption::text() const
{
    QStringList parts {sample};
    if (!target.isEmpty())
        parts << QStringLiteral("target %1").arg(target);
    if (!prediction.isEmpty())
        parts << QStringLiteral("predicted %1").arg(prediction);
    return parts.join(QStringLiteral(" · "));
}

QString sampleText(std::int64_t sample, const Dataset *dataset)
{
    const QString id = idOf(sample, dataset);
    const QString number = QStringLiteral("sample %1").arg(sample);
    if (id.isEmpty())
        return number;
    return QStringLiteral("%1 (%2 %3)")
        .arg(number, QString::fromStdString(dataset->sampleLabelName), id);
}

SampleCaption sampleCaption(const Model &model, const Dataset *dataset,
    const DatasetOptions &options, std::int64_t sample, const std::vector<Tensor> &outputs)
{
    SampleCaption caption;
    caption.sample = sampleText(sample, dataset);
    caption.id = idOf(sample, dataset);
    if (dataset != nullptr)
        if (const std::string *target = labelOf(dataset->targets, sample))
            caption.target = QString::fromStdString(*target);
    caption.prediction = predictionOf(model, dataset, options, outputs);
    return caption;
}

} // namespace attnlens
