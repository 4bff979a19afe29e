#include "ui/head_list.h"

#include <algorithm>

#include <QListWidget>
#include <QPixmap>
#include <QVBoxLayout>

#include "ui/thumbnail.h"

namespace attnlens {

HeadList::HeadList(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this); // owned by this widget, as are the children below
    layout->setContentsMargins(0, 0, 0, 0);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("headList"));
    m_list->setIconSize(QSize(56, 56));
    m_list->setUniformItemSizes(true);
    m_list->setSpacing(1);
    layout->addWidget(m_list);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (!m_quiet && row >= 0)
            emit headChosen(choiceAt(row, m_heads));
    });
}

HeadChoice HeadList::choiceAt(int row, int heads)
{
    if (row < heads)
        return {HeadChoice::Kind::Head, row};
    return {row == heads ? HeadChoice::Kind::MeanOfHeads : HeadChoice::Kind::MaxOfHeads, 0};
}

int HeadList::rowOf(const HeadChoice &choice, int heads)
{
    switch (choice.kind) {
    case HeadChoice::Kind::MeanOfHeads:
        return heads;
    case HeadChoice::Kind::MaxOfHeads:
        return heads + 1;
    case HeadChoice::Kind::Head:
        break;
    }
    return std::clamp(choice.head, 0, std::max(0, heads - 1));
}

void HeadList::setThumbnails(
    const std::vector<QImage> &heads, const QImage &mean, const QImage &max)
{
    const HeadChoice keep = current();
    const int count = static_cast<int>(heads.size());
    m_quiet = true;
    if (count != m_heads || m_list->count() != count + 2) {
        m_list->clear();
        for (int h = 0; h < count + 2; ++h)
            m_list->addItem(choiceAt(h, count).displayName());
        m_heads = count;
    }
    for (int h = 0; h < count; ++h)
        m_list->item(h)->setIcon(thumbnailIcon(heads[static_cast<std::size_t>(h)]));
    m_list->item(count)->setIcon(thumbnailIcon(mean));
    m_list->item(count + 1)->setIcon(thumbnailIcon(max));
    m_list->setCurrentRow(rowOf(keep, count));
    m_quiet = false;
}

void HeadList::clear()
{
    m_quiet = true;
    m_list->clear();
    m_heads = 0;
    m_quiet = false;
}

HeadChoice HeadList::current() const
{
    const int row = m_list->currentRow();
    return row < 0 ? HeadChoice {} : choiceAt(row, m_heads);
}

void HeadList::setCurrent(const HeadChoice &choice)
{
    if (m_list->count() == 0)
        return;
    m_quiet = true;
    m_list->setCurrentRow(rowOf(choice, m_heads));
    m_quiet = false;
}

void HeadList::selectNext()
{
    step(1);
}

void HeadList::selectPrevious()
{
    step(-1);
}

void HeadList::step(int delta)
{
    const int count = m_list->count();
    if (count == 0)
        return;
    const int row = (std::max(0, m_list->currentRow()) + delta + count) % count;
    m_list->setCurrentRow(row); // emits headChosen through currentRowChanged
}

} // namespace attnlens
