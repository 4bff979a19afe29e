// Bad model files: each gives one clear error of the right type, never a crash or a hang.
// The files are made by tests/data/bad/make_bad_files.py.
#include <cmath>

#include <QtTest>

#include "core/errors.h"
#include "core/runtime/model.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

std::filesystem::path bad(const std::string &name)
{
    return testData("bad/" + name);
}

/// Opens the model and returns the message of the `E` it throws ("" if it does not).
template <class E>
std::string errorOf(const std::filesystem::path &file,
    const std::optional<std::filesystem::path> &config = std::nullopt, LoadOptions options = {})
{
    try {
        Model::open(file, config, options);
    } catch (const E &e) {
        return e.what();
    } catch (const std::exception &e) {
        return std::string("WRONG EXCEPTION TYPE: ") + e.what();
    }
    return {};
}

bool has(const std::string &message, const std::string &part)
{
    return message.find(part) != std::string::npos;
}

} // namespace

class TestBadModelFiles : public QObject
{
    Q_OBJECT
private slots:
    void truncatedFile()
    {
        const std::string m = errorOf<InputFileError>(bad("truncated.h5"));
        QVERIFY2(has(m, "truncated.h5") && !has(m, "WRONG"), m.c_str());
    }
    void corruptBytes()
    {
        const std::string m = errorOf<InputFileError>(bad("corrupt.h5"));
        QVERIFY2(has(m, "corrupt.h5") && !has(m, "WRONG"), m.c_str());
    }
    void gitLfsPointer()
    {
        const std::string m = errorOf<InputFileError>(bad("lfs_pointer.h5"));
        QVERIFY2(has(m, "Git LFS pointer") && has(m, "git lfs pull"), m.c_str());
    }
    void hdf5ThatIsNotKeras()
    {
        const std::string m = errorOf<InputFileError>(bad("pytorch_state_dict.h5"));
        QVERIFY2(has(m, "HDF5 file but not a Keras model"), m.c_str());
    }
    void weightsOnlyWithoutConfig()
    {
        const std::string m
            = errorOf<InputFileError>(testData("keras/tabular_tokens/model.weights.h5"));
        QVERIFY2(has(m, "--config"), m.c_str());
    }
    void weightShapesDisagreeWithArchitecture()
    {
        const std::string m
            = errorOf<InputFileError>(bad("shape_mismatch.weights.h5"), bad("tabular.json"));
        QVERIFY2(has(m, "shape_mismatch.weights.h5") && has(m, "dense_1") && !has(m, "WRONG"),
            m.c_str());
    }
    void configLayerWithoutWeights()
    {
        const std::string m
            = errorOf<InputFileError>(bad("missing_layer.weights.h5"), bad("tabular.json"));
        QVERIFY2(
            has(m, "layer 'dense_1' (Dense): the file has no weights for this layer"), m.c_str());
        QVERIFY2(m.find("missing_layer.weights.h5") == m.rfind("missing_layer.weights.h5"),
            m.c_str()); // the file is named once
    }
    void nonFiniteWeightsAreAWarning()
    {
        try {
            const auto model = Model::open(bad("nan_inf.weights.h5"), bad("tabular.json"));
            QCOMPARE(model->warnings().size(), std::size_t(1));
            const std::string &w = model->warnings().front();
            QVERIFY2(has(w, "dense_1") && has(w, "1 NaN") && has(w, "1 infinite"), w.c_str());
        } catch (const std::exception &e) {
            QFAIL(e.what());
        }
    }
    void absurdDimensionsAreRefusedBeforeAllocating()
    {
        const std::string m = errorOf<InputFileError>(bad("absurd_dims.h5"));
        QVERIFY2(has(m, "'huge'") && has(m, "memory cap"), m.c_str());
    }
    void memoryCapIsHonoured()
    {
        LoadOptions tight;
        tight.memoryCapBytes = 64; // (N, 30) floats = 120 bytes per sample
        const std::string m = errorOf<InputFileError>(
            testData("keras/tabular_tokens/model.keras"), std::nullopt, tight);
        QVERIFY2(has(m, "memory cap"), m.c_str());
    }
    void lambdaLayerIsRefused()
    {
        const std::string m = errorOf<UnsupportedModelError>(bad("lambda.h5"));
        QVERIFY2(has(m, "Lambda") && has(m, "'lambda'"), m.c_str());
    }
    void unknownClassIsRefused()
    {
        const std::string m = errorOf<UnsupportedModelError>(bad("unknown_class.h5"));
        QVERIFY2(has(m, "FancyLayer") && has(m, "'fancy'"), m.c_str());
    }
    void configThatIsNotJson()
    {
        const std::string m = errorOf<InputFileError>(
            testData("keras/tabular_tokens/model.weights.h5"), bad("not_json.json"));
        QVERIFY2(has(m, "not_json.json:2:") && has(m, "not valid JSON"), m.c_str());
    }
    void missingFile()
    {
        const std::string m = errorOf<InputFileError>(bad("does_not_exist.keras"));
        QVERIFY2(has(m, "no such file"), m.c_str());
    }
    void jsonGivenAsTheModel()
    {
        const std::string m = errorOf<InputFileError>(bad("tabular.json"));
        QVERIFY2(has(m, "--config"), m.c_str());
    }
};

QTEST_APPLESS_MAIN(TestBadModelFiles)
#include "tst_bad_model_files.moc"
