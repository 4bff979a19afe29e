#include "ui/group_presenter.h"

#include <QFileInfo>
#include <QObject>

namespace attnlens::presenter {

namespace {

const GroupSummary &groupOf(const GroupScopeSummary &summary, const std::string &name)
{
    for (const GroupSummary *group : summary.summary->groups())
        if (group->name() == name)
            return *group;
    throw std::out_of_range("no group '" + name + "' in the summary");
}

RowMatrix toMatrix(const std::vector<float> &values, std::int64_t rows, std::int64_t cols)
{
    RowMatrix m(rows, cols);
    std::copy(values.begin(), values.end(), m.data());
    return m;
}

QStringList numbered(int count)
{
    QStringList out;
    for (int i = 0; i < count; ++i)
        out << QStringLiteral("position %1").arg(i);
    return out;
}

} // namespace

GroupCallMaps groupCallMaps(const GroupScopeSummary &summary, const std::string &group,
    int attention, GroupStatistic statistic)
{
    const CallAccumulator &call
        = groupOf(summary, group).calls().at(static_cast<std::size_t>(attention));
    const bool mean = statistic == GroupStatistic::Mean;
    GroupCallMaps maps;
    maps.count = call.count();
    const std::int64_t tq = call.queryLength();
    const std::int64_t tk = call.keyLength();
    maps.heads = Tensor({call.heads(), tq, tk}, mean ? call.mean() : call.standardDeviation());
    maps.meanOfHeads
        = toMatrix(mean ? call.headMeanMean() : call.headMeanStandardDeviation(), tq, tk);
    maps.entropy = call.headStatistic(0);
    maps.maxOfHeads = toMatrix(mean ? call.headMaxMean() : call.headMaxStandardDeviation(), tq, tk);
    return maps;
}

HeatmapContent groupContent(const Workspace &workspace, const GroupScopeSummary &summary,
    const std::string &group, int attention, const HeadChoice &head, GroupStatistic statistic,
    RangeMode range)
{
    const GroupCallMaps maps = groupCallMaps(summary, group, attention, statistic);
    HeatmapContent c;
    switch (head.kind) {
    case HeadChoice::Kind::Head:
        c.matrix = headMatrix(maps.heads, head);
        break;
    case HeadChoice::Kind::MeanOfHeads:
        c.matrix = maps.meanOfHeads;
        break;
    case HeadChoice::Kind::MaxOfHeads:
        c.matrix = maps.maxOfHeads;
        break;
    }
    c.range = valueRange(c.matrix, maps.heads, range);
    const AttentionLayerInfo &info
        = workspace.model->attentionLayers().at(static_cast<std::size_t>(attention));
    const QString what = statistic == GroupStatistic::Mean ? QObject::tr("mean")
                                                           : QObject::tr("standard deviation");
    c.title = QStringLiteral("%1 — %2 — %3 — %4 (%5 samples), %6")
                  .arg(QFileInfo(workspace.modelFile).fileName(), QString::fromStdString(info.key),
                      head.displayName(), groupDisplayName(group))
                  .arg(maps.count)
                  .arg(what);
    return c;
}

AxisText groupAxisText(const Workspace &workspace, int attention)
{
    const AttentionLayerInfo &info
        = workspace.model->attentionLayers().at(static_cast<std::size_t>(attention));
    AxisText text = axisText(workspace, attention, 0);
    if (info.keyOrigin.kind == AxisOrigin::Kind::Tokens)
        text.keys = numbered(static_cast<int>(text.keys.size()));
    if (info.queryOrigin.kind == AxisOrigin::Kind::Tokens)
        text.queries = numbered(static_cast<int>(text.queries.size()));
    return text;
}

QString groupDisplayName(const std::string &group)
{
    if (group == "all")
        return QObject::tr("all samples");
    if (group == "shown")
        return QObject::tr("rows shown in the table");
    QString name = QString::fromStdString(group);
    name.replace(QLatin1Char('='), QLatin1Char(' '));
    return name;
}

} // namespace attnlens::presenter
