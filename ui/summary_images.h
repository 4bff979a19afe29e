#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "ui/dataset_summary_job.h"
#include "ui/report_exporter.h"
#include "ui/report_job.h"

class QCustomPlot;

namespace attnlens {

class BarFigure;
class HeatmapFigure;

/// `attnlens-cli summarize --images DIR`: the summary's figures as labelled images, with the
/// options and provenance of `export` (format, size, DPI, colour map; PNG text chunks naming the
/// model, its SHA-256, the call, the head and the group). Per group, attention call and head
/// choice: `<group>_L<nn>-<key>_<head>.<ext>` (the mean map), `..._std.<ext>` (its standard
/// deviation) and `..._received.<ext>` (attention received: the mean map's column means, bars);
/// per group, `<group>_rollout.<ext>` when the calls chain. Groups are named as in SUMMARY.h5
/// with characters outside [A-Za-z0-9_.-] replaced by '_' ("target=M" -> "target_M"). Draws on
/// offscreen plots: GUI thread only. Every file goes to a temporary name first.
class SummaryImages
{
public:
    /// `workspace` names the model and its data (for labels); throws OutputError when the
    /// directory cannot be created.
    SummaryImages(Workspace workspace, ReportOptions options, HeadSet heads);
    ~SummaryImages();

    /// Images write() makes for `summary`.
    std::int64_t imageCount(const DatasetSummary &summary) const;
    /// Writes them; `progress(done, total)` after each. Throws OutputError naming a file that
    /// could not be written.
    void write(const std::shared_ptr<const DatasetSummary> &summary,
        const std::function<void(std::int64_t, std::int64_t)> &progress);

private:
    void save(QCustomPlot *plot, const QString &name, const ImageMetadata &metadata);

    Workspace m_workspace;
    ReportOptions m_options;
    HeadSet m_heads;
    std::unique_ptr<QCustomPlot> m_mapPlot;
    std::unique_ptr<HeatmapFigure> m_map;
    std::unique_ptr<QCustomPlot> m_barPlot;
    std::unique_ptr<BarFigure> m_bars;
};

} // namespace attnlens
