#include "ui/scope_bar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>

namespace attnlens {

ScopeBar::ScopeBar(QWidget *parent)
    : QWidget(parent)
{
    m_scope = new QComboBox(this);
    m_scope->setObjectName(QStringLiteral("scopeBox"));
    m_scope->addItem(tr("Sample"), static_cast<int>(Scope::Sample));
    m_scope->addItem(tr("Group"), static_cast<int>(Scope::Group));
    m_scope->setToolTip(tr("Sample: the current sample's attention. Group: statistics of the "
                           "attention over a group of samples."));
    m_group = new QComboBox(this);
    m_group->setObjectName(QStringLiteral("groupBox"));
    m_group->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_statistic = new QComboBox(this);
    m_statistic->setObjectName(QStringLiteral("statisticBox"));
    m_statistic->addItem(tr("mean"), static_cast<int>(GroupStatistic::Mean));
    m_statistic->addItem(tr("std"), static_cast<int>(GroupStatistic::StandardDeviation));
    m_statistic->setToolTip(tr("The group's mean map, or its (population) standard deviation"));
    setGroups({"all"});

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Scope:"), this));
    layout->addWidget(m_scope);
    layout->addWidget(m_group);
    layout->addWidget(m_statistic);
    updateEnabled();

    connect(m_scope, &QComboBox::currentIndexChanged, this, [this] {
        updateEnabled();
        emit scopeChanged(scope());
    });
    connect(m_group, &QComboBox::activated, this, [this] { emit groupChosen(group()); });
    connect(m_statistic, &QComboBox::currentIndexChanged, this,
        [this] { emit statisticChanged(statistic()); });
}

Scope ScopeBar::scope() const
{
    return static_cast<Scope>(m_scope->currentData().toInt());
}

void ScopeBar::setScope(Scope scope)
{
    const QSignalBlocker block(m_scope);
    m_scope->setCurrentIndex(m_scope->findData(static_cast<int>(scope)));
    updateEnabled();
}

std::string ScopeBar::group() const
{
    return m_group->currentData().toString().toStdString();
}

void ScopeBar::setGroup(const std::string &group)
{
    const int index = m_group->findData(QString::fromStdString(group));
    if (index >= 0)
        m_group->setCurrentIndex(index);
}

GroupStatistic ScopeBar::statistic() const
{
    return static_cast<GroupStatistic>(m_statistic->currentData().toInt());
}

void ScopeBar::setStatistic(GroupStatistic statistic)
{
    const QSignalBlocker block(m_statistic);
    m_statistic->setCurrentIndex(m_statistic->findData(static_cast<int>(statistic)));
}

void ScopeBar::setGroups(const std::vector<std::string> &groups)
{
    const std::string chosen = m_group->count() > 0 ? group() : std::string("all");
    const QSignalBlocker block(m_group);
    m_group->clear();
    for (const std::string &name : groups)
        m_group->addItem(presenter::groupDisplayName(name), QString::fromStdString(name));
    m_group->addItem(presenter::groupDisplayName("shown"), QStringLiteral("shown"));
    const int keep = m_group->findData(QString::fromStdString(chosen));
    m_group->setCurrentIndex(keep >= 0 ? keep : 0);
}

void ScopeBar::updateEnabled()
{
    const bool group = scope() == Scope::Group;
    m_group->setEnabled(group);
    m_statistic->setEnabled(group);
}

} // namespace attnlens
