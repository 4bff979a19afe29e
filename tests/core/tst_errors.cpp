#include <QtTest>

#include "core/errors.h"

using namespace attnlens;

/// Error's structured context (core/errors.h): what() is formatted from the fields, and context
/// added further out never repeats what the thrower already said.
class TestErrors : public QObject
{
    Q_OBJECT
private slots:
    void aLayerThatNamesItselfIsNotNamedAgain()
    {
        const ErrorWhere where = ErrorWhere::ofLayer("dense_1", "Dense");
        ShapeError e(where + ": expects inputs whose last axis is 4, got 3");
        QCOMPARE(QString(e.what()),
            QString("layer 'dense_1' (Dense): expects inputs whose last axis is 4, got 3"));
        e.inLayer("dense_1", "Dense").inLayer("outer", "Functional");
        QCOMPARE(QString(e.what()),
            QString("layer 'dense_1' (Dense): expects inputs whose last axis is 4, got 3"));
        QCOMPARE(QString::fromStdString(e.detail()),
            QString("expects inputs whose last axis is 4, got 3"));
        QCOMPARE(QString::fromStdString(e.context().layer), QString("dense_1"));
        e.inFile("model.keras");
        QCOMPARE(QString(e.what()),
            QString("model.keras: layer 'dense_1' (Dense): expects inputs whose last axis is 4, "
                    "got 3"));
    }

    void contextIsAddedOnceFromOutside()
    {
        InputFileError e("the kernel has shape (3, 4), expected (4, 4)");
        QCOMPARE(QString(e.what()), QString("the kernel has shape (3, 4), expected (4, 4)"));
        e.inLayer("d", "Dense");
        e.inLayer("other", "Conv1D");
        e.inFile("m.h5");
        e.inFile("other.h5");
        QCOMPARE(QString(e.what()),
            QString("m.h5: layer 'd' (Dense): the kernel has shape (3, 4), expected (4, 4)"));
    }

    void aDetailMayReadOnFromTheLayer()
    {
        const ErrorWhere where = ErrorWhere::ofLayer("f", "Flatten", "m.keras");
        const UnsupportedModelError e(where + " uses data_format 'channels_first'");
        QCOMPARE(QString(e.what()),
            QString("m.keras: layer 'f' (Flatten) uses data_format 'channels_first'"));
        // As a plain string (what kernels that take text receive) it reads the same.
        const std::string text = where + " uses data_format 'channels_first'";
        QCOMPARE(QString::fromStdString(text), QString(e.what()));
    }

    void fileLineColumnAndSample()
    {
        InputFileError e("not a number: 'abc'", ErrorContext {"data.csv", {}, {}, 12, "'age'", -1});
        e.atSample(3);
        QCOMPARE(QString(e.what()),
            QString("data.csv: line 12, column 'age': sample 3: not a number: 'abc'"));
        const InputFileError file(ErrorWhere::ofFile("w.h5") + ": not a readable HDF5 file");
        QCOMPARE(QString(file.what()), QString("w.h5: not a readable HDF5 file"));
        QCOMPARE(QString::fromStdString(file.context().file), QString("w.h5"));
    }

    void aNoteKeepsTheContextInAnotherType()
    {
        ShapeError shape(ErrorWhere::ofLayer("r", "Reshape") + ": cannot reshape (1, 6)");
        const InputFileError e(shape, " (found while trying the model)");
        QCOMPARE(QString(e.what()),
            QString("layer 'r' (Reshape): cannot reshape (1, 6) (found "
                    "while trying the model)"));
        QCOMPARE(QString::fromStdString(e.context().layer), QString("r"));
    }

    void aHelperMayAddWordsToTheLayer()
    {
        // A kernel given `where + " (masks)"` still reports a message that knows its layer.
        const ErrorWhere masks = ErrorWhere::ofLayer("add", "Add") + " (masks)";
        ShapeError e(masks + ": shapes (2, 3) and (2, 4) do not broadcast");
        e.inLayer("add", "Add");
        QCOMPARE(QString(e.what()),
            QString("layer 'add' (Add) (masks): shapes (2, 3) and (2, 4) do not broadcast"));
        QCOMPARE(QString::fromStdString(masks.label()), QString("layer 'add' (Add) (masks)"));
    }

    void plainTextWhereKeepsItsText()
    {
        const ErrorWhere where(std::string("array 'x'"));
        const ShapeError e(where + ": has rank 2");
        QCOMPARE(QString(e.what()), QString("array 'x': has rank 2"));
        QVERIFY(e.context().layer.empty());
    }
};

QTEST_APPLESS_MAIN(TestErrors)
#include "tst_errors.moc"
