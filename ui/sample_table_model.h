#pragma once

#include <memory>
#include <vector>

#include <QAbstractTableModel>

#include "core/data/dataset.h"
#include "ui/predictions.h"

namespace attnlens {

/// One row per sample of a Dataset: its label (id), the target when the data has one, the
/// model's prediction, and a status column flagging samples that could not run.
/// Sorting uses Qt::UserRole (numbers sort as numbers).
class SampleTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        LabelColumn,
        TargetColumn,
        PredictionColumn,
        StatusColumn,
        ColumnCount
    };
    static constexpr int kSortRole = Qt::UserRole;

    explicit SampleTableModel(QObject *parent = nullptr);

    /// New data: predictions are cleared until setPredictions.
    void setDataset(std::shared_ptr<const Dataset> dataset);
    void setPredictions(std::vector<Prediction> predictions, std::vector<std::string> classNames);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Why sample `row` cannot run (the first problem's message), or empty.
    QString problemOf(int row) const;
    /// The predicted class of sample `row` is not its target (column "status" says
    /// "misclassified", so the table's filter finds them; the tooltip names both).
    bool isMisclassified(std::size_t row) const;

private:
    std::shared_ptr<const Dataset> m_dataset;
    std::vector<Prediction> m_predictions;
    std::vector<std::string> m_classNames;
    bool m_classifier = false;       ///< the predictions are classes (see isClassifierOutput)
    std::vector<QString> m_problems; ///< per row, empty when usable
};

} // namespace attnlens
