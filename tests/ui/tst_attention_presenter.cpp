// presenter:: on hand-made inputs: axis text for each axis origin, head thumbnails (by head, mean,
// max: the colour of every cell), and the heatmap content (matrix, range, title) of a sample.
#include <QTest>

#include "core/data/dataset.h"
#include "core/runtime/model.h"
#include "ui/attention_presenter.h"
#include "ui/color_maps.h"

#include "resources/demo_files.h"

using namespace attnlens;

namespace {

AttentionLayerInfo callOf(AxisOrigin::Kind query, AxisOrigin::Kind key, std::int64_t length)
{
    AttentionLayerInfo info;
    info.key = "mha";
    info.layerName = "mha";
    info.heads = 2;
    info.queryLength = length;
    info.keyLength = length;
    info.queryOrigin = {query, query == AxisOrigin::Kind::Unknown ? -1 : 0};
    info.keyOrigin = {key, key == AxisOrigin::Kind::Unknown ? -1 : 0};
    return info;
}

// (2 heads, 2 queries, 2 keys); mean [[0.2, 0.8], [0.4, 0.6]], max [[0.3, 0.9], [0.6, 0.8]].
Tensor twoHeads()
{
    return Tensor({2, 2, 2}, {0.1f, 0.9f, 0.6f, 0.4f, 0.3f, 0.7f, 0.2f, 0.8f});
}

} // namespace

class TestAttentionPresenter : public QObject
{
    Q_OBJECT
private slots:
    void featureAxesUseTheHeader();
    void timeAndUnknownAxes();
    void thumbnailsByHeadMeanAndMax();
    void contentOfASample();

private:
    static void compareThumbnail(const QImage &image, const std::vector<float> &cells);
};

void TestAttentionPresenter::featureAxesUseTheHeader()
{
    Dataset data;
    data.inputs = {Tensor({2, 3})};
    data.featureNames = {{"age", "bmi", "bp"}};
    const AxisText text = presenter::axisText(
        callOf(AxisOrigin::Kind::Features, AxisOrigin::Kind::Features, 3), data, {});
    QCOMPARE(text.keys, QStringList({"age", "bmi", "bp"}));
    QCOMPARE(text.queries, QStringList({"age", "bmi", "bp"}));
    QCOMPARE(text.keyTitle, QStringLiteral("key (feature)"));
    QCOMPARE(text.queryTitle, QStringLiteral("query (feature)"));
}

void TestAttentionPresenter::timeAndUnknownAxes()
{
    Dataset data;
    data.inputs = {Tensor({2, 3, 1})};
    const AxisText text = presenter::axisText(
        callOf(AxisOrigin::Kind::TimeSteps, AxisOrigin::Kind::Unknown, 3), data, {});
    QCOMPARE(text.queries, QStringList({"t-2", "t-1", "t0"}));
    QCOMPARE(text.queryTitle, QStringLiteral("query (time step)"));
    QCOMPARE(text.keys, QStringList({"0", "1", "2"}));
    QCOMPARE(text.keyTitle, QStringLiteral("key"));
}

void TestAttentionPresenter::compareThumbnail(const QImage &image, const std::vector<float> &cells)
{
    // 2 x 2 cells drawn as 2 x 2 pixel blocks at side 4; grey over the fixed range 0..1.
    QCOMPARE(image.size(), QSize(4, 4));
    QCPColorGradient grey = colormaps::gradient(QStringLiteral("grey"));
    for (int q = 0; q < 2; ++q) {
        for (int k = 0; k < 2; ++k) {
            const QRgb expected = grey.color(cells[std::size_t(q * 2 + k)], QCPRange(0, 1));
            // One level of the 256-level gradient apart at most (a float mean may round to
            // the neighbouring level); cells here differ by 25 levels or more.
            for (const QPoint offset : {QPoint(0, 0), QPoint(1, 1)}) {
                const QRgb actual = image.pixel(QPoint(2 * k, 2 * q) + offset);
                QVERIFY2(std::abs(qRed(actual) - qRed(expected)) <= 1
                        && std::abs(qGreen(actual) - qGreen(expected)) <= 1
                        && std::abs(qBlue(actual) - qBlue(expected)) <= 1,
                    qPrintable(QStringLiteral("cell (%1, %2): %3, expected %4")
                                   .arg(q)
                                   .arg(k)
                                   .arg(QColor(actual).name(), QColor(expected).name())));
            }
        }
    }
}

void TestAttentionPresenter::thumbnailsByHeadMeanAndMax()
{
    const HeadThumbnails thumbs
        = presenter::headThumbnails(twoHeads(), QStringLiteral("grey"), RangeMode::Fixed01, 4);
    QCOMPARE(thumbs.heads.size(), std::size_t(2));
    compareThumbnail(thumbs.heads[0], {0.1f, 0.9f, 0.6f, 0.4f});
    compareThumbnail(thumbs.heads[1], {0.3f, 0.7f, 0.2f, 0.8f});
    compareThumbnail(thumbs.mean, {0.2f, 0.8f, 0.4f, 0.6f});
    compareThumbnail(thumbs.max, {0.3f, 0.9f, 0.6f, 0.8f});
    // Per head, each thumbnail spans its own min..max: head 0's 0.1 is black, its 0.9 white.
    const HeadThumbnails own
        = presenter::headThumbnails(twoHeads(), QStringLiteral("grey"), RangeMode::PerHead, 4);
    QCOMPARE(QColor(own.heads[0].pixel(0, 0)), QColor(Qt::black));
    QCOMPARE(QColor(own.heads[0].pixel(2, 0)), QColor(Qt::white));
}

void TestAttentionPresenter::contentOfASample()
{
    const DemoFiles demo = extractDemoFiles();
    Workspace workspace;
    workspace.model = Model::open(demo.model.toStdString());
    workspace.modelFile = demo.model;
    const int heads = workspace.model->attentionLayers().front().heads;
    QCOMPARE(heads, 4);
    Tensor scores({heads, 30, 30});
    for (std::int64_t i = 0; i < scores.size(); ++i)
        scores.data()[i] = float(i % 97) / 97.0f;
    const SampleAttention sample {3, {scores}, {}, {}};
    const HeatmapContent c
        = presenter::content(workspace, sample, 0, {HeadChoice::Kind::Head, 1}, RangeMode::PerHead);
    QCOMPARE(c.matrix.rows(), 30);
    QCOMPARE(c.matrix.cols(), 30);
    QCOMPARE(c.matrix(0, 0), scores.data()[900]);
    QCOMPARE(c.matrix(29, 29), scores.data()[2 * 900 - 1]);
    QCOMPARE(c.range.first, double(c.matrix.minCoeff()));
    QCOMPARE(c.range.second, double(c.matrix.maxCoeff()));
    QCOMPARE(c.title,
        QStringLiteral("breast_cancer_attention.keras — feature_attention — head 1 — sample 3"));
    QVERIFY_THROWS_EXCEPTION(
        std::out_of_range, presenter::content(workspace, sample, 1, {}, RangeMode::PerHead));
}

QTEST_MAIN(TestAttentionPresenter)
#include "tst_attention_presenter.moc"
