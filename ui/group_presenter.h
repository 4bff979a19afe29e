#pragma once

#include <string>

#include <QString>

#include "ui/attention_presenter.h"
#include "ui/dataset_summary_job.h"

namespace attnlens {

/// What the heatmap shows: one sample's maps, or a group's statistics over many samples.
enum class Scope
{
    Sample,
    Group
};

/// Which statistic of a group's maps the Group scope draws.
enum class GroupStatistic
{
    Mean,             ///< the mean map over the group's samples
    StandardDeviation ///< their population standard deviation, cell by cell
};

/// One attention call's maps over a group, in the shapes the sample scope uses: per head
/// (heads, T_query, T_key), and for the mean / max over heads (T_query, T_key), where "max over
/// heads" is the group's mean (or std) of each sample's maximum over heads.
struct GroupCallMaps
{
    Tensor heads;
    RowMatrix meanOfHeads;
    RowMatrix maxOfHeads;
    std::int64_t count = 0;     ///< samples in the group
    std::vector<float> entropy; ///< per head: the group's mean of each sample's sharpness
};

namespace presenter {

/// The maps of call `attention` in group `group` of `summary`. Throws std::out_of_range when the
/// group or call does not exist.
GroupCallMaps groupCallMaps(const GroupScopeSummary &summary, const std::string &group,
    int attention, GroupStatistic statistic);

/// Matrix, range and title of `head` in group scope. The title names the group, its sample
/// count and the statistic: "model — call — head 2 — group target=M (212 samples), mean".
HeatmapContent groupContent(const Workspace &workspace, const GroupScopeSummary &summary,
    const std::string &group, int attention, const HeadChoice &head, GroupStatistic statistic,
    RangeMode range);

/// Axis labels for group maps: those of the data's features and time steps, which every sample
/// shares; token positions are numbered ("position 3"), since each sample has its own words.
AxisText groupAxisText(const Workspace &workspace, int attention);

/// "target=M" -> "target M"; "all" -> "all samples"; "shown" -> "rows shown in the table".
QString groupDisplayName(const std::string &group);

} // namespace presenter
} // namespace attnlens
