// The shared tensor kernels (core/tensor/ops.h) against values worked out by hand (the NumPy
// result of the same expression is given in the comments where it helps).
#include <cmath>
#include <limits>

#include <QtTest>

#include "core/errors.h"
#include "core/tensor/ops.h"
#include "tests/core/keras_compare.h"

using namespace attnlens;

namespace {

Tensor arange(const Shape &shape)
{
    Tensor t(shape);
    for (std::int64_t i = 0; i < t.size(); ++i)
        t.data()[i] = static_cast<float>(i);
    return t;
}

float softmaxOf(float x, std::initializer_list<float> row)
{
    float sum = 0.0f;
    for (const float v : row)
        sum += std::exp(v);
    return std::exp(x) / sum;
}

} // namespace

class TestOps : public QObject
{
    Q_OBJECT
private slots:
    void broadcastShapesFollowNumPy()
    {
        QCOMPARE(broadcastResultShape({2, 1, 4}, {3, 1}, "t"), (Shape {2, 3, 4}));
        QCOMPARE(broadcastResultShape({}, {2}, "t"), (Shape {2}));
        QCOMPARE(broadcastResultShape({5, 0}, {1}, "t"), (Shape {5, 0}));
        try {
            broadcastResultShape({2, 3}, {4}, "layer 'x'");
            QFAIL("(2, 3) and (4,) broadcast");
        } catch (const ShapeError &e) {
            QVERIFY2(
                std::string(e.what()).starts_with("layer 'x': shapes (2, 3) and (4,)"), e.what());
        }
    }

    void broadcastBinaryWalksBothOperands()
    {
        // np.array([[1], [2]]) + np.array([10, 20, 30])
        const Tensor a({2, 1}, std::vector<float> {1, 2});
        const Tensor b({3}, std::vector<float> {10, 20, 30});
        const auto add = [](float x, float y) { return x + y; };
        QVERIFY(matches(broadcastBinary(a, b, add, "t"), {2, 3}, {11, 21, 31, 12, 22, 32}));
        // Same shapes take the flat loop; a rank-0 tensor is a scalar.
        QVERIFY(matches(broadcastBinary(b, b, add, "t"), {3}, {20, 40, 60}));
        const Tensor five({}, std::vector<float> {5});
        QVERIFY(matches(broadcastBinary(
                            five, b, [](float x, float y) { return x - y; }, "t"),
            {3}, {-5, -15, -25}));
        // (2, 1, 3) * (2, 1): the middle axis of the result comes from the second operand.
        const Tensor c = arange({2, 1, 3});
        const Tensor d({2, 1}, std::vector<float> {1, -1});
        QVERIFY(matches(broadcastBinary(
                            c, d, [](float x, float y) { return x * y; }, "t"),
            {2, 2, 3}, {0, 1, 2, 0, -1, -2, 3, 4, 5, -3, -4, -5}));
        // (2, 1) and (4,) broadcast to (2, 4); (2, 3) and (4,) do not.
        QVERIFY(
            matches(broadcastBinary(a, Tensor({4}), add, "t"), {2, 4}, {1, 1, 1, 1, 2, 2, 2, 2}));
        QVERIFY_EXCEPTION_THROWN(
            broadcastBinary(arange({2, 3}), Tensor({4}), add, "t"), ShapeError);
        QVERIFY(matches(broadcastBinary(Tensor({0, 3}), b, add, "t"), {0, 3}, {}));
    }

    void broadcastToRepeatsSizeOneAxes()
    {
        const Tensor row({1, 3}, std::vector<float> {1, 2, 3});
        QVERIFY(matches(broadcastTo(row, {2, 3}, "t"), {2, 3}, {1, 2, 3, 1, 2, 3}));
        QVERIFY(matches(
            broadcastTo(row, {2, 2, 3}, "t"), {2, 2, 3}, {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}));
        // (2, 3) does not shrink to (1, 3), and (3,) does not grow to (2,).
        QVERIFY_EXCEPTION_THROWN(broadcastTo(arange({2, 3}), {1, 3}, "t"), ShapeError);
        QVERIFY_EXCEPTION_THROWN(broadcastTo(arange({3}), {2}, "t"), ShapeError);
    }

    void permuteAxesMovesEveryElement()
    {
        // np.arange(6).reshape(2, 3).T
        QVERIFY(matches(permuteAxes(arange({2, 3}), {1, 0}), {3, 2}, {0, 3, 1, 4, 2, 5}));
        // np.transpose(np.arange(24).reshape(2, 3, 4), (2, 0, 1))[i, j, k] == 12 j + 4 k + i
        const Tensor p = permuteAxes(arange({2, 3, 4}), {2, 0, 1});
        QCOMPARE(p.shape(), (Shape {4, 2, 3}));
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 2; ++j)
                for (int k = 0; k < 3; ++k)
                    QCOMPARE(p.data()[(i * 2 + j) * 3 + k], float(12 * j + 4 * k + i));
        QVERIFY(matches(permuteAxes(arange({2, 2}), {0, 1}), {2, 2}, {0, 1, 2, 3}));
    }

    void expandDimsCountsInTheNewShape()
    {
        const Tensor x = arange({2, 3});
        QCOMPARE(expandDims(x, 0).shape(), (Shape {1, 2, 3}));
        QCOMPARE(expandDims(x, 1).shape(), (Shape {2, 1, 3}));
        QCOMPARE(expandDims(x, 2).shape(), (Shape {2, 3, 1}));
        QCOMPARE(expandDims(x, -1).shape(), (Shape {2, 3, 1}));
        QCOMPARE(expandDims(x, -3).shape(), (Shape {1, 2, 3}));
        QVERIFY(matchesValues(expandDims(x, -2), {0, 1, 2, 3, 4, 5}));
    }

    void reduceOverFlaggedAxes()
    {
        const Tensor x({2, 3}, std::vector<float> {1, 2, 3, 4, 5, 6});
        QVERIFY(matches(reduce(x, {false, true}, false, ReduceOp::Sum), {2}, {6, 15}));
        QVERIFY(matches(reduce(x, {false, true}, true, ReduceOp::Sum), {2, 1}, {6, 15}));
        QVERIFY(matches(reduce(x, {true, false}, false, ReduceOp::Mean), {3}, {2.5f, 3.5f, 4.5f}));
        QVERIFY(matches(reduce(x, {true, true}, false, ReduceOp::Max), {}, {6}));
        QVERIFY(matches(reduce(x, {true, true}, true, ReduceOp::Min), {1, 1}, {1}));
        // (2, 3, 2): sum over the outer and inner axes leaves the middle one.
        QVERIFY(matches(reduce(arange({2, 3, 2}), {true, false, true}, false, ReduceOp::Sum), {3},
            {0 + 1 + 6 + 7, 2 + 3 + 8 + 9, 4 + 5 + 10 + 11}));
        // NaN wins max and min, as np.max; the mean of nothing is NaN, the sum of nothing 0.
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const Tensor withNan({3}, std::vector<float> {1, nan, 3});
        QVERIFY(std::isnan(reduce(withNan, {true}, false, ReduceOp::Max).data()[0]));
        QVERIFY(std::isnan(reduce(withNan, {true}, false, ReduceOp::Min).data()[0]));
        QVERIFY(std::isnan(reduce(Tensor({0}), {true}, false, ReduceOp::Mean).data()[0]));
        QVERIFY(matches(reduce(Tensor({2, 0}), {false, true}, false, ReduceOp::Sum), {2}, {0, 0}));
    }

    void softmaxRowsWithoutMask()
    {
        std::vector<float> rows {-1, 0, 2, 5, 5, 5};
        softmaxRows(rows.data(), 2, 3);
        const std::vector<float> want {softmaxOf(-1, {-1, 0, 2}), softmaxOf(0, {-1, 0, 2}),
            softmaxOf(2, {-1, 0, 2}), 1.0f / 3, 1.0f / 3, 1.0f / 3};
        QVERIFY(matchesValues(Tensor({6}, rows), want));
        // exp(x - max): large logits do not overflow.
        std::vector<float> large {1000, 1000};
        softmaxRows(large.data(), 1, 2);
        QVERIFY(matchesValues(Tensor({2}, large), {0.5f, 0.5f}));
    }

    void softmaxRowsWithMaskPerKerasVersion()
    {
        // Row 0 masks its middle logit, row 1 masks every logit.
        const std::vector<std::uint8_t> mask {1, 0, 1, 0, 0, 0};
        const std::vector<float> logits {-1, 0, 2, 1, 2, 3};
        const float p0 = softmaxOf(-1, {-1, 2});
        const float p2 = softmaxOf(2, {-1, 2});
        auto run = [&](MaskedSoftmaxMode mode) {
            std::vector<float> rows = logits;
            softmaxRows(rows.data(), 2, 3, mask.data(), mode);
            return Tensor({2, 3}, rows);
        };
        // Keras >= 3.13: where(mask, x, -1e9), masked outputs 0; a fully masked row is all 0.
        QVERIFY(matches(run(MaskedSoftmaxMode::WhereZero), {2, 3}, {p0, 0, p2, 0, 0, 0}));
        // Keras 3.10-3.12: x - 1e9, then 0.
        QVERIFY(matches(run(MaskedSoftmaxMode::AdditiveZero), {2, 3}, {p0, 0, p2, 0, 0, 0}));
        // Keras 2: x - 1e9 kept. In float32 1 - 1e9, 2 - 1e9 and 3 - 1e9 are the same number,
        // so the fully masked row is uniform.
        const float third = 1.0f / 3;
        QVERIFY(matches(
            run(MaskedSoftmaxMode::AdditiveKeep), {2, 3}, {p0, 0, p2, third, third, third}));
    }

    void logSoftmaxRowsIsLogOfSoftmax()
    {
        std::vector<float> row {-1, 0, 2};
        logSoftmaxRows(row.data(), 1, 3);
        QVERIFY(matchesValues(Tensor({3}, row),
            {std::log(softmaxOf(-1, {-1, 0, 2})), std::log(softmaxOf(0, {-1, 0, 2})),
                std::log(softmaxOf(2, {-1, 0, 2}))}));
    }

    void softmaxOverAnyAxes()
    {
        // Over axis 0 of [[0, 1], [2, 1]]: columns [0, 2] and [1, 1].
        const Tensor x({2, 2}, std::vector<float> {0, 1, 2, 1});
        QVERIFY(matches(softmax(x, {0}, Tensor(), MaskedSoftmaxMode::WhereZero, "t"), {2, 2},
            {softmaxOf(0, {0, 2}), 0.5f, softmaxOf(2, {0, 2}), 0.5f}));
        // Over both axes: one softmax of four logits.
        QVERIFY(matches(softmax(x, {0, 1}, Tensor(), MaskedSoftmaxMode::WhereZero, "t"), {2, 2},
            {softmaxOf(0, {0, 1, 2, 1}), softmaxOf(1, {0, 1, 2, 1}), softmaxOf(2, {0, 1, 2, 1}),
                softmaxOf(1, {0, 1, 2, 1})}));
        // A (1, 2) mask broadcasts over the rows: the second column is masked in both.
        const Tensor mask({1, 2}, std::vector<float> {1, 0});
        QVERIFY(matches(
            softmax(x, {1}, mask, MaskedSoftmaxMode::WhereZero, "t"), {2, 2}, {1, 0, 1, 0}));
        QVERIFY_EXCEPTION_THROWN(
            softmax(x, {1}, Tensor({3}), MaskedSoftmaxMode::WhereZero, "t"), ShapeError);
    }
};

QTEST_APPLESS_MAIN(TestOps)
#include "tst_ops.moc"
