// Pure helpers behind the heatmap: head reductions, colour ranges, predictions, thumbnails.
#include <QTest>

#include "core/errors.h"
#include "ui/head_matrix.h"
#include "ui/predictions.h"
#include "ui/thumbnail.h"

using namespace attnlens;

class TestHeadMatrix : public QObject
{
    Q_OBJECT
private slots:
    void headMeanMax();
    void headIndexIsClamped();
    void rejectsWrongRank();
    void rangeModes();
    void choiceKeysRoundTrip();
    void predictionsSkipUnusableRows();
    void classNamesAreSortedTargets();
    void thumbnailKeepsCellsCrisp();
};

namespace {
// Two heads of 2 x 3: head 0 = 0..5, head 1 = 6 - value.
Tensor twoHeads()
{
    return Tensor({2, 2, 3}, {0, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1});
}
} // namespace

void TestHeadMatrix::headMeanMax()
{
    const Tensor scores = twoHeads();
    const RowMatrix h1 = headMatrix(scores, {HeadChoice::Kind::Head, 1});
    QCOMPARE(h1(0, 0), 6.0f);
    QCOMPARE(h1(1, 2), 1.0f);
    const RowMatrix mean = headMatrix(scores, {HeadChoice::Kind::MeanOfHeads, 0});
    QVERIFY(mean.isApproxToConstant(3.0f));
    const RowMatrix max = headMatrix(scores, {HeadChoice::Kind::MaxOfHeads, 0});
    QCOMPARE(max(0, 0), 6.0f);
    QCOMPARE(max(1, 1), 4.0f);
    QCOMPARE(max(1, 2), 5.0f);
}

void TestHeadMatrix::headIndexIsClamped()
{
    const RowMatrix last = headMatrix(twoHeads(), {HeadChoice::Kind::Head, 9});
    QCOMPARE(last(0, 0), 6.0f);
}

void TestHeadMatrix::rejectsWrongRank()
{
    QVERIFY_THROWS_EXCEPTION(ShapeError, headMatrix(Tensor({2, 3}), {}));
}

void TestHeadMatrix::rangeModes()
{
    const Tensor scores = twoHeads();
    const RowMatrix h0 = headMatrix(scores, {});
    QCOMPARE(valueRange(h0, scores, RangeMode::PerHead), std::make_pair(0.0, 5.0));
    QCOMPARE(valueRange(h0, scores, RangeMode::SharedHeads), std::make_pair(0.0, 6.0));
    QCOMPARE(valueRange(h0, scores, RangeMode::Fixed01), std::make_pair(0.0, 1.0));
    const RowMatrix constant = RowMatrix::Constant(2, 2, 0.25f);
    const auto range = valueRange(constant, scores, RangeMode::PerHead);
    QVERIFY(range.second > range.first);
}

void TestHeadMatrix::choiceKeysRoundTrip()
{
    for (const HeadChoice &choice :
        {HeadChoice {HeadChoice::Kind::Head, 3}, HeadChoice {HeadChoice::Kind::MeanOfHeads, 0},
            HeadChoice {HeadChoice::Kind::MaxOfHeads, 0}})
        QVERIFY(HeadChoice::fromKey(choice.key()) == choice);
    QCOMPARE(HeadChoice::fromKey(QStringLiteral("nonsense")).head, 0);
    QCOMPARE((HeadChoice {HeadChoice::Kind::Head, 2}).displayName(), QStringLiteral("head 2"));
}

void TestHeadMatrix::predictionsSkipUnusableRows()
{
    // Samples 0 and 2 ran; sample 1 had a missing value.
    const Tensor output({2, 3}, {0.1f, 0.7f, 0.2f, 0.6f, 0.3f, 0.1f});
    const std::vector<Prediction> p = predictionsFromOutput(output, {0, 2}, 3, true);
    QCOMPARE(p.size(), std::size_t(3));
    QVERIFY(p[0].ran && !p[1].ran && p[2].ran);
    QCOMPARE(p[0].classIndex, 1);
    QCOMPARE(p[0].score, 0.7f);
    QCOMPARE(p[2].classIndex, 0);
    QCOMPARE(predictionText(p[1], {}), QStringLiteral("—"));
    QCOMPARE(predictionText(p[0], {"B", "M", "X"}), QStringLiteral("M  0.700"));
    QVERIFY_THROWS_EXCEPTION(ShapeError, predictionsFromOutput(output, {0}, 3, true));
    const Tensor value({1, 1}, {12.5f});
    QCOMPARE(
        predictionText(predictionsFromOutput(value, {0}, 1, false)[0], {}), QStringLiteral("12.5"));
}

void TestHeadMatrix::classNamesAreSortedTargets()
{
    QCOMPARE(classNamesFromTargets({"M", "B", "M"}, 2), (std::vector<std::string> {"B", "M"}));
    QVERIFY(classNamesFromTargets({"M", "B", "X"}, 2).empty());
}

void TestHeadMatrix::thumbnailKeepsCellsCrisp()
{
    RowMatrix m(2, 2);
    m << 0, 1, 1, 0;
    const QImage image = renderThumbnail(m, QStringLiteral("grey"), {0.0, 1.0}, 40);
    QCOMPARE(image.size(), QSize(40, 40));
    // Top-left cell black, top-right white, with no blending inside a cell.
    QCOMPARE(QColor(image.pixel(0, 0)).value(), 0);
    QCOMPARE(QColor(image.pixel(19, 0)).value(), 0);
    QCOMPARE(QColor(image.pixel(20, 0)).value(), 255);
    QCOMPARE(QColor(image.pixel(39, 39)).value(), 0);
}

QTEST_MAIN(TestHeadMatrix)
#include "tst_head_matrix.moc"
