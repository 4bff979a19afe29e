#include "ui/predictions.h"

#include <set>

#include "core/errors.h"

namespace attnlens {

std::vector<Prediction> predictionsFromOutput(
    const Tensor &output, const std::vector<std::int64_t> &usableRows, std::int64_t totalRows)
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
        const float *row = output.data() + i * width;
        Prediction p;
        p.ran = true;
        if (width == 1) {
            p.score = row[0];
        } else {
            std::int64_t best = 0;
            for (std::int64_t c = 1; c < width; ++c) {
                if (row[c] > row[best])
                    best = c;
            }
            p.classIndex = static_cast<int>(best);
            p.score = row[best];
        }
        const std::int64_t sample = usableRows[static_cast<std::size_t>(i)];
        if (sample >= 0 && sample < totalRows)
            result[static_cast<std::size_t>(sample)] = p;
    }
    return result;
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
    const QString score = QString::number(static_cast<double>(prediction.score), 'f', 3);
    if (prediction.classIndex < 0)
        return QString::number(static_cast<double>(prediction.score), 'g', 5);
    const auto index = static_cast<std::size_t>(prediction.classIndex);
    const QString name = index < classNames.size()
        ? QString::fromStdString(classNames[index])
        : QStringLiteral("class %1").arg(prediction.classIndex);
    return name + QStringLiteral("  ") + score;
}

} // namespace attnlens
