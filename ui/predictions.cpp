#include "ui/predictions.h"

#include <algorithm>
#include <set>

#include <QStringList>

#include "core/errors.h"

namespace attnlens {

namespace {

constexpr qsizetype kItemsPerLine = 8; // a tooltip of a 48-step forecast stays on screen

QString className(int index, const std::vector<std::string> &classNames)
{
    const auto i = static_cast<std::size_t>(index);
    return i < classNames.size() ? QString::fromStdString(classNames[i])
                                 : QStringLiteral("class %1").arg(index);
}

QString valueText(float value)
{
    return QString::number(static_cast<double>(value), 'g', 5);
}

QString probabilityText(float value)
{
    return QString::number(static_cast<double>(value), 'f', 3);
}

Prediction classify(const float *row, std::int64_t width)
{
    Prediction p;
    if (width == 1) { // sigmoid: the probability of class 1
        p.classIndex = row[0] >= 0.5f ? 1 : 0;
        p.score = p.classIndex == 1 ? row[0] : 1.0f - row[0];
        return p;
    }
    const std::int64_t best = std::max_element(row, row + width) - row;
    p.classIndex = static_cast<int>(best);
    p.score = row[best];
    return p;
}

Prediction predictionOfRow(const float *row, std::int64_t width, bool classifier)
{
    Prediction p;
    if (classifier && width > 0)
        p = classify(row, width);
    else if (width > 0)
        p.score = row[0];
    p.ran = true;
    p.values.assign(row, row + width);
    return p;
}

} // namespace

bool isClassifierOutput(const Model &model)
{
    for (const LayerInfo &layer : model.layers()) {
        if (layer.outputIndex == 0)
            return layer.activation == "softmax" || layer.activation == "sigmoid";
    }
    return false;
}

bool readsAsClasses(const Model &model, const DatasetOptions &options)
{
    switch (options.predictions) {
    case PredictionKind::Classes:
        return true;
    case PredictionKind::Regression:
        return false;
    case PredictionKind::Automatic:
        break;
    }
    return isClassifierOutput(model);
}

int classCount(const Model &model)
{
    if (model.outputShapes().empty())
        return 2;
    const Shape &shape = model.outputShapes().front();
    return shape.size() == 2 && shape[1] > 1 ? static_cast<int>(shape[1]) : 2;
}

std::string classNamesProblem(int classes, const DatasetOptions &options)
{
    if (options.classNames.empty() || static_cast<int>(options.classNames.size()) == classes)
        return {};
    std::string names;
    for (const std::string &name : options.classNames)
        names += (names.empty() ? "" : ", ") + name;
    return std::to_string(options.classNames.size()) + " class names (" + names + ") for the "
        + std::to_string(classes) + " classes of output 0: give one name per class, class 0 first";
}

std::vector<std::string> classNamesFor(
    const DatasetOptions &options, const std::vector<std::string> &targets, int classes)
{
    if (!options.classNames.empty())
        return options.classNames;
    return classNamesFromTargets(targets, classes);
}

std::vector<Prediction> predictionsFromOutput(const Tensor &output,
    const std::vector<std::int64_t> &usableRows, std::int64_t totalRows, bool classifier)
{
    std::vector<Prediction> result(static_cast<std::size_t>(totalRows));
    if (usableRows.empty())
        return result;
    const std::int64_t rows = output.rank() == 0 ? 1 : output.dim(0);
    if (rows != static_cast<std::int64_t>(usableRows.size()))
        throw ShapeError("the model returned " + std::to_string(rows) + " rows for "
            + std::to_string(usableRows.size()) + " samples");
    const std::int64_t width = output.size() / rows;
    for (std::int64_t i = 0; i < rows; ++i) {
        Prediction p = predictionOfRow(output.data() + i * width, width, classifier);
        const std::int64_t sample = usableRows[static_cast<std::size_t>(i)];
        if (sample >= 0 && sample < totalRows)
            result[static_cast<std::size_t>(sample)] = std::move(p);
    }
    return result;
}

Prediction predictionOfSample(const Tensor &output, bool classifier)
{
    return predictionOfRow(output.data(), output.size(), classifier);
}

std::vector<std::string> classNamesFromTargets(const std::vector<std::string> &targets, int classes)
{
    const std::set<std::string> distinct(targets.begin(), targets.end());
    if (classes < 2 || static_cast<int>(distinct.size()) != classes)
        return {};
    return {distinct.begin(), distinct.end()};
}

QString predictionText(const Prediction &prediction, const std::vector<std::string> &classNames)
{
    if (!prediction.ran)
        return QStringLiteral("—");
    if (prediction.classIndex >= 0)
        return className(prediction.classIndex, classNames) + QStringLiteral("  ")
            + probabilityText(prediction.score);
    const QString first = valueText(prediction.score);
    return prediction.values.size() > 1 ? first + QStringLiteral("  …") : first;
}

QString predictionDetail(const Prediction &prediction, const std::vector<std::string> &classNames)
{
    if (!prediction.ran)
        return QStringLiteral("—");
    const std::vector<float> &values = prediction.values;
    QStringList items;
    if (prediction.classIndex >= 0 && values.size() == 1) { // sigmoid: P(class 1)
        items << className(0, classNames) + QLatin1Char(' ') + probabilityText(1.0f - values[0])
              << className(1, classNames) + QLatin1Char(' ') + probabilityText(values[0]);
    } else if (prediction.classIndex >= 0) {
        for (std::size_t c = 0; c < values.size(); ++c)
            items << className(static_cast<int>(c), classNames) + QLatin1Char(' ')
                    + probabilityText(values[c]);
    } else if (values.size() <= 1) {
        return valueText(prediction.score);
    } else {
        for (float value : values)
            items << valueText(value);
    }
    QString text
        = prediction.classIndex >= 0 ? QString() : QStringLiteral("%1 values: ").arg(values.size());
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (i > 0)
            text += i % kItemsPerLine == 0 ? QStringLiteral(",\n") : QStringLiteral(", ");
        text += items[i];
    }
    return text;
}

} // namespace attnlens
