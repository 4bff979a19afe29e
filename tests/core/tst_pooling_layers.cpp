// Sequence pooling, padding, cropping and upsampling layers (MaxPooling1D, AveragePooling1D and
// their aliases, ZeroPadding1D, Cropping1D, UpSampling1D), built through makeLayer from Keras
// configs. Expected pooling values were computed with NumPy by padding the steps axis with NaN
// ('same': pad_total = max((T_out - 1) * s + k - T, 0), pad_total // 2 on the left, as
// TensorFlow / lax.reduce_window) and taking nanmax / nanmean over each window, which is how
// Keras averages over the real elements only; padding, cropping and upsampling values by hand.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <QtTest>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/layers/layer_config.h"
#include "core/layers/registry.h"
#include "core/runtime/layer.h"
#include "tests/core/keras_compare.h"
#include "tests/core/tensor_compare.h"

using namespace attnlens;
using nlohmann::json;

namespace {

std::unique_ptr<Layer> build(const std::string &className, json config)
{
    LayerConfig c;
    c.name = "layer_under_test";
    c.className = className;
    c.config = std::move(config);
    c.config["name"] = "layer_under_test";
    return makeLayer(c);
}

/// ((i * 37) % 23) - 11 for i = 0, 1, ...: mixed signs, no ties in a window of 2.
Tensor pattern(Shape shape)
{
    Tensor t(shape);
    for (std::int64_t i = 0; i < t.size(); ++i)
        t.data()[i] = static_cast<float>((i * 37) % 23 - 11);
    return t;
}

Tensor arange(Shape shape)
{
    Tensor t(shape);
    for (std::int64_t i = 0; i < t.size(); ++i)
        t.data()[i] = static_cast<float>(i);
    return t;
}

CallResult run(const Layer &layer, const Tensor &x, const Mask &mask = Mask())
{
    CallArgs args;
    args.tensors["inputs"] = {x};
    if (!mask.empty())
        args.masks["inputs"] = {mask};
    return layer.call(args, CallContext {});
}

Tensor runOne(const std::string &className, const json &config, const Tensor &x)
{
    return run(*build(className, config), x).outputs.at(0);
}

bool throwsWith(const std::function<void()> &f, const std::string &type, const std::string &text)
{
    try {
        f();
    } catch (const UnsupportedModelError &e) {
        qWarning("%s", e.what());
        return false;
    } catch (const InputFileError &e) {
        const bool ok = type == "InputFile" && std::string(e.what()).find(text) != std::string::npos
            && std::string(e.what()).find("layer_under_test") != std::string::npos;
        if (!ok)
            qWarning("%s", e.what());
        return ok;
    } catch (const ShapeError &e) {
        const bool ok = type == "Shape" && std::string(e.what()).find(text) != std::string::npos
            && std::string(e.what()).find("layer_under_test") != std::string::npos;
        if (!ok)
            qWarning("%s", e.what());
        return ok;
    }
    return false;
}

} // namespace

class TestPoolingLayers : public QObject
{
    Q_OBJECT
private slots:
    void classNamesAndAliases()
    {
        for (const char *name : {"MaxPooling1D", "MaxPool1D", "AveragePooling1D", "AvgPool1D",
                 "ZeroPadding1D", "Cropping1D", "UpSampling1D"})
            QVERIFY2(isKnownLayerClass(name), name);
        // x = {-11, 3, -6, 8, -1, -10, 4, -5, 9, 0, -9, 5, -4, 10} as (1, 7, 2)
        const Tensor x = pattern({1, 7, 2});
        const json config = {{"pool_size", {3}}, {"strides", {2}}, {"padding", "valid"}};
        QVERIFY(matches(runOne("MaxPool1D", config, x), {1, 3, 2}, {-1, 8, 9, 0, 9, 10}));
        QVERIFY(matches(
            runOne("AvgPool1D", config, x), {1, 3, 2}, {-6, 0.3333333f, 4, -5, -1.333333f, 5}));
    }

    void validPadding()
    {
        const Tensor x = pattern({1, 7, 2});
        // Keras 3 writes 1-tuples; tf.keras 2.15 too. strides 2 < pool_size 3: overlapping.
        json config = {{"pool_size", {3}}, {"strides", {2}}, {"padding", "valid"},
            {"data_format", "channels_last"}};
        QVERIFY(matches(runOne("MaxPooling1D", config, x), {1, 3, 2}, {-1, 8, 9, 0, 9, 10}));
        QVERIFY(matches(runOne("AveragePooling1D", config, x), {1, 3, 2},
            {-6, 0.3333333f, 4, -5, -1.333333f, 5}));
        // strides null = pool_size; 7 steps, pool 2: the last step is dropped
        config = {{"pool_size", 2}, {"strides", nullptr}, {"padding", "valid"}};
        QVERIFY(matches(runOne("MaxPooling1D", config, x), {1, 3, 2}, {-6, 8, 4, -5, 9, 5}));
        // strides 3 > pool_size 2: steps 2 and 5 are skipped
        config = {{"pool_size", {2}}, {"strides", {3}}};
        QVERIFY(
            matches(runOne("AveragePooling1D", config, x), {1, 2, 2}, {-8.5f, 5.5f, 6.5f, -2.5f}));
        // defaults: pool_size 2, strides = pool_size, valid
        QVERIFY(
            matches(runOne("MaxPooling1D", json::object(), x), {1, 3, 2}, {-6, 8, 4, -5, 9, 5}));
    }

    void samePadding()
    {
        const Tensor x = pattern({1, 7, 2});
        // 7 steps, pool 3, strides 2: 4 outputs, pad_total 2 -> one step each side
        json config = {{"pool_size", {3}}, {"strides", {2}}, {"padding", "same"}};
        QVERIFY(matches(runOne("MaxPooling1D", config, x), {1, 4, 2}, {-6, 8, 4, 8, 9, 5, -4, 10}));
        // the average divides by the real elements of each window (2 at both ends), not by 3
        QVERIFY(matches(runOne("AveragePooling1D", config, x), {1, 4, 2},
            {-8.5f, 5.5f, -1, -2.333333f, 1.333333f, 0, -6.5f, 7.5f}));
        // pool 2, strides 1: pad_total 1 goes to the right, so the last window is step 6 alone
        config = {{"pool_size", {2}}, {"strides", {1}}, {"padding", "same"}};
        QVERIFY(matches(runOne("AveragePooling1D", config, x), {1, 7, 2},
            {-8.5f, 5.5f, -3.5f, -1, 1.5f, -7.5f, 6.5f, -2.5f, 0, 2.5f, -6.5f, 7.5f, -4, 10}));
        // pool 4, strides 3: pad_total 3, one on the left and two on the right
        config = {{"pool_size", {4}}, {"strides", {3}}, {"padding", "same"}};
        QVERIFY(matches(runOne("AveragePooling1D", config, x), {1, 3, 2},
            {-6, 0.3333333f, 0.75f, -2.5f, -6.5f, 7.5f}));
        // 'same' with a pool longer than the input still gives ceil(T / s) steps
        config = {{"pool_size", {9}}, {"strides", {9}}, {"padding", "same"}};
        QVERIFY(matches(runOne("MaxPooling1D", config, x), {1, 1, 2}, {9, 10}));
    }

    void channelsFirst()
    {
        const Tensor x = pattern({2, 3, 7}); // (batch, channels, steps)
        json config = {{"pool_size", {3}}, {"strides", {2}}, {"padding", "same"},
            {"data_format", "channels_first"}};
        QVERIFY(matches(runOne("AveragePooling1D", config, x), {2, 3, 4},
            {-4, 1.666667f, -1, -3, 2, 0, -2.666667f, 3, -3.5f, -1.666667f, 3.333333f, -2.5f, 2.5f,
                -3.333333f, 1.666667f, 3.5f, -3, 2.666667f, 0, -2, 3, 1, -1.666667f, 4}));
        config = {{"pool_size", {2}}, {"strides", {2}}, {"padding", "valid"},
            {"data_format", "channels_first"}};
        QVERIFY(matches(runOne("MaxPooling1D", config, x), {2, 3, 3},
            {3, 8, -1, 9, 0, 5, 1, 6, 11, 7, 3, 8, 4, 9, 0, 10, 1, 6}));
    }

    void poolingDropsTheMask()
    {
        const auto layer = build("MaxPooling1D", {{"pool_size", {2}}});
        const CallResult result = run(*layer, pattern({1, 4, 2}), Mask({1, 4}, {1, 1, 1, 0}));
        QVERIFY(result.masks.empty() || result.masks[0].empty());
        // the mask does not change the values (Keras pooling ignores it)
        QVERIFY(matches(result.outputs.at(0), {1, 2, 2}, {-6, 8, 4, -5}));
    }

    void nanPropagatesThroughMax()
    {
        Tensor x({1, 2, 1}, {std::nanf(""), 1.0f});
        const Tensor y = runOne("MaxPooling1D", {{"pool_size", {2}}}, x);
        QVERIFY(std::isnan(y.data()[0]));
    }

    void badPoolingConfigs()
    {
        const auto make
            = [](const char *cls, json config) { return [cls, config] { build(cls, config); }; };
        QVERIFY(throwsWith(make("MaxPooling1D", {{"pool_size", 0}}), "InputFile", "pool_size"));
        QVERIFY(
            throwsWith(make("MaxPooling1D", {{"pool_size", {2, 2}}}), "InputFile", "pool_size"));
        QVERIFY(
            throwsWith(make("AveragePooling1D", {{"pool_size", "2"}}), "InputFile", "pool_size"));
        QVERIFY(throwsWith(make("AveragePooling1D", {{"strides", {0}}}), "InputFile", "strides"));
        QVERIFY(throwsWith(make("AveragePooling1D", {{"strides", -1}}), "InputFile", "strides"));
        QVERIFY(throwsWith(make("MaxPooling1D", {{"padding", "causal"}}), "InputFile", "causal"));
        QVERIFY(throwsWith(make("MaxPooling1D", {{"padding", 3}}), "InputFile", "padding"));
        QVERIFY(throwsWith(make("MaxPool1D", {{"data_format", "channels_middle"}}), "InputFile",
            "channels_middle"));
        LayerConfig withWeights;
        withWeights.name = "layer_under_test";
        withWeights.className = "MaxPooling1D";
        withWeights.config = json::object();
        withWeights.weights.push_back(Tensor({1}));
        QVERIFY(throwsWith([&] { makeLayer(withWeights); }, "InputFile", "weights"));
    }

    void inputTooShortOrNotASequence()
    {
        const auto layer = build("MaxPooling1D", {{"pool_size", {8}}, {"padding", "valid"}});
        QVERIFY(throwsWith([&] { run(*layer, pattern({1, 7, 2})); }, "Shape", "7 steps"));
        QVERIFY(matches(run(*layer, pattern({1, 8, 1})).outputs.at(0), {1, 1, 1}, {8}));
        QVERIFY(throwsWith([&] { run(*layer, pattern({2, 8})); }, "Shape", "rank 3"));
        const auto cf = build("AveragePooling1D",
            {{"pool_size", {4}}, {"padding", "valid"}, {"data_format", "channels_first"}});
        QVERIFY(throwsWith([&] { run(*cf, pattern({1, 8, 3})); }, "Shape", "3 steps"));
    }

    void zeroPadding()
    {
        const Tensor x = arange({1, 3, 2});
        QVERIFY(matches(runOne("ZeroPadding1D", {{"padding", {1, 2}}}, x), {1, 6, 2},
            {0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0, 0}));
        QVERIFY(matches(runOne("ZeroPadding1D", {{"padding", 2}}, x), {1, 7, 2},
            {0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0, 0}));
        QVERIFY(matches(
            runOne("ZeroPadding1D", {{"padding", {0, 0}}}, x), {1, 3, 2}, {0, 1, 2, 3, 4, 5}));
        // default padding 1
        QVERIFY(matches(
            runOne("ZeroPadding1D", json::object(), arange({1, 1, 1})), {1, 3, 1}, {0, 0, 0}));
        // Keras 3's data_format channels_first pads the last axis
        QVERIFY(matches(
            runOne("ZeroPadding1D", {{"padding", {1, 0}}, {"data_format", "channels_first"}},
                arange({1, 2, 3})),
            {1, 2, 4}, {0, 0, 1, 2, 0, 3, 4, 5}));
        // two samples
        QVERIFY(matches(runOne("ZeroPadding1D", {{"padding", {0, 1}}}, arange({2, 1, 2})),
            {2, 2, 2}, {0, 1, 0, 0, 2, 3, 0, 0}));
        const auto layer = build("ZeroPadding1D", {{"padding", 1}});
        const CallResult r = run(*layer, x, Mask({1, 3}, {1, 1, 0}));
        QVERIFY(r.masks.empty() || r.masks[0].empty());
    }

    void cropping()
    {
        const Tensor x = arange({1, 3, 2});
        QVERIFY(matches(runOne("Cropping1D", {{"cropping", {1, 0}}}, x), {1, 2, 2}, {2, 3, 4, 5}));
        QVERIFY(matches(runOne("Cropping1D", {{"cropping", {0, 2}}}, x), {1, 1, 2}, {0, 1}));
        QVERIFY(matches(runOne("Cropping1D", {{"cropping", 1}}, x), {1, 1, 2}, {2, 3}));
        QVERIFY(
            matches(runOne("Cropping1D", json::object(), x), {1, 1, 2}, {2, 3})); // default (1, 1)
        QVERIFY(matches(runOne("Cropping1D", {{"cropping", {1, 1}}}, arange({2, 4, 1})), {2, 2, 1},
            {1, 2, 5, 6}));
        // Keras: cropping must leave at least one step
        const auto layer = build("Cropping1D", {{"cropping", {2, 1}}});
        QVERIFY(throwsWith([&] { run(*layer, x); }, "Shape", "more than 3 steps"));
        QVERIFY(throwsWith([&] { run(*layer, arange({3, 2})); }, "Shape", "rank 3"));
    }

    void upSampling()
    {
        QVERIFY(matches(runOne("UpSampling1D", {{"size", 3}}, arange({1, 2, 2})), {1, 6, 2},
            {0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3}));
        QVERIFY(matches(runOne("UpSampling1D", json::object(), arange({2, 1, 1})), {2, 2, 1},
            {0, 0, 1, 1})); // default size 2
        QVERIFY(
            matches(runOne("UpSampling1D", {{"size", 1}}, arange({1, 2, 1})), {1, 2, 1}, {0, 1}));
    }

    void badPaddingCroppingUpSamplingConfigs()
    {
        const auto make
            = [](const char *cls, json config) { return [cls, config] { build(cls, config); }; };
        QVERIFY(throwsWith(make("ZeroPadding1D", {{"padding", -1}}), "InputFile", "padding"));
        QVERIFY(throwsWith(make("ZeroPadding1D", {{"padding", {1, -2}}}), "InputFile", "padding"));
        QVERIFY(
            throwsWith(make("ZeroPadding1D", {{"padding", {1, 2, 3}}}), "InputFile", "padding"));
        QVERIFY(throwsWith(
            make("ZeroPadding1D", {{"padding", json::array()}}), "InputFile", "padding"));
        QVERIFY(throwsWith(make("ZeroPadding1D", {{"padding", "1"}}), "InputFile", "padding"));
        QVERIFY(throwsWith(make("ZeroPadding1D", {{"data_format", "channels_middle"}}), "InputFile",
            "data_format"));
        QVERIFY(throwsWith(make("Cropping1D", {{"cropping", {-1, 0}}}), "InputFile", "cropping"));
        QVERIFY(throwsWith(make("Cropping1D", {{"cropping", 1.5}}), "InputFile", "cropping"));
        QVERIFY(throwsWith(make("UpSampling1D", {{"size", 0}}), "InputFile", "size"));
        QVERIFY(throwsWith(make("UpSampling1D", {{"size", {2, 2}}}), "InputFile", "size"));
    }
};

QTEST_APPLESS_MAIN(TestPoolingLayers)
#include "tst_pooling_layers.moc"
