#pragma once

#include <memory>

#include <QWidget>

#include "core/data/dataset.h"
#include "ui/predictions.h"

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace attnlens {

class SampleTableModel;

/// The samples of the open data set: sortable by any column, filtered by a text box (matches
/// any column). Arrow keys and PageUp/PageDown move through the samples; the sample under the
/// cursor is the one shown. Enter in the box jumps to the sample whose id is what it holds.
class SampleTable : public QWidget
{
    Q_OBJECT
public:
    explicit SampleTable(QWidget *parent = nullptr);

    void setDataset(std::shared_ptr<const Dataset> dataset);
    void setPredictions(std::vector<Prediction> predictions, std::vector<std::string> classNames);

    /// The current sample (index in the data set), -1 when none.
    int currentSample() const;
    /// Makes `sample` current without emitting sampleChosen; false when it is filtered out.
    bool setCurrentSample(int sample);
    /// Next / previous visible sample in the table's current order; emits sampleChosen.
    void step(int delta);
    QString problemOf(int sample) const;
    /// Makes the sample labelled `id` (exactly, else ignoring case) current and clears the
    /// filter, so that its neighbours show; emits sampleChosen. Without such an id, the first
    /// sample the filter leaves; false (and jumpFailed) when there is none either.
    bool jumpTo(const QString &id);
    /// The samples the filter leaves in the table, ascending.
    std::vector<std::int64_t> shownSamples() const;

    QTableView *view() const { return m_view; }
    QLineEdit *filter() const { return m_filter; }
    SampleTableModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }

signals:
    void sampleChosen(int sample);
    /// The filter text changed (shownSamples() may differ).
    void filterChanged();
    /// jumpTo found no sample for `id` (the status line says so).
    void jumpFailed(const QString &id);

private:
    QLineEdit *m_filter = nullptr;
    QTableView *m_view = nullptr;
    SampleTableModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    bool m_quiet = false;
};

} // namespace attnlens
