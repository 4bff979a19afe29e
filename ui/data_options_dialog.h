#pragma once

#include <vector>

#include <QDialog>
#include <QString>

#include "core/data/dataset.h"
#include "core/runtime/model.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace attnlens {

/// Data > Data Options: which CSV columns are the features (in the order fed to the model), the
/// id, the target and the time steps; the window stride; classes or values for predictions.
/// Every field starts on the current guess ("Automatic (guess: patient_id)"); features are
/// checked in the list, top to bottom is the order fed to the model (drag, or Alt+Up/Alt+Down).
///
/// The dialog does not read data itself: Re-read Data emits applyRequested() with options() and
/// stays open; the window re-reads the data and closes the dialog when that worked, or calls
/// showProblem() with the reason, and every field keeps what the user chose.
class DataOptionsDialog : public QDialog
{
    Q_OBJECT
public:
    /// `model`: whose input 0 and output 0 the data is for. `dataFile`: shown in the title.
    /// `columns`: the CSV's columns (Dataset::columns or csvColumns()). `guess`: what the loader
    /// chose (Dataset::chosen), empty when the data could not be read. `options`: what the user
    /// chose before (automatic fields empty).
    DataOptionsDialog(const Model &model, const QString &dataFile, std::vector<DataColumn> columns,
        const DatasetOptions &guess, const DatasetOptions &options, QWidget *parent = nullptr);

    /// What the fields say now: automatic fields empty, features only when they differ from
    /// the guess.
    DatasetOptions options() const;
    /// Shows `message` (one at a time) and keeps every field as it is.
    void showProblem(const QString &message);
    QString problem() const;

    QListWidget *featureList() const { return m_features; }
    QComboBox *idBox() const { return m_id; }
    QComboBox *targetBox() const { return m_target; }
    QComboBox *timeBox() const { return m_time; }
    QSpinBox *strideBox() const { return m_stride; }
    QComboBox *predictionBox() const { return m_predictions; }
    QLineEdit *classNamesEdit() const { return m_classNames; }
    QPushButton *applyButton() const { return m_apply; }

signals:
    void applyRequested(const attnlens::DatasetOptions &options);

protected:
    /// Alt+Up / Alt+Down in the feature list move the current column.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void fillFeatures(const std::vector<std::string> &checked);
    void fillColumnBox(QComboBox *box, const std::string &guess, const std::string &chosen,
        const QString &noneText) const;
    std::vector<std::string> checkedFeatures() const;
    void moveCurrentFeature(int delta);
    void updateCount();
    void restoreGuess();
    void apply();

    std::vector<DataColumn> m_columnInfo;
    DatasetOptions m_guess;
    std::int64_t m_width = -1;       ///< features (or channels) input 0 takes; -1 = any
    bool m_sequence = false;         ///< input 0 is (None, T, C): CSV rows are time steps
    int m_classes = 2;               ///< classes of output 0 (classCount)
    bool m_explicitFeatures = false; ///< the user chose the features (else: automatic)

    QListWidget *m_features = nullptr;
    QLabel *m_count = nullptr;
    QComboBox *m_id = nullptr;
    QComboBox *m_target = nullptr;
    QComboBox *m_time = nullptr;
    QSpinBox *m_stride = nullptr;
    QComboBox *m_predictions = nullptr;
    QLineEdit *m_classNames = nullptr;
    QLabel *m_problem = nullptr;
    QPushButton *m_apply = nullptr;
};

} // namespace attnlens
