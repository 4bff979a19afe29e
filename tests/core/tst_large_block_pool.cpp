#include <QtTest>

#include "core/runtime/model.h"
#include "core/tensor/large_block_pool.h"
#include "core/tensor/tensor.h"

using namespace attnlens;

/// The pool behind every tensor of 1 MiB or more (see core/large_block_pool.h). Each test
/// trims first: other tests of this process may have left blocks behind.
class TestLargeBlockPool : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        LargeBlockPool::instance().setCacheLimit(std::size_t(1) << 30);
        LargeBlockPool::instance().trim();
    }

    void aFreedBlockIsHandedOutAgain()
    {
        auto &pool = LargeBlockPool::instance();
        const std::size_t bytes = 3 << 20;
        void *a = pool.allocate(bytes);
        QVERIFY(a != nullptr);
        QCOMPARE(reinterpret_cast<std::uintptr_t>(a) % 64, std::uintptr_t(0));
        static_cast<char *>(a)[bytes - 1] = 7; // the whole block is usable
        QCOMPARE(pool.cachedBytes(), std::size_t(0));
        pool.release(a, bytes);
        QCOMPARE(pool.cachedBytes(), std::size_t(bytes));
        void *b = pool.allocate(bytes - 1000); // about the same size: same block
        QCOMPARE(b, a);
        QCOMPARE(pool.cachedBytes(), std::size_t(0));
        pool.release(b, bytes - 1000);
    }

    void aSmallRequestDoesNotPinAHugeBlock()
    {
        auto &pool = LargeBlockPool::instance();
        void *big = pool.allocate(64 << 20);
        pool.release(big, 64 << 20);
        void *small = pool.allocate(2 << 20);
        QVERIFY(small != big);
        QCOMPARE(pool.cachedBytes(), std::size_t(64) << 20);
        pool.release(small, 2 << 20);
    }

    void theCacheLimitIsKept()
    {
        auto &pool = LargeBlockPool::instance();
        pool.setCacheLimit(5 << 20);
        void *a = pool.allocate(4 << 20);
        void *b = pool.allocate(4 << 20);
        pool.release(a, 4 << 20);
        pool.release(b, 4 << 20); // 8 MiB would be cached: the oldest block goes back
        QCOMPARE(pool.cachedBytes(), std::size_t(4) << 20);
        QCOMPARE(pool.allocate(4 << 20), b);
        pool.release(b, 4 << 20);
        pool.setCacheLimit(0);
        QCOMPARE(pool.cachedBytes(), std::size_t(0));
    }

    void tensorsReuseTheirStorage()
    {
        const Shape shape {4, 512, 512}; // 4 MiB
        const float *first = nullptr;
        {
            Tensor t = Tensor::uninitialized(shape);
            QCOMPARE(t.size(), std::int64_t(4 * 512 * 512));
            first = t.data();
        }
        Tensor zeros(shape);
        QCOMPARE(zeros.data(), first); // recycled, and still zero-filled when asked
        QVERIFY(std::all_of(
            zeros.values().begin(), zeros.values().end(), [](float v) { return v == 0.0f; }));
        Tensor filled(shape, 2.5f);
        QCOMPARE(filled.values().back(), 2.5f);
    }

    // The desktop app opens one model after another: when the last Model goes, the blocks its
    // runs cached go back to the system, and not before.
    void theLastModelGivesTheCacheBack()
    {
        auto &pool = LargeBlockPool::instance();
        auto first = Model::open(
            std::filesystem::path(ATTNLENS_TEST_DATA) / "keras/ts_encoder/model.keras");
        auto second = first;
        {
            Tensor big(Shape {4, 512, 512});
        }
        QCOMPARE(pool.cachedBytes(), std::size_t(4 * 512 * 512 * sizeof(float)));
        first.reset();
        QCOMPARE(pool.cachedBytes(), std::size_t(4 * 512 * 512 * sizeof(float))); // still in use
        second.reset();
        QCOMPARE(pool.cachedBytes(), std::size_t(0));
    }
};

QTEST_APPLESS_MAIN(TestLargeBlockPool)
#include "tst_large_block_pool.moc"
