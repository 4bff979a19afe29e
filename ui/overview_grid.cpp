#include "ui/overview_grid.h"

#include <algorithm>

#include <QHeaderView>
#include <QPixmap>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/thumbnail.h"

namespace attnlens {

namespace {
constexpr int kThumbnailSide = 72;
}

OverviewGrid::OverviewGrid(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this); // owned by this widget, as is the table
    layout->setContentsMargins(0, 0, 0, 0);
    m_table = new QTableWidget(this);
    m_table->setObjectName(QStringLiteral("overviewGrid"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setIconSize(QSize(kThumbnailSide, kThumbnailSide));
    m_table->horizontalHeader()->setDefaultSectionSize(kThumbnailSide + 8);
    m_table->verticalHeader()->setDefaultSectionSize(kThumbnailSide + 8);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->setToolTip(tr("Every head (rows) of every attention call (columns) for this sample; "
                           "click one to show it"));
    layout->addWidget(m_table);
    connect(m_table, &QTableWidget::cellClicked, this, [this](int row, int column) {
        if (!m_quiet && m_table->item(row, column) != nullptr)
            emit cellChosen(column, HeadChoice {HeadChoice::Kind::Head, row});
    });
}

void OverviewGrid::setThumbnails(
    const QStringList &callNames, const std::vector<std::vector<QImage>> &thumbnails)
{
    m_quiet = true;
    std::size_t heads = 0;
    for (const auto &call : thumbnails)
        heads = std::max(heads, call.size());
    m_table->clear();
    m_table->setColumnCount(static_cast<int>(thumbnails.size()));
    m_table->setRowCount(static_cast<int>(heads));
    m_table->setHorizontalHeaderLabels(callNames);
    QStringList rowNames;
    for (std::size_t h = 0; h < heads; ++h)
        rowNames << tr("head %1").arg(h);
    m_table->setVerticalHeaderLabels(rowNames);
    for (std::size_t c = 0; c < thumbnails.size(); ++c) {
        for (std::size_t h = 0; h < thumbnails[c].size(); ++h) {
            auto *item = new QTableWidgetItem; // owned by the table
            item->setIcon(thumbnailIcon(thumbnails[c][h]));
            item->setToolTip(
                QStringLiteral("%1, head %2").arg(callNames.value(static_cast<int>(c))).arg(h));
            m_table->setItem(static_cast<int>(h), static_cast<int>(c), item);
        }
    }
    m_quiet = false;
}

void OverviewGrid::clear()
{
    m_quiet = true;
    m_table->clear();
    m_table->setRowCount(0);
    m_table->setColumnCount(0);
    m_quiet = false;
}

void OverviewGrid::setCurrent(int attention, const HeadChoice &choice)
{
    m_quiet = true;
    if (choice.kind == HeadChoice::Kind::Head && m_table->item(choice.head, attention) != nullptr)
        m_table->setCurrentCell(choice.head, attention);
    else
        m_table->clearSelection();
    m_quiet = false;
}

} // namespace attnlens
