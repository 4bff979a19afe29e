// KerasFactory layers and cases no Keras fixture covers (tests/core/tst_kerasfactory_fixtures.cpp
// has the five Keras-computed cases): hand-checked or NumPy-computed numbers, each from the
// KerasFactory source line it follows (UnicoLab/KerasFactory@0c44b0e), the older kmr.layers
// name, the legacy weight order, and the refusals with their reasons.
#include <cmath>

#include <QTest>

#include "core/errors.h"
#include "core/layers/registry.h"
#include "core/layers/sublayer_weights.h"
#include "tests/core/keras_compare.h"

using namespace attnlens;

namespace {

LayerConfig kfConfig(const std::string &className, nlohmann::json config,
    std::vector<Tensor> weights = {}, const std::string &package = "kerasfactory.layers")
{
    LayerConfig c;
    c.name = "layer";
    c.className = className;
    c.registeredName = package + ">" + className;
    c.config = std::move(config);
    c.weights = std::move(weights);
    c.file = "model.keras";
    return c;
}

Tensor runOne(const Layer &layer, const Tensor &x)
{
    CallArgs args;
    args.tensors["inputs"] = {x};
    return layer.call(args, CallContext()).outputs.at(0);
}

std::string refusalOf(const LayerConfig &config)
{
    try {
        makeLayer(config);
    } catch (const UnsupportedModelError &e) {
        return e.what();
    }
    return "(accepted)";
}

} // namespace

class TestKerasFactoryLayers : public QObject
{
    Q_OBJECT

private slots:
    // DistributionTransformLayer._apply_transform (DistributionTransformLayer.py): the
    // element-wise modes at x = -2, -0.5, 0, 0.25, 3, expected values computed with NumPy in
    // float32 from the same formulas (eps = 1e-10, lambda = 0.5 where used).
    void distributionTransformModes_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<std::vector<float>>("expected");
        QTest::newRow("sqrt") << "sqrt"
                              << std::vector<float> {1e-5f, 1e-5f, 1e-5f, 0.5f, 1.7320508f};
        QTest::newRow("box-cox") << "box-cox"
                                 << std::vector<float> {
                                        -1.99998f, -1.99998f, -1.99998f, -1.0f, 1.4641018f};
        QTest::newRow("yeo-johnson")
            << "yeo-johnson"
            << std::vector<float> {-2.797435f, -0.5580782f, 0.0f, 0.23606801f, 2.0f};
        QTest::newRow("cube-root")
            << "cube-root"
            << std::vector<float> {-1.2599211f, -0.7937005f, 4.6415877e-4f, 0.6299605f, 1.4422495f};
        QTest::newRow("logit") << "logit"
                               << std::vector<float> {-11.512916f, -11.512916f, -11.512916f,
                                      -1.0986123f, 11.511559f};
        QTest::newRow("arcsinh") << "arcsinh"
                                 << std::vector<float> {
                                        -1.4436353f, -0.48121178f, 0.0f, 0.24746643f, 1.8184464f};
        QTest::newRow("none") << "none" << std::vector<float> {-2.0f, -0.5f, 0.0f, 0.25f, 3.0f};
    }

    void distributionTransformModes()
    {
        guarded([&] {
            QFETCH(QString, mode);
            QFETCH(std::vector<float>, expected);
            const auto layer = makeLayer(kfConfig("DistributionTransformLayer",
                {{"transform_type", mode.toStdString()}, {"lambda_param", 0.5},
                    {"epsilon", 1e-10}}));
            const Tensor y = runOne(*layer, Tensor({1, 5}, {-2.0f, -0.5f, 0.0f, 0.25f, 3.0f}));
            QVERIFY(matches(y, {1, 5}, expected, 1e-5, 1e-5));
        });
    }

    // 'log' is log(x + eps): log(0.25) and log(3) by hand.
    void distributionTransformLog()
    {
        guarded([&] {
            const auto layer
                = makeLayer(kfConfig("DistributionTransformLayer", {{"transform_type", "log"}}));
            QVERIFY(matches(
                runOne(*layer, Tensor({1, 2}, {0.25f, 3.0f})), {1, 2}, {-1.3862944f, 1.0986123f}));
        });
    }

    // The older package name kmr.layers (files saved before 2025-11-13) runs the same maths.
    // GatedLinearUnit.call: linear(x) * sigmoid(x). By hand for x = (1, 2): linear
    // 1*1 + 2*2 + 0.5 = 5.5; gate sigmoid(0.5*1 - 1*2) = sigmoid(-1.5) = 0.18242552; y = 1.0033404.
    void kmrAliasGatedLinearUnit()
    {
        guarded([&] {
            const auto layer = makeLayer(kfConfig("GatedLinearUnit", {{"units", 1}},
                {Tensor({2, 1}, {1.0f, 2.0f}), Tensor({1}, {0.5f}), Tensor({2, 1}, {0.5f, -1.0f}),
                    Tensor({1}, {0.0f})},
                "kmr.layers"));
            QVERIFY(matches(runOne(*layer, Tensor({1, 2}, {1.0f, 2.0f})), {1, 1}, {1.0033404f}));
        });
    }

    // DifferentiableTabularPreprocessor.call: where(isnan(x), impute, x) * gamma + beta. By hand:
    // x = (NaN, 2), impute (7, 0), gamma (2, 3), beta (1, -1) -> (2*7 + 1, 3*2 - 1) = (15, 5).
    void preprocessorImputesNaN()
    {
        guarded([&] {
            const auto layer
                = makeLayer(kfConfig("DifferentiableTabularPreprocessor", {{"num_features", 2}},
                    {Tensor({2}, {7.0f, 0.0f}), Tensor({2}, {2.0f, 3.0f}),
                        Tensor({2}, {1.0f, -1.0f})}));
            QVERIFY(matches(
                runOne(*layer, Tensor({1, 2}, {std::nanf(""), 2.0f})), {1, 2}, {15.0f, 5.0f}));
        });
    }

    // StochasticDepth at inference: shortcut + survival_prob * residual. By hand:
    // (1, 2) + 0.8 * (10, 20) = (9, 18).
    void stochasticDepthScalesTheResidual()
    {
        guarded([&] {
            const auto layer = makeLayer(kfConfig("StochasticDepth", {{"survival_prob", 0.8}}));
            CallArgs args;
            args.tensors["inputs"] = {Tensor({1, 2}, {1.0f, 2.0f}), Tensor({1, 2}, {10.0f, 20.0f})};
            QVERIFY(matches(layer->call(args, CallContext()).outputs.at(0), {1, 2}, {9.0f, 18.0f}));
        });
    }

    // Legacy .h5 lists layer.trainable_weights + layer.non_trainable_weights: a sublayer's
    // BatchNormalization moving statistics come after every trainable weight (ColumnAttention's
    // legacy weight_names: dense, BN gamma/beta, dense_1, then BN moving mean/variance).
    void legacyWeightOrder()
    {
        guarded([&] {
            LayerConfig config = kfConfig("ColumnAttention", nlohmann::json::object());
            for (int i = 0; i < 8; ++i)
                config.weights.push_back(Tensor({1}, {float(i)}));
            const std::vector<WeightCount> plan = {{2, 0}, {2, 2}, {2, 0}};
            config.weightOrder = WeightOrder::TrainableFirst;
            auto legacy = splitSublayerWeights(config, plan);
            QCOMPARE(legacy[1].size(), std::size_t(4));
            QCOMPARE(legacy[1][2].values()[0], 6.0f); // moving mean: after the 6 trainable
            QCOMPARE(legacy[2][0].values()[0], 4.0f);
            config.weightOrder = WeightOrder::PerSublayer;
            auto keras3 = splitSublayerWeights(config, plan);
            QCOMPARE(keras3[1][2].values()[0], 4.0f);
            QCOMPARE(keras3[2][0].values()[0], 6.0f);
            config.weights.pop_back();
            QVERIFY_THROWS_EXCEPTION(InputFileError, splitSublayerWeights(config, plan));
        });
    }

    // The classes docs/kerasfactory.md §8 says cannot be reproduced are refused, naming the
    // layer and the reason; so are batch-statistics transforms, KDP's layers, and a class of
    // another package that shares a KerasFactory class name.
    void refusals()
    {
        guarded([&] {
            const std::string rules = refusalOf(kfConfig("BusinessRulesLayer", {}));
            QVERIFY2(rules.find("layer 'layer'") != std::string::npos, rules.c_str());
            QVERIFY2(rules.find("string tensors") != std::string::npos, rules.c_str());
            QVERIFY(
                refusalOf(kfConfig("CategoricalAnomalyDetectionLayer", {})).find("string tensors")
                != std::string::npos);
            QVERIFY(refusalOf(kfConfig("DateParsingLayer", {})).find("parses date strings")
                != std::string::npos);
            QVERIFY(refusalOf(kfConfig("DistributionAwareEncoder", {})).find("statistics")
                != std::string::npos);
            const std::string autoMode
                = refusalOf(kfConfig("DistributionTransformLayer", {{"transform_type", "auto"}}));
            QVERIFY2(autoMode.find("'auto'") != std::string::npos, autoMode.c_str());
            QVERIFY2(autoMode.find("first batch") != std::string::npos, autoMode.c_str());
            for (const char *mode : {"quantile", "robust-scale", "min-max"})
                QVERIFY(
                    refusalOf(kfConfig("DistributionTransformLayer", {{"transform_type", mode}}))
                        .find("statistics of the current batch")
                    != std::string::npos);
            LayerConfig kdp = kfConfig("DistributionTransformLayer", {}, {}, "kdp.layers");
            QVERIFY(refusalOf(kdp).find("KDP") != std::string::npos);
            const std::string other = refusalOf(kfConfig("TransformerBlock", {}, {}, "Custom"));
            QVERIFY2(other.find("not as a KerasFactory class") != std::string::npos, other.c_str());
            QVERIFY(!isKnownLayerClass("BusinessRulesLayer"));
            QVERIFY(isKnownLayerClass("TabularAttention"));
        });
    }
};

QTEST_APPLESS_MAIN(TestKerasFactoryLayers)
#include "tst_kerasfactory_layers.moc"
