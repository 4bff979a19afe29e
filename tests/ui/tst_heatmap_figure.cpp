#include <QElapsedTimer>
#include <QTest>
#include <qcustomplot.h>

#include "ui/color_maps.h"
#include "ui/heatmap_figure.h"
#include "ui/image_export.h"

using namespace attnlens;

class TestHeatmapFigure : public QObject
{
    Q_OBJECT

private:
    static QMap<double, QString> ticksOf(QCPAxis *axis)
    {
        auto text = axis->ticker().dynamicCast<QCPAxisTickerText>();
        return text ? text->ticks() : QMap<double, QString>();
    }

private slots:
    void fillColorMapPutsQueryRowsOnTheValueAxis()
    {
        // 2 queries x 3 keys: values[q * 3 + k] must land in cell (key k, query q).
        const float values[] = {0.f, 1.f, 2.f, 10.f, 11.f, 12.f};
        QCPColorMapData data(1, 1, QCPRange(0, 1), QCPRange(0, 1));
        fillColorMap(data, values, 2, 3);
        QCOMPARE(data.keySize(), 3);
        QCOMPARE(data.valueSize(), 2);
        QCOMPARE(data.keyRange(), QCPRange(0, 2));
        QCOMPARE(data.valueRange(), QCPRange(0, 1));
        for (int q = 0; q < 2; ++q)
            for (int k = 0; k < 3; ++k)
                QCOMPARE(data.cell(k, q), double(values[q * 3 + k]));
        QCOMPARE(data.dataBounds(), QCPRange(0, 12));
    }

    void figureShowsLabelsAndFirstQueryAtTheTop()
    {
        QCustomPlot plot;
        plot.setViewport(QRect(0, 0, 800, 600));
        HeatmapFigure figure(&plot);
        figure.setLabels({"a", "b", "c"}, {"q0", "q1"});
        const float values[] = {0.f, 1.f, 2.f, 3.f, 4.f, 5.f};
        figure.setMatrix(values, 2, 3);
        QCPAxis *keyAxis = figure.colorMap()->keyAxis();
        QCPAxis *queryAxis = figure.colorMap()->valueAxis();
        QCOMPARE(keyAxis->axisType(), QCPAxis::atBottom);
        QCOMPARE(queryAxis->axisType(), QCPAxis::atLeft);
        QVERIFY(queryAxis->rangeReversed());
        QCOMPARE(keyAxis->range(), QCPRange(-0.5, 2.5));
        QCOMPARE(queryAxis->range(), QCPRange(-0.5, 1.5));
        QCOMPARE(ticksOf(keyAxis).value(0.0), QString("a"));
        QCOMPARE(ticksOf(keyAxis).value(2.0), QString("c"));
        QCOMPARE(ticksOf(queryAxis).value(1.0), QString("q1"));
        QCOMPARE(ticksOf(keyAxis).size(), 3);
        QCOMPARE(keyAxis->label(), QString("key"));
        QCOMPARE(queryAxis->label(), QString("query"));
        QCOMPARE(figure.colorScale()->axis()->label(), QString("attention weight"));
        QVERIFY(!figure.colorMap()->interpolate());
        QCOMPARE(figure.valueRange(), QCPRange(0, 5)); // automatic: the matrix's min..max
        figure.setValueRange(0, 1);
        figure.setMatrix(values, 2, 3);
        QCOMPARE(figure.valueRange(), QCPRange(0, 1));
    }

    void renderedCellsHaveTheirColours()
    {
        // grey map, range 0..1: cell value 0 is black, 1 is white. First query is the top row.
        QCustomPlot plot;
        plot.setViewport(QRect(0, 0, 400, 300));
        HeatmapFigure figure(&plot);
        figure.setColorMap("grey");
        figure.setValueRange(0, 1);
        const float values[] = {0.f, 1.f, 1.f, 0.f}; // q0: (0, 1), q1: (1, 0)
        figure.setMatrix(values, 2, 2);
        figure.setTitle("test");
        const QImage image = imageexport::render(&plot, QSize(400, 300), 96);
        auto pixel = [&](double key, double query) {
            const int x = int(figure.colorMap()->keyAxis()->coordToPixel(key));
            const int y = int(figure.colorMap()->valueAxis()->coordToPixel(query));
            return QColor(image.pixel(x, y));
        };
        QVERIFY(figure.colorMap()->valueAxis()->coordToPixel(0)
            < figure.colorMap()->valueAxis()->coordToPixel(1));
        QCOMPARE(pixel(0, 0), QColor(Qt::black));
        QCOMPARE(pixel(1, 0), QColor(Qt::white));
        QCOMPARE(pixel(0, 1), QColor(Qt::white));
        QCOMPARE(pixel(1, 1), QColor(Qt::black));
    }

    void crowdedLabelsAreThinnedAndRotatedUntilZoomed()
    {
        QCustomPlot plot;
        // Wide enough that two cells of the map hold a flat label beside the colour bar's notes.
        plot.setViewport(QRect(0, 0, 600, 400));
        HeatmapFigure figure(&plot);
        QStringList labels;
        for (int i = 0; i < 200; ++i)
            labels << QString("feature_number_%1").arg(i);
        std::vector<float> values(200 * 200, 0.5f);
        figure.setLabels(labels, labels);
        figure.setMatrix(values.data(), 200, 200);
        QVERIFY(figure.keyTickStep() > 1);
        QVERIFY(figure.queryTickStep() > 1);
        QCOMPARE(figure.colorMap()->keyAxis()->tickLabelRotation(), 90.0);
        const auto thinned = ticksOf(figure.colorMap()->keyAxis());
        QVERIFY(thinned.size() < 200);
        // Counted back from the last label, which is always shown (t0 of a time series).
        QCOMPARE(thinned.value(199.0), labels.at(199));
        const int step = figure.keyTickStep();
        QCOMPARE(thinned.value(double(199 - step)), labels.at(199 - step));
        QVERIFY(!thinned.contains(double(199 - 1)));

        figure.colorMap()->keyAxis()->setRange(10.5, 12.5); // 2 cells: every label fits flat
        figure.colorMap()->valueAxis()->setRange(9.5, 13.5);
        figure.recomputeTicks();
        QCOMPARE(figure.keyTickStep(), 1);
        QCOMPARE(figure.queryTickStep(), 1);
        QCOMPARE(ticksOf(figure.colorMap()->keyAxis()).value(11.0), QString("feature_number_11"));
        QCOMPARE(figure.colorMap()->keyAxis()->tickLabelRotation(), 0.0);

        // Labels before any matrix, or a view panned past the last cell: no tick, no crash.
        HeatmapFigure empty(&plot);
        empty.setLabels(labels, labels);
        QVERIFY(ticksOf(empty.colorMap()->keyAxis()).isEmpty());
    }

    // A zoomed export's title ends in a crop note with no " — " inside; in a 640-pixel-wide
    // image it was drawn as one line cut off at both edges. Every line now fits, and the lines
    // put together are the title, word for word.
    void longTitlePartsBreakBetweenWords()
    {
        QCustomPlot plot;
        plot.setViewport(QRect(0, 0, 640, 480));
        HeatmapFigure figure(&plot);
        const float values[] = {0.f, 1.f, 2.f, 3.f};
        figure.setMatrix(values, 2, 2);
        const QString title = QStringLiteral(
            "breast_cancer_attention.keras — feature_attention — head 0 — sample 0 · target "
            "malignant · predicted malignant 1.000 — crop: keys 2–5 of 30 (mean_perimeter to "
            "mean_compactness), queries 0–9 of 30 (mean_radius to mean_fractal_dimension)");
        figure.setTitle(title);
        plot.replot();
        const auto *element = qobject_cast<QCPTextElement *>(plot.plotLayout()->element(0, 0));
        QVERIFY(element != nullptr);
        const QFontMetrics metrics(element->font());
        const QStringList lines = figure.shownTitle().split(QLatin1Char('\n'));
        QVERIFY2(lines.size() >= 4, qPrintable(figure.shownTitle()));
        for (const QString &line : lines)
            QVERIFY2(metrics.horizontalAdvance(line) <= 640 - 16, qPrintable(line));
        QCOMPARE(lines.join(QLatin1Char(' ')), title);
        // It spans the whole image, colour scale included, not only the map's column.
        QCOMPARE(element->outerRect().width(), 640);
        QCOMPARE(figure.title(), title);
        // Wide enough for it, the same title keeps its " — " breaks only.
        plot.setViewport(QRect(0, 0, 1200, 800));
        plot.replot();
        QVERIFY2(figure.shownTitle().count(QLatin1Char('\n')) == 1
                && figure.shownTitle().contains(QStringLiteral(" —\ncrop: ")),
            qPrintable(figure.shownTitle()));
    }

    void colorMapsAreMatplotlibs()
    {
        const QStringList names = colormaps::names();
        for (const char *name :
            {"viridis", "magma", "cividis", "inferno", "grey", "thermal", "polar", "hot", "cold"})
            QVERIFY2(names.contains(name), name);
        QCOMPARE(names.first(), QString("viridis"));
        // matplotlib viridis(0) = (0.267004, 0.004874, 0.329415), viridis(1) = (0.993248, 0.906157,
        // 0.143936)
        QCOMPARE(colormaps::colorAt("viridis", 0.0), QColor(68, 1, 84));
        QCOMPARE(colormaps::colorAt("viridis", 1.0), QColor(253, 231, 37));
        // magma(1) = (0.987053, 0.991438, 0.749504); cividis(0) = (0, 0.135112, 0.304751)
        QCOMPARE(colormaps::colorAt("magma", 1.0), QColor(252, 253, 191));
        QCOMPARE(colormaps::colorAt("cividis", 0.0), QColor(0, 34, 78));
        QCOMPARE(colormaps::colorAt("grey", 0.0), QColor(Qt::black));
        QVERIFY(!colormaps::isKnown("nonsense"));
    }

    void largeMatrixFillsAndReplotsQuickly()
    {
        QCustomPlot plot;
        plot.resize(800, 600);
        plot.setViewport(QRect(0, 0, 800, 600));
        HeatmapFigure figure(&plot);
        const int n = 2048;
        std::vector<float> values(std::size_t(n) * n);
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = float(i % 977) / 977.f;
        figure.setMatrix(values.data(), n, n); // warm-up: allocates the cells
        QElapsedTimer timer;
        timer.start();
        figure.setMatrix(values.data(), n, n);
        const qint64 fillMs = timer.elapsed();
        imageexport::render(&plot, QSize(800, 600), 96);
        const qint64 totalMs = timer.elapsed();
        qInfo("2048x2048: fill %lld ms, fill + render %lld ms", fillMs, totalMs);
        QVERIFY2(totalMs < 500, "far slower than the 50 ms target"); // loose: shared CI machines
    }
};

QTEST_MAIN(TestHeatmapFigure)
#include "tst_heatmap_figure.moc"
