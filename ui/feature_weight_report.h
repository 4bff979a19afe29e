#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <QSize>
#include <QString>

#include "ui/image_export.h"
#include "ui/workspace.h"

class QCustomPlot;

namespace attnlens {

/// How `attnlens-cli export` writes feature-weight charts.
struct WeightsReportOptions
{
    QString directory; ///< must exist
    ImageFormat format = ImageFormat::Png;
    QSize size {800, 600};
    int dpi = 96;
    bool csv = false; ///< also the bars' values, one .csv beside each image
};

/// Writes one bar chart (BarFigure, layer order) per sample and set of feature weights
/// chosen (Model::featureWeightLayers()), named exportnaming::fileName(WeightsName):
/// `r<row>_W<set>-<key>.<format>`; a set that is the same for every sample is written once,
/// `W<set>-<key>.<format>`. The samples run through the model in chunks of 64 without capturing
/// attention. GUI thread only (it draws on an offscreen QCustomPlot). Every file goes to a
/// temporary name first (imageexport).
class BarFigure;

class FeatureWeightReport
{
public:
    /// `sets`: indices into Model::featureWeightLayers(). Creates the directory; throws
    /// OutputError when it cannot.
    FeatureWeightReport(Workspace workspace, WeightsReportOptions options, std::vector<int> sets);
    ~FeatureWeightReport();

    /// Charts write() makes for `samples` (0 when the model computes no feature weights).
    std::int64_t chartCount(const std::vector<std::int64_t> &samples) const;
    /// Writes them; `progress(done, total)` after each chart, false stops. Throws OutputError
    /// naming the file that could not be written, and what Model::run throws.
    void write(const std::vector<std::int64_t> &samples,
        const std::function<bool(std::int64_t, std::int64_t)> &progress);

private:
    void writeChart(const SampleAttention &scores, int set);

    Workspace m_workspace;
    WeightsReportOptions m_options;
    std::vector<int> m_sets;
    std::unique_ptr<QCustomPlot> m_plot; ///< offscreen, reused for every chart
    std::unique_ptr<BarFigure> m_figure;
};

} // namespace attnlens
