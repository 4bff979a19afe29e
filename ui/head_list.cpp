#include "ui/head_list.h"

#include <algorithm>
#include <numeric>

#include <QCheckBox>
#include <QListWidget>
#include <QPixmap>
#include <QVBoxLayout>

#include "ui/thumbnail.h"

namespace attnlens {

namespace {

constexpr int kKindRole = Qt::UserRole;
constexpr int kHeadRole = Qt::UserRole + 1;

} // namespace

HeadList::HeadList(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this); // owned by this widget, as are the children below
    layout->setContentsMargins(0, 0, 0, 0);
    m_sort = new QCheckBox(tr("Sort by sharpness"), this);
    m_sort->setObjectName(QStringLiteral("sortHeadsBySharpness"));
    m_sort->setToolTip(tr("Sharpness is the mean normalised entropy of the query rows: 0 when "
                          "every query attends to one key, 1 when it attends to all alike"));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("headList"));
    m_list->setIconSize(QSize(56, 56));
    m_list->setUniformItemSizes(true);
    m_list->setSpacing(1);
    layout->addWidget(m_sort);
    layout->addWidget(m_list);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (!m_quiet && row >= 0)
            emit headChosen(choiceAt(row));
    });
    connect(m_sort, &QCheckBox::toggled, this, [this] { rebuild(); });
}

HeadChoice HeadList::choiceAt(int row) const
{
    const QListWidgetItem *item = m_list->item(row);
    if (item == nullptr)
        return {};
    return {static_cast<HeadChoice::Kind>(item->data(kKindRole).toInt()),
        item->data(kHeadRole).toInt()};
}

int HeadList::rowOf(const HeadChoice &choice) const
{
    HeadChoice wanted = choice;
    if (wanted.kind == HeadChoice::Kind::Head)
        wanted.head = std::clamp(wanted.head, 0, std::max(0, m_heads - 1));
    else
        wanted.head = 0;
    for (int row = 0; row < m_list->count(); ++row)
        if (choiceAt(row) == wanted)
            return row;
    return 0;
}

int HeadList::sharpestHead() const
{
    if (m_entropy.size() != static_cast<std::size_t>(m_heads) || m_heads == 0)
        return -1;
    return static_cast<int>(
        std::min_element(m_entropy.begin(), m_entropy.end()) - m_entropy.begin());
}

void HeadList::setThumbnails(const std::vector<QImage> &heads, const QImage &mean,
    const QImage &max, const std::vector<float> &entropy)
{
    m_heads = static_cast<int>(heads.size());
    m_images = heads;
    m_images.push_back(mean);
    m_images.push_back(max);
    m_entropy = entropy.size() == heads.size() ? entropy : std::vector<float>();
    rebuild();
}

void HeadList::rebuild()
{
    const HeadChoice keep = current();
    std::vector<int> order(static_cast<std::size_t>(m_heads));
    std::iota(order.begin(), order.end(), 0);
    if (m_sort->isChecked() && !m_entropy.empty())
        std::stable_sort(order.begin(), order.end(),
            [this](int a, int b) { return m_entropy[std::size_t(a)] < m_entropy[std::size_t(b)]; });
    const int sharpest = sharpestHead();
    m_quiet = true;
    m_list->clear();
    auto add = [this](const HeadChoice &choice, const QImage &image, const QString &text) {
        auto *item = new QListWidgetItem(thumbnailIcon(image), text, m_list);
        item->setData(kKindRole, static_cast<int>(choice.kind));
        item->setData(kHeadRole, choice.head);
    };
    for (const int h : order) {
        const HeadChoice choice {HeadChoice::Kind::Head, h};
        QString text = choice.displayName();
        if (!m_entropy.empty()) {
            text += QStringLiteral("\n")
                + tr("entropy %1").arg(m_entropy[std::size_t(h)], 0, 'f', 2);
            if (h == sharpest)
                text += QStringLiteral("  ") + tr("(sharpest)");
        }
        add(choice, m_images[std::size_t(h)], text);
        if (h == sharpest) {
            QFont bold = m_list->font();
            bold.setBold(true);
            m_list->item(m_list->count() - 1)->setFont(bold);
        }
    }
    const HeadChoice mean {HeadChoice::Kind::MeanOfHeads, 0};
    const HeadChoice max {HeadChoice::Kind::MaxOfHeads, 0};
    if (m_images.size() == static_cast<std::size_t>(m_heads) + 2) {
        add(mean, m_images[std::size_t(m_heads)], mean.displayName());
        add(max, m_images[std::size_t(m_heads) + 1], max.displayName());
    }
    if (m_list->count() > 0)
        m_list->setCurrentRow(rowOf(keep));
    m_quiet = false;
}

void HeadList::clear()
{
    m_quiet = true;
    m_list->clear();
    m_heads = 0;
    m_images.clear();
    m_entropy.clear();
    m_quiet = false;
}

HeadChoice HeadList::current() const
{
    const int row = m_list->currentRow();
    return row < 0 ? HeadChoice {} : choiceAt(row);
}

void HeadList::setCurrent(const HeadChoice &choice)
{
    if (m_list->count() == 0)
        return;
    m_quiet = true;
    m_list->setCurrentRow(rowOf(choice));
    m_quiet = false;
}

void HeadList::setSortBySharpness(bool sort)
{
    m_sort->setChecked(sort); // rebuilds through toggled
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
