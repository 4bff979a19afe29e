// Times what the open probe (ui/open_probe.h, issue 15) adds to opening a file in the desktop
// app: JobRunner::load of MODEL [DATA] until loaded(), without a probe and with the app's own
// probe (`attnlens --open-probe`), 11 times each, alternating; also the probe child alone.
//   ./build/<dir>/bench/bench_open_probe PATH_TO_attnlens MODEL [DATA]
// The last line is "open probe: +<median ms> ms (<without> -> <with> ms)".
#include <algorithm>
#include <cstdio>
#include <vector>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>

#include "ui/job_runner.h"
#include "ui/open_probe.h"

using namespace attnlens;

namespace {

constexpr int kRuns = 11;

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

/// Milliseconds from load() to loaded(); negative when the load failed.
double timeLoad(const OpenProbe &probe, const QString &model, const QStringList &data)
{
    JobRunner runner;
    runner.setOpenProbe(probe);
    QSignalSpy loaded(&runner, &JobRunner::loaded);
    QElapsedTimer clock;
    clock.start();
    if (!runner.load(model, QString(), data, {}) || !loaded.wait(120000))
        return -1;
    return double(clock.nsecsElapsed()) / 1e6;
}

double timeChild(const OpenProbe &probe, const QString &model, const QStringList &data)
{
    QElapsedTimer clock;
    clock.start();
    probe.check(OpenRequest {model, QString(), data, {}, {}}, {});
    return double(clock.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_open_probe PATH_TO_attnlens MODEL [DATA]\n");
        return 1;
    }
    const OpenProbe probe(QString::fromLocal8Bit(argv[1]));
    const QString model = QString::fromLocal8Bit(argv[2]);
    QStringList data;
    if (argc > 3)
        data.append(QString::fromLocal8Bit(argv[3]));
    std::vector<double> without, with, child;
    timeLoad(OpenProbe(), model, data); // warm the page cache
    for (int i = 0; i < kRuns; ++i) {
        without.push_back(timeLoad(OpenProbe(), model, data));
        with.push_back(timeLoad(probe, model, data));
        child.push_back(timeChild(probe, model, data));
    }
    if (*std::min_element(without.begin(), without.end()) < 0
        || *std::min_element(with.begin(), with.end()) < 0) {
        std::fprintf(stderr, "bench_open_probe: a load failed\n");
        return 1;
    }
    std::printf("load without probe: median %.1f ms\n", median(without));
    std::printf("load with probe:    median %.1f ms\n", median(with));
    std::printf("probe child alone:  median %.1f ms\n", median(child));
    std::printf("open probe: +%.1f ms (%.1f -> %.1f ms)\n", median(with) - median(without),
        median(without), median(with));
    return 0;
}
