// Times what the desktop app does when the user steps to the next sample: the sample's attention
// (every attention call, computed in the background), then the head thumbnails, the overview and
// the heatmap, until the new heatmap is drawn. 20 steps in the real MainWindow; also one forward
// pass of batch 1 with every attention call captured, the floor a step cannot beat, and the
// engine work of the old step (Model::attentionForSample once per attention call). Then Down held:
// a press every 33 ms (keyboard auto-repeat) for 3 s, and what the window draws meanwhile.
//   ./build/<dir>/bench/bench_sample_step MODEL [DATA]
// Without DATA, 91 samples of uniform random values in the model's (fixed) input shape are
// written to a temporary .npy. The last line is "sample step: <median ms> ms".
// Runs on the offscreen platform unless QT_QPA_PLATFORM says otherwise.
#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>
#include <qcustomplot.h>

#include "core/runtime/model.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"

using namespace attnlens;

namespace {

constexpr int kSteps = 20;
constexpr int kHeldPresses = 90;    // Down held for 3 s
constexpr int kRepeatInterval = 33; // ms between auto-repeated presses

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double milliseconds(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

// A little-endian float32 C-order .npy of `shape`, uniform values in [0, 1). False on failure.
bool writeRandomNpy(const QString &path, const Shape &shape)
{
    QByteArray dims;
    std::int64_t count = 1;
    for (const std::int64_t d : shape) {
        dims += QByteArray::number(qlonglong(d)) + ", ";
        count *= d;
    }
    QByteArray header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::vector<float> values(static_cast<std::size_t>(count));
    std::mt19937 random(7);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    for (float &v : values)
        v = uniform(random);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    const auto headerLength = static_cast<quint16>(header.size());
    file.write("\x93NUMPY\x01\x00", 8);
    file.write(reinterpret_cast<const char *>(&headerLength), 2);
    file.write(header);
    file.write(
        reinterpret_cast<const char *>(values.data()), qint64(values.size() * sizeof(float)));
    return file.error() == QFile::NoError;
}

// Processes events until `done` holds; false after 120 s. It sleeps until the next event rather
// than polling: a polling loop would take one of the 2 cores from the engine's OpenMP threads.
template <typename Done>
bool waitFor(Done done)
{
    QElapsedTimer timer;
    timer.start();
    QTimer tick; // wakes the wait now and then, so the timeout is checked
    tick.start(100);
    while (!done()) {
        if (timer.elapsed() > 120000)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

struct HeldDown
{
    int drawn = 0;            ///< samples drawn while the key was held, the last one excluded
    double medianGap = 0.0;   ///< ms between two samples drawn
    double longestGap = 0.0;  ///< ms, the first drawing counted from the first press
    double afterRelease = -1; ///< ms from the last press to the last sample drawn
};

// From sample 0, selects the next sample every kRepeatInterval ms, kHeldPresses times, as
// auto-repeat does while Down is held, and times every new sample the heatmap draws.
HeldDown holdDown(MainWindow &window)
{
    window.selectSample(0);
    waitFor([&] { return window.sampleScores().sample == 0 && !window.isBusy(); });
    QElapsedTimer clock;
    std::vector<double> drawnAt; // ms since the first press, per new sample drawn
    int lastDrawn = 0;
    const QMetaObject::Connection connection
        = QObject::connect(&window, &MainWindow::viewUpdated, &window, [&] {
              if (window.shownSample() != lastDrawn) {
                  lastDrawn = window.shownSample();
                  drawnAt.push_back(milliseconds(clock));
              }
          });
    int pressed = 0;
    double lastPress = 0.0;
    QTimer repeat;
    QObject::connect(&repeat, &QTimer::timeout, &window, [&] {
        window.selectSample(++pressed);
        lastPress = milliseconds(clock);
        if (pressed == kHeldPresses)
            repeat.stop();
    });
    clock.start();
    repeat.start(kRepeatInterval);
    window.selectSample(++pressed); // the first press, at once
    waitFor(
        [&] { return pressed == kHeldPresses && lastDrawn == kHeldPresses && !window.isBusy(); });
    QObject::disconnect(connection);
    HeldDown held;
    if (drawnAt.empty())
        return held;
    held.drawn = static_cast<int>(drawnAt.size()) - 1;
    held.afterRelease = drawnAt.back() - lastPress;
    std::vector<double> gaps;
    double previous = 0.0;
    for (const double at : drawnAt) {
        gaps.push_back(at - previous);
        previous = at;
    }
    if (gaps.size() < 3) // nothing drawn on the way
        return held;
    held.medianGap = median(std::vector<double>(gaps.begin() + 1, gaps.end() - 1));
    held.longestGap = *std::max_element(gaps.begin(), gaps.end() - 1);
    return held;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("AttnLensBench"));
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_sample_step MODEL [DATA]\n");
        return 2;
    }
    const QString modelFile = QString::fromLocal8Bit(argv[1]);
    QTemporaryDir scratch;
    QString dataFile = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QString();
    const std::shared_ptr<const Model> model = Model::open(modelFile.toStdString());
    if (dataFile.isEmpty()) {
        Shape shape = model->inputs().front().shape;
        shape.front() = kHeldPresses + 1;
        if (model->inputs().size() != 1
            || std::any_of(shape.begin(), shape.end(), [](std::int64_t d) { return d < 0; })) {
            std::fprintf(stderr, "give DATA: the model has free lengths or several inputs\n");
            return 2;
        }
        dataFile = scratch.filePath(QStringLiteral("random.npy"));
        if (!writeRandomNpy(dataFile, shape)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(dataFile));
            return 2;
        }
    }

    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    window.open(modelFile, QString(), {dataFile});
    const auto shows = [&](int sample) {
        return !window.isBusy() && window.sampleScores().sample == sample
            && !window.heatmapView()->isShowingMessage();
    };
    if (!waitFor([&] { return shows(0); })) {
        std::fprintf(stderr, "the first sample did not show: %s\n", qPrintable(window.lastError()));
        return 1;
    }
    const Workspace &workspace = window.workspace();
    if (workspace.dataset->sampleCount() <= kHeldPresses) {
        std::fprintf(stderr, "DATA needs more than %d samples\n", kHeldPresses);
        return 2;
    }

    // The floor: one forward pass of one sample capturing every attention call.
    std::vector<double> forward;
    for (int r = 0; r < 5; ++r) {
        RunOptions options;
        options.batchSize = 1;
        QElapsedTimer timer;
        timer.start();
        (void)workspace.model->run({workspace.dataset->inputs.front().sample(r)}, options);
        forward.push_back(milliseconds(timer));
    }

    // What a sample step computed before Model::runSample: one pass per attention call.
    std::vector<double> perCall;
    for (int r = 0; r < 3; ++r) {
        QElapsedTimer timer;
        timer.start();
        for (const AttentionLayerInfo &call : workspace.model->attentionLayers())
            (void)workspace.model->attentionForSample(workspace.dataset->inputs, r, call.key);
        perCall.push_back(milliseconds(timer));
    }

    std::vector<double> steps;
    for (int sample = 1; sample <= kSteps; ++sample) {
        QElapsedTimer timer;
        timer.start();
        window.selectSample(sample);
        if (!waitFor([&] { return window.sampleScores().sample == sample && !window.isBusy(); })) {
            std::fprintf(stderr, "sample %d did not show\n", sample);
            return 1;
        }
        window.heatmapView()->plot()->replot(QCustomPlot::rpImmediateRefresh);
        steps.push_back(milliseconds(timer));
    }
    const HeldDown held = holdDown(window);
    std::printf("model: %s, %zu attention calls\n", qPrintable(modelFile),
        workspace.model->attentionLayers().size());
    std::printf(
        "one forward pass, batch 1, attention captured: %.1f ms (median of 5)\n", median(forward));
    std::printf("old per-call loop (one pass per attention call): %.1f ms (median of 3)\n",
        median(perCall));
    std::printf("sample step / forward pass: %.2f\n", median(steps) / median(forward));
    std::printf("Down held (%d presses, one every %d ms): %d samples drawn on the way, %.1f ms "
                "between them (median; longest %.1f ms); last sample drawn %.1f ms after the last "
                "press\n",
        kHeldPresses, kRepeatInterval, held.drawn, held.medianGap, held.longestGap,
        held.afterRelease);
    std::printf("sample step: %.1f ms\n", median(steps));
    return 0;
}
