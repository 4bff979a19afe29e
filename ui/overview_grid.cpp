#include "ui/overview_grid.h"

#include <algorithm>

#include <QCheckBox>
#include <QFontMetrics>
#include <QHeaderView>
#include <QPixmap>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/thumbnail.h"

namespace attnlens {

OverviewGrid::OverviewGrid(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this); // owned by this widget, as is the table
    layout->setContentsMargins(0, 0, 0, 0);
    m_table = new QTableWidget(this);
    m_table->setObjectName(QStringLiteral("overviewGrid"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setTextElideMode(Qt::ElideLeft);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->setToolTip(tr("Every head (rows) of every attention call (columns) for this sample; "
                           "click one to show it"));
    m_shared = new QCheckBox(tr("One colour range for every cell"), this);
    m_shared->setObjectName(QStringLiteral("overviewSharedRange"));
    m_shared->setToolTip(tr("Draw every head of every call on the model's minimum to maximum for "
                            "this sample, so that cells compare; off, each cell follows the "
                            "colour range setting"));
    layout->addWidget(m_shared);
    layout->addWidget(m_table);
    connect(m_shared, &QCheckBox::toggled, this, &OverviewGrid::sharedRangeChanged);
    fitCells();
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
    m_callNames = callNames;
    for (int c = 0; c < callNames.size() && c < m_table->columnCount(); ++c) {
        auto *header = new QTableWidgetItem(callNames[c]); // owned by the table; elided by fitCells
        header->setToolTip(callNames[c]);
        m_table->setHorizontalHeaderItem(c, header);
    }
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
    fitCells();
}

bool OverviewGrid::sharedRange() const
{
    return m_shared->isChecked();
}

void OverviewGrid::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitCells();
}

void OverviewGrid::fitCells()
{
    // The largest side at which every cell shows without scrolling, within the bounds.
    const int columns = std::max(1, m_table->columnCount());
    const int rows = std::max(1, m_table->rowCount());
    const int width = m_table->width() - m_table->verticalHeader()->sizeHint().width() - 4;
    const int height = m_table->height() - m_table->horizontalHeader()->sizeHint().height() - 4;
    const int fit = std::min(width / columns, height / rows) - 8;
    m_side = std::clamp(fit, kMinimumSide, kMaximumSide);
    m_table->setIconSize(QSize(m_side, m_side));
    m_table->horizontalHeader()->setDefaultSectionSize(m_side + 8);
    m_table->verticalHeader()->setDefaultSectionSize(m_side + 8);
    for (int c = 0; c < m_table->columnCount(); ++c)
        m_table->horizontalHeader()->resizeSection(c, m_side + 8);
    for (int r = 0; r < m_table->rowCount(); ++r)
        m_table->verticalHeader()->resizeSection(r, m_side + 8);
    // Elided here, at the start: the header's own elide mode is not honoured by every style
    // (Fusion on Qt 6.4 clips the centred text on both sides).
    QFont bold = m_table->horizontalHeader()->font();
    bold.setBold(true); // the current call's header is drawn bold
    const QFontMetrics metrics(bold);
    for (int c = 0; c < m_table->columnCount() && c < m_callNames.size(); ++c)
        if (QTableWidgetItem *header = m_table->horizontalHeaderItem(c))
            header->setText(metrics.elidedText(m_callNames[c], Qt::ElideLeft, m_side + 8 - 10));
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
