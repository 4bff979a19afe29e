// Flat attention is not drawn as a pattern without saying so: the colour bar marks the uniform
// weight 1/T_key and gives the mean normalised row entropy, with "nearly uniform" when the values
// span under 5 % of their mean. And the figure's layout depends only on the labels it shows now:
// after a long-labelled matrix a short-labelled one gets the margins a fresh figure gives it,
// on screen and in an export at another size.
#include <cmath>

#include <QTest>
#include <qcustomplot.h>

#include "ui/head_matrix.h"
#include "ui/heatmap_figure.h"
#include "ui/image_export.h"

using namespace attnlens;

namespace {

// 20 keys (uniform 0.05); rows sum to 1, values within 0.04985 .. 0.0501.
std::vector<float> flatHead(int queries)
{
    std::vector<float> values;
    for (int q = 0; q < queries; ++q) {
        std::vector<float> row(20, 0.05f);
        row[std::size_t(q % 20)] = 0.0501f;
        row[std::size_t((q + 7) % 20)] = 0.04985f;
        row[std::size_t((q + 11) % 20)] = 0.05005f;
        values.insert(values.end(), row.begin(), row.end());
    }
    return values;
}

QMap<double, QString> ticksOf(QCPAxis *axis)
{
    auto text = axis->ticker().dynamicCast<QCPAxisTickerText>();
    return text ? text->ticks() : QMap<double, QString>();
}

QStringList labels(const QString &format, int count)
{
    QStringList list;
    for (int i = 0; i < count; ++i)
        list << format.arg(count - 1 - i);
    return list;
}

} // namespace

class TestAttentionSpread : public QObject
{
    Q_OBJECT
private slots:
    void flatHeadIsNearlyUniform();
    void oneKeyRowsHaveEntropyZero();
    void maskedRowsAreLeftOut();
    void colourBarMarksUniformAndSaysNearlyUniform();
    void sharpHeadIsNotCalledUniform();
    void shortLabelsAfterLongOnesGetAFreshLayout();
    void exportAtAnotherSizeIsLaidOutForIt();
};

void TestAttentionSpread::flatHeadIsNearlyUniform()
{
    const std::vector<float> values = flatHead(20);
    const AttentionSpread spread = attentionSpread(values.data(), 20, 20);
    QCOMPARE(spread.uniform, 0.05);
    QVERIFY(spread.nearlyUniform);
    QVERIFY2(spread.entropy > 0.9999 && spread.entropy <= 1.0,
        qPrintable(QString::number(spread.entropy)));
}

void TestAttentionSpread::oneKeyRowsHaveEntropyZero()
{
    // Each row on one key: entropy 0. Half on one key, half on another: log 2 / log 4 = 0.5.
    const float oneHot[] = {1, 0, 0, 0, 0, 1, 0, 0};
    AttentionSpread spread = attentionSpread(oneHot, 2, 4);
    QCOMPARE(spread.entropy, 0.0);
    QCOMPARE(spread.uniform, 0.25);
    QVERIFY(!spread.nearlyUniform);
    const float halves[] = {0.5f, 0.5f, 0, 0};
    spread = attentionSpread(halves, 1, 4);
    QVERIFY(std::abs(spread.entropy - 0.5) < 1e-6);
    // Rows that do not sum to 1 (max over heads) are normalised first: the same 0.5.
    const float scaled[] = {0.25f, 0.25f, 0, 0};
    QVERIFY(std::abs(attentionSpread(scaled, 1, 4).entropy - 0.5) < 1e-6);
    // One key: nothing to compare, no entropy.
    const float single[] = {1, 1};
    QCOMPARE(attentionSpread(single, 2, 1).entropy, -1.0);
}

void TestAttentionSpread::maskedRowsAreLeftOut()
{
    // A fully masked row (all 0) is no row of attention: the mean is over the uniform row alone.
    const float values[] = {0.25f, 0.25f, 0.25f, 0.25f, 0, 0, 0, 0};
    const AttentionSpread spread = attentionSpread(values, 2, 4);
    QVERIFY(std::abs(spread.entropy - 1.0) < 1e-6);
    QVERIFY(!spread.nearlyUniform); // 0 .. 0.25 around a mean of 0.125
}

void TestAttentionSpread::colourBarMarksUniformAndSaysNearlyUniform()
{
    QCustomPlot plot;
    plot.setViewport(QRect(0, 0, 800, 600));
    HeatmapFigure figure(&plot);
    figure.setColorMap("grey");
    const std::vector<float> values = flatHead(20);
    figure.setMatrix(values.data(), 20, 20); // range per head: 0.04985 .. 0.0501
    QCOMPARE(figure.valueRange(), QCPRange(0.04985f, 0.0501f));

    QCPAxis *mark = figure.spreadAxis();
    QCOMPARE(ticksOf(mark).size(), 1);
    QCOMPARE(ticksOf(mark).firstKey(), 0.05);
    QCOMPARE(ticksOf(mark).first(), QStringLiteral("uniform"));
    QCOMPARE(mark->range(), figure.colorScale()->axis()->range());
    QCOMPARE(mark->label(), QStringLiteral("entropy 1.00 (1 = uniform) · nearly uniform"));

    // Drawn: a dark line across the grey bar at 0.05 (mid-grey there), the bar plain elsewhere.
    const QImage image = imageexport::render(&plot, QSize(800, 600), 96);
    QCPAxis *scaleAxis = figure.colorScale()->axis();
    const QRect bar = scaleAxis->axisRect()->rect();
    const int y = int(std::lround(scaleAxis->coordToPixel(0.05)));
    const int x = bar.center().x();
    QVERIFY2(qGray(image.pixel(x, y)) < 40, qPrintable(QString::number(qGray(image.pixel(x, y)))));
    QVERIFY(qGray(image.pixel(x, y - 8)) > 60);
    QVERIFY(qGray(image.pixel(x, y + 8)) > 60);
    // The tick sticks out left of the bar too, onto the white margin.
    QVERIFY(qGray(image.pixel(bar.left() - 3, y)) < 40);
    QVERIFY(qGray(image.pixel(bar.left() - 3, y - 8)) > 200);

    // With a fixed 0..1 range the mark moves with the scale.
    figure.setValueRange(0.0, 1.0);
    QCOMPARE(mark->range(), QCPRange(0.0, 1.0));
    QCOMPARE(ticksOf(mark).firstKey(), 0.05);
}

void TestAttentionSpread::sharpHeadIsNotCalledUniform()
{
    QCustomPlot plot;
    plot.setViewport(QRect(0, 0, 800, 600));
    HeatmapFigure figure(&plot);
    const float values[] = {0.97f, 0.01f, 0.01f, 0.01f, 0.01f, 0.97f, 0.01f, 0.01f};
    figure.setMatrix(values, 2, 4);
    QCOMPARE(ticksOf(figure.spreadAxis()).firstKey(), 0.25);
    const QString label = figure.spreadAxis()->label();
    QVERIFY2(
        label.startsWith("entropy 0.12") && !label.contains("nearly uniform"), qPrintable(label));
    // A 1 x 1 map (one key) gets no mark and no note.
    const float one[] = {1.0f};
    figure.setMatrix(one, 1, 1);
    QVERIFY(ticksOf(figure.spreadAxis()).isEmpty());
    QVERIFY(figure.spreadAxis()->label().isEmpty());
}

void TestAttentionSpread::shortLabelsAfterLongOnesGetAFreshLayout()
{
    const QStringList longNames = labels("mean concave points %1", 30);
    const QStringList steps = labels("t-%1", 48);
    const std::vector<float> demo(30 * 30, 1.0f / 30);
    std::vector<float> series(48 * 48, 1.0f / 48);
    series[5] = 0.5f;

    QCustomPlot fresh;
    fresh.setViewport(QRect(0, 0, 1100, 800));
    HeatmapFigure freshFigure(&fresh);
    freshFigure.setLabels(steps, steps);
    freshFigure.setMatrix(series.data(), 48, 48);
    fresh.replot();
    QCPAxisRect *freshRect = freshFigure.colorMap()->keyAxis()->axisRect();

    QCustomPlot reused;
    reused.setViewport(QRect(0, 0, 1100, 800));
    HeatmapFigure figure(&reused);
    figure.setLabels(longNames, longNames);
    figure.setMatrix(demo.data(), 30, 30);
    reused.replot();
    QCPAxisRect *rect = figure.colorMap()->keyAxis()->axisRect();
    QVERIFY(rect->margins().bottom() > freshRect->margins().bottom() + 40); // long names take room
    figure.setLabels(steps, steps);
    figure.setMatrix(series.data(), 48, 48);
    reused.replot();
    QCOMPARE(rect->margins(), freshRect->margins());
    QCOMPARE(rect->rect(), freshRect->rect());
    QCOMPARE(figure.colorScale()->axis()->axisRect()->rect().bottom(), rect->rect().bottom());
    // The export of both is the same picture: no blank band left by the long labels.
    QCOMPARE(imageexport::render(&reused, QSize(800, 600), 96),
        imageexport::render(&fresh, QSize(800, 600), 96));
}

void TestAttentionSpread::exportAtAnotherSizeIsLaidOutForIt()
{
    // Laid out for a wide screen, every label fits; an export half as wide thins them, as a
    // figure made at that size does.
    const QStringList steps = labels("t-%1", 48);
    std::vector<float> series(48 * 48, 1.0f / 48);
    QCustomPlot screen;
    screen.setViewport(QRect(0, 0, 1600, 1000));
    HeatmapFigure figure(&screen);
    figure.setLabels(steps, steps);
    figure.setMatrix(series.data(), 48, 48);
    screen.replot();
    const int screenStep = figure.queryTickStep();

    QCustomPlot small;
    small.setViewport(QRect(0, 0, 500, 400));
    HeatmapFigure smallFigure(&small);
    smallFigure.setLabels(steps, steps);
    smallFigure.setMatrix(series.data(), 48, 48);
    small.replot();
    QVERIFY(smallFigure.queryTickStep() > screenStep);

    const QImage exported = imageexport::render(&screen, QSize(500, 400), 96);
    QCOMPARE(figure.queryTickStep(), smallFigure.queryTickStep());
    QCOMPARE(exported, imageexport::render(&small, QSize(500, 400), 96));
}

QTEST_MAIN(TestAttentionSpread)
#include "tst_attention_spread.moc"
