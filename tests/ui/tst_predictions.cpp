// Predictions are classes only when the model's output ends in softmax or sigmoid: a Dense(6)
// forecast is six values (the first and "…" in the table, all of them in the tooltip), not
// "class 4". The decision comes from LayerInfo::activation of the layer producing output 0.
#include <QTest>

#include "core/runtime/model.h"
#include "tests/test_util.h"
#include "ui/predictions.h"
#include "ui/sample_table_model.h"

using namespace attnlens;

namespace {

const LayerInfo *outputLayer(const Model &model)
{
    for (const LayerInfo &layer : model.layers())
        if (layer.outputIndex == 0)
            return &layer;
    return nullptr;
}

// Two samples of a 6-step forecast; the largest value of the first is its fifth (index 4).
Tensor forecast()
{
    return Tensor({2, 6},
        {-0.0153f, -0.0211f, -0.0302f, -0.0188f, -0.0101f, -0.0297f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f,
            6.5f});
}

} // namespace

class TestPredictions : public QObject
{
    Q_OBJECT
private slots:
    void outputActivationComesFromTheModel();
    void forecastIsValuesNotClasses();
    void softmaxIsClasses();
    void sigmoidProbabilityIsBinaryClass();
    void tableShowsFirstValueAndTooltipAll();
    void tableMarksMisclassifiedSamples();
};

void TestPredictions::outputActivationComesFromTheModel()
{
    // Dense(2, softmax) at the end of a features-as-tokens classifier.
    const auto classifier = Model::open(testData("keras/tabular_tokens/model.keras"));
    const LayerInfo *out = outputLayer(*classifier);
    QVERIFY(out);
    QCOMPARE(QString::fromStdString(out->name), QStringLiteral("dense_1"));
    QCOMPARE(QString::fromStdString(out->activation), QStringLiteral("softmax"));
    QVERIFY(isClassifierOutput(*classifier));
    // The same from the legacy HDF5 file of a 3-class cross-attention model.
    QVERIFY(isClassifierOutput(*Model::open(testData("keras/cross_attention/model.h5"))));

    // Dense(1) with no activation at the end of a time-series encoder: a regression.
    const auto regression = Model::open(testData("keras/ts_encoder/model.keras"));
    out = outputLayer(*regression);
    QVERIFY(out);
    QCOMPARE(QString::fromStdString(out->name), QStringLiteral("dense_5"));
    QCOMPARE(QString::fromStdString(out->activation), QStringLiteral("linear"));
    QVERIFY(!isClassifierOutput(*regression));
    // Only the output layer is marked; layers without an activation setting have none.
    int outputs = 0;
    for (const LayerInfo &layer : regression->layers()) {
        outputs += layer.outputIndex >= 0;
        if (layer.className == "LayerNormalization" || layer.className == "InputLayer")
            QVERIFY(layer.activation.empty());
    }
    QCOMPARE(outputs, 1);
}

void TestPredictions::forecastIsValuesNotClasses()
{
    const std::vector<Prediction> p = predictionsFromOutput(forecast(), {0, 2}, 3, false);
    QCOMPARE(p.size(), std::size_t(3));
    QVERIFY(p[0].ran && !p[1].ran && p[2].ran);
    QCOMPARE(p[0].classIndex, -1);
    QCOMPARE(p[0].score, -0.0153f);
    QCOMPARE(p[0].values.size(), std::size_t(6));
    QCOMPARE(p[2].values.back(), 6.5f);
    QCOMPARE(predictionText(p[0], {}), QStringLiteral("-0.0153  …"));
    QCOMPARE(predictionDetail(p[0], {}),
        QStringLiteral("6 values: -0.0153, -0.0211, -0.0302, -0.0188, -0.0101, -0.0297"));
    QCOMPARE(predictionText(p[1], {}), QStringLiteral("—"));
    // A single value is just that value.
    const std::vector<Prediction> one
        = predictionsFromOutput(Tensor({1, 1}, {12.5f}), {0}, 1, false);
    QCOMPARE(predictionText(one[0], {}), QStringLiteral("12.5"));
    QCOMPARE(predictionDetail(one[0], {}), QStringLiteral("12.5"));
    // Long outputs wrap, eight values to a line, and keep every value.
    std::vector<float> many(20);
    for (std::size_t i = 0; i < many.size(); ++i)
        many[i] = float(i);
    const QString detail
        = predictionDetail(predictionsFromOutput(Tensor({1, 20}, many), {0}, 1, false)[0], {});
    QCOMPARE(detail.count(QLatin1Char('\n')), 2);
    QVERIFY2(detail.startsWith("20 values: 0, 1, 2, 3, 4, 5, 6, 7,\n8, 9,"), qPrintable(detail));
    QVERIFY(detail.endsWith("19"));
    // The same rows read as a classifier's would give the argmax (what the bug showed).
    QCOMPARE(predictionsFromOutput(forecast(), {0, 1}, 2, true)[0].classIndex, 4);
}

void TestPredictions::softmaxIsClasses()
{
    const Tensor output({2, 3}, {0.1f, 0.7f, 0.2f, 0.6f, 0.3f, 0.1f});
    const std::vector<Prediction> p = predictionsFromOutput(output, {0, 1}, 2, true);
    QCOMPARE(p[0].classIndex, 1);
    QCOMPARE(p[0].score, 0.7f);
    QCOMPARE(p[1].classIndex, 0);
    QCOMPARE(predictionText(p[0], {"B", "M", "X"}), QStringLiteral("M  0.700"));
    QCOMPARE(predictionText(p[0], {}), QStringLiteral("class 1  0.700"));
    QCOMPARE(predictionDetail(p[0], {"B", "M", "X"}), QStringLiteral("B 0.100, M 0.700, X 0.200"));
}

void TestPredictions::sigmoidProbabilityIsBinaryClass()
{
    const Tensor output({2, 1}, {0.8f, 0.3f});
    const std::vector<Prediction> p = predictionsFromOutput(output, {0, 1}, 2, true);
    QCOMPARE(p[0].classIndex, 1);
    QCOMPARE(p[0].score, 0.8f);
    QCOMPARE(p[1].classIndex, 0);
    QCOMPARE(p[1].score, 1.0f - 0.3f);
    QCOMPARE(predictionText(p[1], {"B", "M"}), QStringLiteral("B  0.700"));
    QCOMPARE(predictionDetail(p[0], {"B", "M"}), QStringLiteral("B 0.200, M 0.800"));
}

void TestPredictions::tableShowsFirstValueAndTooltipAll()
{
    auto data = std::make_shared<Dataset>();
    data->inputs.push_back(Tensor({2, 3}));
    data->sampleLabels = {"0", "1"};
    data->sampleLabelName = "row";
    data->sampleUsable = {true, true};
    SampleTableModel model;
    model.setDataset(data);
    model.setPredictions(predictionsFromOutput(forecast(), {0, 1}, 2, false), {});
    const QModelIndex first = model.index(0, SampleTableModel::PredictionColumn);
    const QModelIndex second = model.index(1, SampleTableModel::PredictionColumn);
    QCOMPARE(model.data(first).toString(), QStringLiteral("-0.0153  …"));
    QVERIFY(!model.data(first).toString().contains("class"));
    QCOMPARE(model.data(first, Qt::ToolTipRole).toString(),
        QStringLiteral("6 values: -0.0153, -0.0211, -0.0302, -0.0188, -0.0101, -0.0297"));
    QCOMPARE(model.data(second, SampleTableModel::kSortRole).toDouble(), 1.5);
    QVERIFY(model.data(first, SampleTableModel::kSortRole).toDouble()
        < model.data(second, SampleTableModel::kSortRole).toDouble());
    const QString header
        = model.headerData(SampleTableModel::PredictionColumn, Qt::Horizontal, Qt::ToolTipRole)
              .toString();
    QVERIFY2(!header.contains("probability"), qPrintable(header));

    // A classifier's predictions: the header speaks of probabilities again.
    model.setPredictions(
        predictionsFromOutput(Tensor({2, 2}, {0.2f, 0.8f, 0.9f, 0.1f}), {0, 1}, 2, true),
        {"B", "M"});
    QCOMPARE(model.data(first).toString(), QStringLiteral("M  0.800"));
    QCOMPARE(model.data(first, Qt::ToolTipRole).toString(), QStringLiteral("B 0.200, M 0.800"));
    QVERIFY(model.headerData(SampleTableModel::PredictionColumn, Qt::Horizontal, Qt::ToolTipRole)
                .toString()
                .contains("probability"));
}

void TestPredictions::tableMarksMisclassifiedSamples()
{
    auto data = std::make_shared<Dataset>();
    data->inputs.push_back(Tensor({3, 2}));
    data->sampleLabels = {"0", "1", "2"};
    data->sampleLabelName = "row";
    data->targets = {"M", "B", "M"};
    data->sampleUsable = {true, true, true};
    SampleTableModel model;
    model.setDataset(data);
    // Sample 1 is predicted M (0.7) with target B; the others match their targets.
    model.setPredictions(predictionsFromOutput(Tensor({3, 2}, {0.1f, 0.9f, 0.3f, 0.7f, 0.4f, 0.6f}),
                             {0, 1, 2}, 3, true),
        {"B", "M"});
    const auto status = [&](int row, int role = Qt::DisplayRole) {
        return model.data(model.index(row, SampleTableModel::StatusColumn), role).toString();
    };
    QCOMPARE(status(0), QString());
    QCOMPARE(status(1), QStringLiteral("misclassified"));
    QCOMPARE(status(1, Qt::ToolTipRole), QStringLiteral("predicted M, target B"));
    QCOMPARE(status(2), QString());
    QVERIFY(
        model.data(model.index(1, SampleTableModel::StatusColumn), Qt::ForegroundRole).isValid());

    // Values (a regression) are never called misclassified.
    model.setPredictions(predictionsFromOutput(Tensor({3, 2}, {0.1f, 0.9f, 0.3f, 0.7f, 0.4f, 0.6f}),
                             {0, 1, 2}, 3, false),
        {"B", "M"});
    QCOMPARE(status(1), QString());
}

QTEST_MAIN(TestPredictions)
#include "tst_predictions.moc"
