// Times what the desktop app does when the user switches head or sample (inference excluded):
// the head matrix from cached scores, its colour range, filling the QCPColorMap, tick labels and
// a synchronous replot of the heatmap; and, per sample, the head-list and overview thumbnails.
// Also the time from opening the bundled demo to its first heatmap. Prints a table for
// ui/README.md. Runs on the offscreen platform unless QT_QPA_PLATFORM says otherwise.
//   ./build/<dir>/bench/bench_heatmap_view [repeats]
#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include <QApplication>
#include <QElapsedTimer>
#include <qcustomplot.h>

#include "ui/attention_presenter.h"
#include "ui/head_matrix.h"
#include "ui/heatmap_figure.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"

#include "resources/demo_files.h"

using namespace attnlens;

namespace {

// (heads, n, n) of random softmax rows.
Tensor randomScores(int heads, int n)
{
    std::mt19937 random(42);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    Tensor scores({heads, n, n});
    float *p = scores.data();
    for (std::int64_t row = 0; row < std::int64_t(heads) * n; ++row, p += n) {
        float sum = 0.0f;
        for (int k = 0; k < n; ++k)
            sum += (p[k] = uniform(random));
        for (int k = 0; k < n; ++k)
            p[k] /= sum;
    }
    return scores;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double milliseconds(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("AttnLensBench"));
    const int repeats = argc > 1 ? std::max(3, atoi(argv[1])) : 15;

    // 1. Demo: open to first heatmap (model load + data load + attention of row 0).
    {
        QElapsedTimer timer;
        timer.start();
        const DemoFiles demo = extractDemoFiles();
        MainWindow window;
        window.resize(1600, 1000);
        window.show();
        window.open(demo.model, QString(), {demo.data});
        while (window.heatmapView()->isShowingMessage() || window.sampleScores().sample != 0)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        window.heatmapView()->plot()->replot(QCustomPlot::rpImmediateRefresh);
        std::printf("demo: window constructed and first 30x30 heatmap drawn in %.0f ms\n",
            milliseconds(timer));
    }

    std::printf("\n%-10s %6s %17s %9s %9s %9s %16s %20s\n", "map", "heads", "head switch (ms)",
        "matrix", "fill", "replot", "thumbnails (ms)", "fillColorMap alone");
    HeatmapView view;
    view.resize(1200, 900);
    view.show();
    QCoreApplication::processEvents();
    QStringList labels;
    for (int n : {30, 512, 2048}) {
        const int heads = 8;
        const Tensor scores = randomScores(heads, n);
        labels.clear();
        for (int i = 0; i < n; ++i)
            labels << QStringLiteral("token_%1").arg(i);
        view.setLabels(labels, labels, QStringLiteral("key"), QStringLiteral("query"));
        std::vector<double> total;
        std::vector<double> replot;
        std::vector<double> compute;
        std::vector<double> fill;
        for (int r = 0; r < repeats; ++r) {
            const HeadChoice choice {HeadChoice::Kind::Head, r % heads};
            QElapsedTimer timer;
            timer.start();
            RowMatrix matrix = headMatrix(scores, choice);
            const auto range = valueRange(matrix, scores, RangeMode::PerHead);
            compute.push_back(milliseconds(timer));
            QElapsedTimer filling;
            filling.start();
            view.setValueRange(range.first, range.second);
            view.showMatrix(std::move(matrix), QStringLiteral("bench — head %1").arg(choice.head));
            fill.push_back(milliseconds(filling));
            QElapsedTimer draw;
            draw.start();
            view.plot()->replot(QCustomPlot::rpImmediateRefresh);
            replot.push_back(milliseconds(draw));
            total.push_back(milliseconds(timer));
        }
        std::vector<double> pureFill;
        QCPColorMapData scratch(1, 1, QCPRange(0, 1), QCPRange(0, 1));
        for (int r = 0; r < repeats; ++r) {
            QElapsedTimer timer;
            timer.start();
            fillColorMap(scratch, scores.data() + std::int64_t(r % heads) * n * n, n, n);
            pureFill.push_back(milliseconds(timer));
        }
        std::vector<double> thumbs;
        for (int r = 0; r < std::max(3, repeats / 3); ++r) {
            QElapsedTimer timer;
            timer.start();
            const auto small = presenter::headThumbnails(
                scores, QStringLiteral("viridis"), RangeMode::PerHead, 56);
            const auto big = presenter::headThumbnails(
                scores, QStringLiteral("viridis"), RangeMode::PerHead, 72);
            thumbs.push_back(milliseconds(timer));
        }
        std::printf("%4dx%-5d %6d %17.1f %9.1f %9.1f %9.1f %16.1f %20.1f\n", n, n, heads,
            median(total), median(compute), median(fill), median(replot), median(thumbs),
            median(pureFill));
    }
    return 0;
}
