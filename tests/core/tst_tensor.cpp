#include <QtTest>

#include "core/errors.h"
#include "core/tensor/tensor.h"

using namespace attnlens;

class TestTensor : public QObject
{
    Q_OBJECT
private slots:
    void shapeToStringLooksLikeKeras()
    {
        QCOMPARE(shapeToString({-1, 30, 16}), std::string("(None, 30, 16)"));
        QCOMPARE(shapeToString({5}), std::string("(5,)"));
    }
    void reshapeInfersOneDimension()
    {
        Tensor t({2, 6}, std::vector<float> {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        const Tensor r = t.reshaped({2, -1, 2});
        QCOMPARE(r.shape(), (Shape {2, 3, 2}));
        QCOMPARE(r.values()[7], 7.0f);
        QVERIFY_EXCEPTION_THROWN(t.reshaped({5, -1}), ShapeError);
    }
    void matrixViewIsRowMajorOverTheLastAxis()
    {
        Tensor t({2, 2, 3}, std::vector<float> {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        const auto m = t.matrix();
        QCOMPARE(m.rows(), Eigen::Index(4));
        QCOMPARE(m.cols(), Eigen::Index(3));
        QCOMPARE(m(2, 1), 7.0f);
    }
    void sliceTakesLeadingRows()
    {
        Tensor t({3, 2}, std::vector<float> {0, 1, 2, 3, 4, 5});
        const Tensor s = t.slice(1, 3);
        QCOMPARE(s.shape(), (Shape {2, 2}));
        QCOMPARE(s.values()[0], 2.0f);
        QCOMPARE(t.sample(2).values()[1], 5.0f);
        QVERIFY_EXCEPTION_THROWN(t.slice(2, 4), ShapeError);
    }
    void absurdShapesAreRefusedBeforeAllocating()
    {
        QVERIFY_EXCEPTION_THROWN(shapeSize({1LL << 40, 1LL << 40}), ShapeError);
        QVERIFY_EXCEPTION_THROWN(shapeSize({-1, 3}), ShapeError);
        QVERIFY_EXCEPTION_THROWN(Tensor({2, 2}, std::vector<float> {1, 2, 3}), ShapeError);
    }
};

QTEST_APPLESS_MAIN(TestTensor)
#include "tst_tensor.moc"
