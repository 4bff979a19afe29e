#include <algorithm>

#include <QTest>

#include "core/data/axis_labels.h"
#include "core/data/dataset.h"
#include "core/runtime/model.h"
#include "tests/test_util.h"

using namespace attnlens;

/// End to end: the demo model's inputs and traced axis origins label its attention map with the
/// CSV's 30 measurement names.
class TestDatasetDemo : public QObject
{
    Q_OBJECT

private slots:
    void featureAttentionIsLabelledWithMeasurements()
    {
        const std::filesystem::path demo
            = std::filesystem::path(ATTNLENS_TEST_DATA) / "../../resources/demo";
        const auto model = Model::open(demo / "breast_cancer_attention.keras");
        const Dataset data = loadDataset({demo / "breast_cancer.csv"}, model->inputs());
        QCOMPARE(data.sampleCount(), std::int64_t(569));
        QCOMPARE(data.targetName, std::string("diagnosis"));

        const auto &layers = model->attentionLayers();
        const auto it = std::find_if(layers.begin(), layers.end(),
            [](const AttentionLayerInfo &l) { return l.layerName == "feature_attention"; });
        QVERIFY(it != layers.end());
        QCOMPARE(it->queryOrigin.kind, AxisOrigin::Kind::Features);
        const AxisLabels labels = axisLabels(*it, data);
        QCOMPARE(labels.query.size(), std::size_t(30));
        QCOMPARE(labels.key.size(), std::size_t(30));
        QCOMPARE(labels.query.front(), std::string("mean_radius"));
        QCOMPARE(labels.key[10], std::string("radius_error"));
        QCOMPARE(labels.key.back(), std::string("worst_fractal_dimension"));

        // The loaded rows run through the model.
        const RunResult result = model->run({data.inputs[0].slice(0, 4)});
        QCOMPARE(result.outputs.front().shape(), (Shape {4, 2}));
    }
};

QTEST_APPLESS_MAIN(TestDatasetDemo)
#include "tst_dataset_demo.moc"
