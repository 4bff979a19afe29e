#include <QTest>

#include "core/data/npy_reader.h"
#include "core/errors.h"
#include "tests/test_util.h"

using namespace attnlens;

class TestNpyReader : public QObject
{
    Q_OBJECT

private slots:
    void dtypesAndOrders_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected"); // comma-separated values in C order
        const QString a = "-2,-0.5,1,2.5,4,5.5";
        QTest::newRow("float64 little-endian") << "f8_le.npy" << a;
        QTest::newRow("float32 big-endian") << "f4_be.npy" << a;
        QTest::newRow("float16") << "f2.npy" << a;
        QTest::newRow("header 2.0") << "v2.npy" << a;
        QTest::newRow("header 3.0") << "v3.npy" << a;
        QTest::newRow("int8") << "i1.npy"
                              << "-3,0,7,1,2,127";
        QTest::newRow("int64 big-endian") << "i8_be.npy"
                                          << "-3,0,7,1,2,100000";
        QTest::newRow("uint16") << "u2.npy"
                                << "0,65535,7,1,2,3";
        QTest::newRow("bool") << "bool.npy"
                              << "1,0,1,0,0,1";
    }
    void dtypesAndOrders()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        const ArrayData a = readNpy(testData("datasets/" + file.toStdString()));
        QCOMPARE(a.shape, (Shape {2, 3}));
        QVERIFY(!a.isText);
        const QStringList want = expected.split(',');
        QCOMPARE(a.values.size(), std::size_t(want.size()));
        for (int i = 0; i < want.size(); ++i)
            QCOMPARE(a.values[std::size_t(i)], want[i].toFloat());
    }

    void fortranOrderBecomesCOrder()
    {
        // np.asfortranarray(np.arange(24).reshape(2, 3, 4)): C-order values are 0..23.
        const ArrayData a = readNpy(testData("datasets/fortran.npy"));
        QCOMPARE(a.shape, (Shape {2, 3, 4}));
        for (int i = 0; i < 24; ++i)
            QCOMPARE(a.values[std::size_t(i)], float(i));
    }

    void unicodeTextArray()
    {
        const ArrayData a = readNpy(testData("datasets/names_u.npy"));
        QVERIFY(a.isText);
        QCOMPARE(a.strings.size(), std::size_t(3));
        QCOMPARE(a.strings[0], std::string("\xCE\xB1-radius")); // alpha in UTF-8
        QCOMPARE(a.strings[2], std::string("z"));
    }

    void npzMembers()
    {
        const auto arrays = readNpz(testData("datasets/multi.npz"));
        QCOMPARE(arrays.size(), std::size_t(4));
        bool sawMemory = false;
        for (const auto &[name, array] : arrays)
            if (name == "memory") {
                sawMemory = true;
                QCOMPARE(array.shape, (Shape {4, 11, 8}));
                QCOMPARE(array.values.front(), 2.0f);
            }
        QVERIFY(sawMemory);
    }

    void badFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("message");
        QTest::newRow("corrupt header") << "corrupt_header.npy"
                                        << "corrupt .npy header";
        QTest::newRow("truncated data") << "truncated.npy"
                                        << "48 bytes, the file holds 28";
        QTest::newRow("object array") << "object.npy"
                                      << "Python pickle";
        QTest::newRow("not npy") << "make_datasets.py"
                                 << "not a NumPy .npy file";
    }
    void badFiles()
    {
        QFETCH(QString, file);
        QFETCH(QString, message);
        try {
            readNpy(testData("datasets/" + file.toStdString()));
            QFAIL("no error");
        } catch (const InputFileError &e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.contains(message), qPrintable(what));
            QVERIFY2(what.contains(file), qPrintable(what));
        }
    }
};

QTEST_APPLESS_MAIN(TestNpyReader)
#include "tst_npy_reader.moc"
