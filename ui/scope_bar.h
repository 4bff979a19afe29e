#pragma once

#include <string>
#include <vector>

#include <QWidget>

#include "ui/group_presenter.h"

class QComboBox;

namespace attnlens {

/// The toolbar's scope controls: Sample / Group, the group (all samples, each target class,
/// each predicted class, correct, misclassified, the rows shown in the sample table) and the
/// statistic (mean, standard deviation). The group and statistic lists are enabled in Group
/// scope only.
class ScopeBar : public QWidget
{
    Q_OBJECT
public:
    explicit ScopeBar(QWidget *parent = nullptr);

    Scope scope() const;
    void setScope(Scope scope);
    /// The chosen group's name in the summary ("all", "target=M", ..., or "shown").
    std::string group() const;
    void setGroup(const std::string &group);
    GroupStatistic statistic() const;
    void setStatistic(GroupStatistic statistic);
    /// The groups to offer, in order (a summary's group names); "shown" is always added last.
    /// Keeps the chosen group when it is still offered, else "all". Emits nothing.
    void setGroups(const std::vector<std::string> &groups);

    QComboBox *scopeBox() const { return m_scope; }
    QComboBox *groupBox() const { return m_group; }
    QComboBox *statisticBox() const { return m_statistic; }

signals:
    void scopeChanged(attnlens::Scope scope);
    void groupChosen(const std::string &group);
    void statisticChanged(attnlens::GroupStatistic statistic);

private:
    void updateEnabled();

    QComboBox *m_scope = nullptr;
    QComboBox *m_group = nullptr;
    QComboBox *m_statistic = nullptr;
};

} // namespace attnlens
