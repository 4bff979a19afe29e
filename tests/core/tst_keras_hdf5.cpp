// The HDF5 reader: string attribute encodings Keras files use, numeric conversions, and the
// tf-keras (Windows) weights layout. Files made by tests/data/bad/make_bad_files.py.
#include <cmath>

#include <QtTest>

#include "core/errors.h"
#include "core/io/hdf5_file.h"
#include "core/runtime/model.h"
#include "tests/core/keras_compare.h"
#include "tests/core/tensor_compare.h"
#include "tests/test_util.h"

using namespace attnlens;

using Strings = std::vector<std::string>;

class TestKerasHdf5 : public QObject
{
    Q_OBJECT
private slots:
    void stringAttributes()
    {
        const Hdf5File f(testData("bad/hdf5_variants.h5"));
        QCOMPARE(f.string("", "vlen_scalar").value(), std::string("hello"));
        QCOMPARE(f.stringList("", "utf8_list").value(), (Strings {"caf\xc3\xa9", "b"}));
        QCOMPARE(f.stringList("", "fixed_nullpad").value(), (Strings {"ab", "cde"}));
        QCOMPARE(f.stringList("", "fixed_nullterm").value(), (Strings {"xyz", "w"}));
        // Keras's chunked attributes: names0, names1, ...
        QCOMPARE(f.stringList("", "names").value(), (Strings {"first", "second", "third"}));
        // h5py's empty list is a float64 array of shape (0,).
        QCOMPARE(f.stringList("", "empty").value(), Strings {});
        QVERIFY(!f.stringList("", "absent").has_value());
        QVERIFY_EXCEPTION_THROWN(f.stringList("", "number"), InputFileError);
    }

    void numericDatasetsBecomeFloat()
    {
        const Hdf5File f(testData("bad/hdf5_variants.h5"));
        const Tensor f16 = f.readTensor("f16");
        QCOMPARE(f16.shape(), (Shape {2, 2}));
        QCOMPARE(f16.values(), (std::vector<float> {0.5f, -2.0f, 1.5f, 65504.0f}));
        QCOMPARE(f.readTensor("f64").values(), (std::vector<float> {1e-3f, 2.0f, -3.25f}));
        QCOMPARE(f.readTensor("i32").values(), (std::vector<float> {1.0f, -7.0f, 12.0f}));
        const Tensor scalar = f.readTensor("scalar");
        QCOMPARE(scalar.rank(), 0);
        QCOMPARE(scalar.values(), std::vector<float> {4.0f});
        try {
            f.readTensor("text");
            QFAIL("a string dataset was read as numbers");
        } catch (const InputFileError &e) {
            QVERIFY2(std::string(e.what()).find("hdf5_variants.h5: text") != std::string::npos,
                e.what());
        }
        QVERIFY_EXCEPTION_THROWN(f.readTensor("missing/path"), InputFileError);
    }

    void tfKerasWindowsLayout()
    {
        // Backslash group names, _query_dense children, no vars@name, a float64 kernel.
        try {
            const auto model = Model::open(testData("bad/tfkeras_windows.weights.h5"),
                testData("keras/cross_attention/model.json"));
            QCOMPARE(model->summary().format, ModelFormat::WeightsH5);
            const Hdf5File data(testData("keras/cross_attention/data.h5"));
            const Hdf5File expected(testData("keras/cross_attention/expected.h5"));
            const RunResult result
                = model->run({data.readTensor("queries"), data.readTensor("memory")});
            // worstError is -1 when the shapes differ: a short result fails, never reads past
            // its end.
            QCOMPARE(
                worstError(result.outputs.at(0), expected.readTensor("outputs/0"), 1e-5, 0.0), 0.0);
            QCOMPARE(worstError(result.attention.at(0).scores,
                         expected.readTensor("attention/cross"), 1e-5, 0.0),
                0.0);
        } catch (const std::exception &e) {
            QFAIL(e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestKerasHdf5)
#include "tst_keras_hdf5.moc"
