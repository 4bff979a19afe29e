#include "ui/sample_table_model.h"

#include <algorithm>

#include <QBrush>
#include <QColor>

namespace attnlens {

SampleTableModel::SampleTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void SampleTableModel::setDataset(std::shared_ptr<const Dataset> dataset)
{
    beginResetModel();
    m_dataset = std::move(dataset);
    m_predictions.clear();
    m_classifier = false;
    m_problems.assign(
        m_dataset ? static_cast<std::size_t>(m_dataset->sampleCount()) : 0, QString());
    if (m_dataset) {
        for (const SampleProblem &problem : m_dataset->problems) {
            const auto row = static_cast<std::size_t>(problem.sample);
            if (row < m_problems.size() && m_problems[row].isEmpty())
                m_problems[row] = QString::fromStdString(problem.message());
        }
    }
    endResetModel();
}

void SampleTableModel::setPredictions(
    std::vector<Prediction> predictions, std::vector<std::string> classNames)
{
    m_predictions = std::move(predictions);
    m_classNames = std::move(classNames);
    m_classifier = std::any_of(m_predictions.begin(), m_predictions.end(),
        [](const Prediction &p) { return p.classIndex >= 0; });
    emit headerDataChanged(Qt::Horizontal, PredictionColumn, PredictionColumn);
    if (rowCount() > 0)
        emit dataChanged(index(0, PredictionColumn), index(rowCount() - 1, StatusColumn));
}

int SampleTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_dataset ? 0 : static_cast<int>(m_dataset->sampleCount());
}

int SampleTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString SampleTableModel::problemOf(int row) const
{
    return row >= 0 && static_cast<std::size_t>(row) < m_problems.size()
        ? m_problems[static_cast<std::size_t>(row)]
        : QString();
}

bool SampleTableModel::isMisclassified(std::size_t row) const
{
    if (!m_dataset || row >= m_predictions.size() || row >= m_dataset->targets.size())
        return false;
    const Prediction &p = m_predictions[row];
    return p.ran && p.classIndex >= 0
        && static_cast<std::size_t>(p.classIndex) < m_classNames.size()
        && m_classNames[static_cast<std::size_t>(p.classIndex)] != m_dataset->targets[row];
}

QVariant SampleTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_dataset)
        return {};
    const auto row = static_cast<std::size_t>(index.row());
    const bool usable = m_problems[row].isEmpty();
    const Prediction *prediction = row < m_predictions.size() ? &m_predictions[row] : nullptr;
    switch (index.column()) {
    case LabelColumn:
        if (role == Qt::DisplayRole && row < m_dataset->sampleLabels.size())
            return QString::fromStdString(m_dataset->sampleLabels[row]);
        if (role == kSortRole) {
            const QString text = row < m_dataset->sampleLabels.size()
                ? QString::fromStdString(m_dataset->sampleLabels[row])
                : QString();
            bool ok = false;
            const double number = text.toDouble(&ok);
            return ok ? QVariant(number) : QVariant(text);
        }
        break;
    case TargetColumn:
        if ((role == Qt::DisplayRole || role == kSortRole) && row < m_dataset->targets.size())
            return QString::fromStdString(m_dataset->targets[row]);
        break;
    case PredictionColumn:
        if (role == Qt::DisplayRole)
            return prediction ? predictionText(*prediction, m_classNames) : QString();
        if (role == Qt::ToolTipRole && usable && prediction && prediction->ran)
            return predictionDetail(*prediction, m_classNames);
        if (role == kSortRole) {
            if (!prediction || !prediction->ran)
                return QVariant(); // after every prediction (ascending); -1 would sit among values
            // Classes group by class, then by probability (0..1); values sort by the first.
            return prediction->classIndex >= 0
                ? QVariant(prediction->classIndex * 10.0 + prediction->score)
                : QVariant(double(prediction->score));
        }
        break;
    case StatusColumn:
        if (role == Qt::DisplayRole || role == kSortRole)
            return !usable             ? tr("cannot run")
                : isMisclassified(row) ? tr("misclassified")
                                       : QString();
        if (role == Qt::ToolTipRole && !usable)
            return m_problems[row];
        if (role == Qt::ToolTipRole && isMisclassified(row))
            return tr("predicted %1, target %2")
                .arg(QString::fromStdString(
                         m_classNames[static_cast<std::size_t>(prediction->classIndex)]),
                    QString::fromStdString(m_dataset->targets[row]));
        if (role == Qt::ForegroundRole && !usable)
            return QBrush(QColor(0xb0, 0x20, 0x20));
        if (role == Qt::ForegroundRole && isMisclassified(row))
            return QBrush(QColor(0xa0, 0x50, 0x00));
        break;
    default:
        break;
    }
    if (role == Qt::ToolTipRole && !usable)
        return m_problems[row];
    return {};
}

QVariant SampleTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case LabelColumn:
            return m_dataset && !m_dataset->sampleLabelName.empty()
                ? QString::fromStdString(m_dataset->sampleLabelName)
                : tr("row");
        case TargetColumn:
            return m_dataset && !m_dataset->targetName.empty()
                ? QString::fromStdString(m_dataset->targetName)
                : tr("target");
        case PredictionColumn:
            return tr("prediction");
        case StatusColumn:
            return tr("status");
        default:
            break;
        }
    }
    if (role == Qt::ToolTipRole && section == PredictionColumn) {
        if (!m_classifier)
            return tr("The model's output: its first value, and \u2026 when it has more (the "
                      "cell's tooltip lists them all). Not read as classes: the model's last "
                      "layer has no softmax or sigmoid.");
        return tr(
            "The model's most likely class and its probability (its last layer ends in softmax "
            "or sigmoid). Class names assume the classes were numbered in sorted order of the "
            "target values.");
    }
    return {};
}

} // namespace attnlens
