// The bundled demo, the first thing every analyst sees, checked against the numbers Keras
// computed for all 569 rows (tests/data/demo/expected.h5), through the same CSV reader the app
// uses.
#include <QTest>

#include "core/data/dataset.h"
#include "core/io/hdf5_file.h"
#include "core/runtime/model.h"
#include "tests/core/keras_compare.h"

using namespace attnlens;

namespace {

std::filesystem::path demoFile(const std::string &name)
{
    return std::filesystem::path(ATTNLENS_TEST_DATA) / "../../resources/demo" / name;
}

} // namespace

class TestDemoKeras : public QObject
{
    Q_OBJECT

private slots:
    void matchesKeras_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("keras") << "breast_cancer_attention.keras";
        QTest::newRow("h5") << "breast_cancer_attention.h5";
    }

    // Every row's outputs and every head's attention equal Keras's within 1e-5 + 1e-4 |x|.
    void matchesKeras()
    {
        guarded([&] {
            QFETCH(QString, file);
            const auto model = Model::open(demoFile(file.toStdString()));
            const Dataset data = loadDataset({demoFile("breast_cancer.csv")}, model->inputs());
            QCOMPARE(data.sampleCount(), std::int64_t(569));
            QCOMPARE(data.usableSampleIndices().size(), std::size_t(569));
            const RunResult result = model->run(data.inputs);
            const Hdf5File expected(
                std::filesystem::path(ATTNLENS_TEST_DATA) / "demo" / "expected.h5");
            QCOMPARE(result.outputs.size(), std::size_t(1));
            const double outputError
                = worstError(result.outputs.front(), expected.readTensor("outputs/0"), 1e-5, 1e-4);
            QVERIFY2(outputError == 0.0, qPrintable(QString::number(outputError)));
            QCOMPARE(result.attention.size(), std::size_t(1));
            QCOMPARE(result.attention.front().key, std::string("feature_attention"));
            const double scoreError = worstError(result.attention.front().scores,
                expected.readTensor("attention/feature_attention"), 1e-5, 1e-4);
            QVERIFY2(scoreError == 0.0, qPrintable(QString::number(scoreError)));
        });
    }

    // An independent oracle: the model was trained to 0.95 held-out accuracy, so its predictions
    // over the whole file must agree with the recorded diagnosis ("benign" = class 0, "malignant" =
    // class 1) for at least 90 % of the rows. Wrong weights or a wrong column order cannot pass
    // this.
    void predictsTheDiagnosis()
    {
        guarded([&] {
            const auto model = Model::open(demoFile("breast_cancer_attention.keras"));
            const Dataset data = loadDataset({demoFile("breast_cancer.csv")}, model->inputs());
            RunOptions options;
            options.captureAttention = false;
            const Tensor probabilities = model->run(data.inputs, options).outputs.front();
            QCOMPARE(data.targets.size(), std::size_t(569));
            int correct = 0;
            for (std::int64_t r = 0; r < 569; ++r) {
                const float *p = probabilities.data() + r * 2;
                const std::string predicted = p[1] > p[0] ? "malignant" : "benign";
                correct += predicted == data.targets[static_cast<std::size_t>(r)] ? 1 : 0;
            }
            const double accuracy = correct / 569.0;
            QVERIFY2(accuracy >= 0.9, qPrintable(QString::number(accuracy)));
        });
    }
};

QTEST_APPLESS_MAIN(TestDemoKeras)
#include "tst_demo_keras.moc"
