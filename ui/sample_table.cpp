#include "ui/sample_table.h"

#include <algorithm>

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/sample_table_model.h"

namespace attnlens {

SampleTable::SampleTable(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this); // owned by this widget, as are the children
    layout->setContentsMargins(4, 4, 4, 4);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("sampleFilter"));
    m_filter->setPlaceholderText(
        tr("Filter samples (id, target, prediction, misclassified); Enter goes to an id"));
    m_filter->setClearButtonEnabled(true);
    m_model = new SampleTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(SampleTableModel::kSortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("sampleTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // data set order until the user sorts
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);

    connect(
        m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_filter, &QLineEdit::textChanged, this, &SampleTable::filterChanged);
    connect(m_filter, &QLineEdit::returnPressed, this, [this] {
        if (jumpTo(m_filter->text().trimmed()))
            m_view->setFocus();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            if (m_quiet || !current.isValid())
                return;
            emit sampleChosen(m_proxy->mapToSource(current).row());
        });
}

void SampleTable::setDataset(std::shared_ptr<const Dataset> dataset)
{
    m_quiet = true;
    m_model->setDataset(std::move(dataset));
    m_view->resizeColumnsToContents();
    m_quiet = false;
}

void SampleTable::setPredictions(
    std::vector<Prediction> predictions, std::vector<std::string> classNames)
{
    m_model->setPredictions(std::move(predictions), std::move(classNames));
    m_view->resizeColumnToContents(SampleTableModel::PredictionColumn);
}

int SampleTable::currentSample() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? m_proxy->mapToSource(current).row() : -1;
}

bool SampleTable::setCurrentSample(int sample)
{
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(sample, 0));
    if (!index.isValid())
        return false;
    m_quiet = true;
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
    m_quiet = false;
    return true;
}

void SampleTable::step(int delta)
{
    const int rows = m_proxy->rowCount();
    if (rows == 0)
        return;
    const QModelIndex current = m_view->currentIndex();
    const int row = current.isValid() ? std::clamp(current.row() + delta, 0, rows - 1) : 0;
    m_view->setCurrentIndex(m_proxy->index(row, 0)); // emits sampleChosen via currentRowChanged
    m_view->scrollTo(m_proxy->index(row, 0));
}

bool SampleTable::jumpTo(const QString &id)
{
    int found = -1;
    for (const Qt::CaseSensitivity cs : {Qt::CaseSensitive, Qt::CaseInsensitive}) {
        for (int row = 0; row < m_model->rowCount() && found < 0 && !id.isEmpty(); ++row)
            if (m_model->index(row, SampleTableModel::LabelColumn).data().toString().compare(id, cs)
                == 0)
                found = row;
        if (found >= 0)
            break;
    }
    if (found >= 0) {
        m_filter->clear(); // the sample among its neighbours, for stepping on from it
    } else if (m_proxy->rowCount() > 0) {
        found = m_proxy->mapToSource(m_proxy->index(0, 0)).row();
    } else {
        emit jumpFailed(id);
        return false;
    }
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(found, 0));
    m_view->setCurrentIndex(index); // emits sampleChosen via currentRowChanged, if it changed
    m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
    return true;
}

QString SampleTable::problemOf(int sample) const
{
    return m_model->problemOf(sample);
}

std::vector<std::int64_t> SampleTable::shownSamples() const
{
    std::vector<std::int64_t> samples;
    samples.reserve(static_cast<std::size_t>(m_proxy->rowCount()));
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        samples.push_back(m_proxy->mapToSource(m_proxy->index(row, 0)).row());
    std::sort(samples.begin(), samples.end());
    return samples;
}

} // namespace attnlens
