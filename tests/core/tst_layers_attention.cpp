// MultiHeadAttention and InterpretableMultiHeadAttention against numbers Keras 3.15.1 computed
// (tests/data/layers/mha_*.json, copied unchanged from the keras/cross_attention and
// keras/causal fixtures by make_mha_cases.py), plus hand-checkable mask, rank and error cases.
#include <cmath>
#include <fstream>

#include <QtTest>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/layers/call_options_binder.h"
#include "core/layers/registry.h"
#include "tests/core/layer_fixture.h"
#include "tests/core/tensor_compare.h"
#include "tests/test_util.h"

using namespace attnlens;
using nlohmann::json;

namespace {

json loadCase(const std::string &name)
{
    std::ifstream in(testData("layers/" + name));
    return json::parse(in);
}

std::vector<Tensor> tensorsOf(const json &list)
{
    std::vector<Tensor> out;
    for (const auto &item : list)
        out.push_back(tensorOf(item));
    return out;
}

float maxAbsDiff(const Tensor &a, const Tensor &b)
{
    if (a.shape() != b.shape())
        return INFINITY;
    float m = 0.0f;
    for (std::int64_t i = 0; i < a.size(); ++i) {
        const float d = std::abs(a.data()[i] - b.data()[i]);
        m = std::isnan(d) ? INFINITY : std::max(m, d); // a NaN is the worst difference
    }
    return m;
}

Tensor runOne(const Layer &layer, const Tensor &x)
{
    CallArgs args;
    args.tensors["inputs"] = {x};
    return layer.call(args, CallContext {}).outputs.at(0);
}

/// A 1-head, key_dim-1 MHA whose query/key projections are identity on 1 feature and whose
/// value and output projections pass values through: scores are softmax(q * k).
std::unique_ptr<Layer> tinyMha(const std::string &version)
{
    std::vector<Tensor> w = {Tensor({1, 1, 1}, 1.0f), Tensor({1, 1}, 0.0f), Tensor({1, 1, 1}, 1.0f),
        Tensor({1, 1}, 0.0f), Tensor({1, 1, 1}, 1.0f), Tensor({1, 1}, 0.0f),
        Tensor({1, 1, 1}, 1.0f), Tensor({1}, 0.0f)};
    return makeLayer(configOf(
        "MultiHeadAttention", {{"name", "tiny"}, {"num_heads", 1}, {"key_dim", 1}}, w, version));
}

} // namespace

class TestLayersAttention : public QObject
{
    Q_OBJECT
private slots:
    void crossAttentionMatchesKeras()
    {
        const json c = loadCase("mha_cross_attention.json");
        auto mha = makeLayer(configOf("MultiHeadAttention", c["mha"], tensorsOf(c["mha_weights"])));
        QCOMPARE(mha->attention()->heads, 3);
        QCOMPARE(mha->attention()->valueDim, 7);
        QCOMPARE(mha->parameterCount(),
            std::int64_t(3 * (8 * 5 * 2 + 5 * 2 + 8 * 7 + 7) + 3 * 7 * 12 + 12));
        CallArgs args;
        args.tensors["query"] = {tensorOf(c["inputs"]["queries"])};
        args.tensors["value"] = {tensorOf(c["inputs"]["memory"])};
        const CallResult r = mha->call(args, CallContext {});
        QCOMPARE(r.outputs.at(0).shape(), (Shape {2, 6, 12}));
        QVERIFY(maxAbsDiff(r.attention, tensorOf(c["expected_attention"])) < 1e-6f);
        // Flatten + Dense(softmax) as in the fixture: the model output Keras computed.
        auto flatten = makeLayer(configOf("Flatten", {{"name", "flatten"}}, {}));
        auto dense = makeLayer(
            configOf("Dense", {{"name", "dense"}, {"units", 3}, {"activation", "softmax"}},
                tensorsOf(c["dense_weights"]["dense"])));
        const Tensor out = runOne(*dense, runOne(*flatten, r.outputs[0]));
        QVERIFY(maxAbsDiff(out, tensorOf(c["expected_output"])) < 1e-5f);
    }

    void causalMaskMatchesKeras()
    {
        const json c = loadCase("mha_causal.json");
        auto dense = makeLayer(
            configOf("Dense", {{"name", "dense"}, {"units", 16}, {"activation", "tanh"}},
                tensorsOf(c["dense_weights"]["dense"])));
        auto mha = makeLayer(configOf("MultiHeadAttention", c["mha"], tensorsOf(c["mha_weights"])));
        auto head = makeLayer(configOf("Dense", {{"name", "dense_1"}, {"units", 1}},
            tensorsOf(c["dense_weights"]["dense_1"])));
        const Tensor x = runOne(*dense, tensorOf(c["inputs"]["series"]));
        CallArgs args;
        args.tensors["query"] = {x};
        args.tensors["value"] = {x};
        args.options = bindCallOptions(*mha, {{"use_causal_mask", true}});
        const CallResult r = mha->call(args, CallContext {});
        QVERIFY(maxAbsDiff(r.attention, tensorOf(c["expected_attention"])) < 1e-6f);
        QCOMPARE(r.attention.data()[0 * 24 + 5], 0.0f); // row 0 attends to position 0 only
        QVERIFY(maxAbsDiff(runOne(*head, r.outputs[0]), tensorOf(c["expected_output"])) < 1e-5f);
        // Written to a caller's buffer (how Model::run collects scores): same numbers, and the
        // layer keeps no copy.
        const Tensor expected = tensorOf(c["expected_attention"]);
        Tensor buffer(expected.shape(), -1.0f);
        Shape asked;
        CallContext toBuffer;
        toBuffer.scoresDestination = [&](const Shape &shape) {
            asked = shape;
            return buffer.data();
        };
        const CallResult inPlace = mha->call(args, toBuffer);
        QCOMPARE(asked, expected.shape());
        QVERIFY(inPlace.attention.empty());
        QVERIFY(maxAbsDiff(buffer, expected) < 1e-6f);
        QCOMPARE(maxAbsDiff(inPlace.outputs[0], r.outputs[0]), 0.0f);
        // Without the causal mask the result differs: the test above can fail.
        args.options = bindCallOptions(*mha, {{"use_causal_mask", false}});
        QVERIFY(
            maxAbsDiff(mha->call(args, CallContext {}).attention, tensorOf(c["expected_attention"]))
            > 1e-2f);
    }

    void interpretableAttentionTakesKeyBeforeValue()
    {
        const json c = loadCase("mha_cross_attention.json");
        json config = {{"name", "imha"}, {"d_model", 5}, {"n_head", 3}, {"dropout_rate", 0.1},
            {"value_dim", 7}, {"output_shape", 12}};
        auto imha = makeLayer(
            configOf("InterpretableMultiHeadAttention", config, tensorsOf(c["mha_weights"])));
        QCOMPARE(imha->callSignature(),
            (std::vector<std::string> {"query", "key", "value", "training"}));
        QCOMPARE(imha->attention()->keyDim, 5);
        CallArgs args;
        args.tensors["query"] = {tensorOf(c["inputs"]["queries"])};
        args.tensors["key"] = {tensorOf(c["inputs"]["memory"])};
        args.tensors["value"] = {tensorOf(c["inputs"]["memory"])};
        const CallResult r = imha->call(args, CallContext {});
        QVERIFY(maxAbsDiff(r.attention, tensorOf(c["expected_attention"])) < 1e-6f);
        QCOMPARE(r.outputs.size(), std::size_t(1));
    }

    void returnAttentionScoresAddsAnOutput()
    {
        auto mha = tinyMha("3.15.1");
        CallArgs args;
        args.tensors["query"] = {Tensor({1, 2, 1}, std::vector<float> {1, 2})};
        args.tensors["value"] = {Tensor({1, 3, 1}, std::vector<float> {0, 1, 2})};
        args.options = bindCallOptions(*mha, {{"return_attention_scores", true}});
        const CallResult r = mha->call(args, CallContext {false, {}});
        QCOMPARE(r.outputs.size(), std::size_t(2));
        QCOMPARE(r.outputs[1].shape(), (Shape {1, 1, 2, 3}));
        QVERIFY(r.attention.empty());
        // query 1, keys 0,1,2: softmax(0, 1, 2); output = sum p * value
        const float e0 = 1, e1 = std::exp(1.0f), e2 = std::exp(2.0f);
        const float s = e0 + e1 + e2;
        QVERIFY(std::abs(r.outputs[1].data()[2] - e2 / s) < 1e-6f);
        QVERIFY(std::abs(r.outputs[0].data()[0] - (e1 + 2 * e2) / s) < 1e-5f);
    }

    void fullyMaskedRowsFollowTheKerasVersion()
    {
        Tensor query({1, 2, 1}, std::vector<float> {1, 2});
        Tensor value({1, 3, 1}, std::vector<float> {0, 1, 2});
        // attention mask: row 0 sees keys 0 and 2, row 1 sees nothing.
        Tensor mask({1, 2, 3}, std::vector<float> {1, 0, 1, 0, 0, 0});
        auto run = [&](const std::string &version) {
            CallArgs args;
            args.tensors["query"] = {query};
            args.tensors["value"] = {value};
            args.tensors["attention_mask"] = {mask};
            return tinyMha(version)->call(args, CallContext {}).attention;
        };
        const std::pair<const char *, bool> versions[] = {
            {"3.15.1", false}, {"3.11.0", false}, {"2.15.0", true}, {"3.8.0", true}, {"", false}};
        for (const auto &[version, keep] : versions) {
            const Tensor a = run(version);
            // partially masked row: softmax over keys 0 and 2 only
            const float p2 = std::exp(2.0f) / (1.0f + std::exp(2.0f));
            QVERIFY(std::abs(a.data()[2] - p2) < 1e-6f);
            QCOMPARE(a.data()[1], 0.0f);
            for (int j = 0; j < 3; ++j) {
                if (keep) // Keras 2, 3.0-3.9: additive -1e9 -> about uniform
                    QVERIFY(std::abs(a.data()[3 + j] - 1.0f / 3.0f) < 0.05f);
                else // Keras 3.10+: zeros
                    QCOMPARE(a.data()[3 + j], 0.0f);
            }
        }
    }

    void implicitMasksOfQueryAndValue()
    {
        auto mha = tinyMha("3.15.1");
        CallArgs args;
        args.tensors["query"] = {Tensor({1, 2, 1}, std::vector<float> {1, 2})};
        args.tensors["value"] = {Tensor({1, 3, 1}, std::vector<float> {0, 1, 2})};
        args.masks["query"] = {Tensor({1, 2}, std::vector<float> {1, 0})};
        args.masks["value"] = {Tensor({1, 3}, std::vector<float> {1, 1, 0})};
        const CallResult r = mha->call(args, CallContext {});
        const float p1 = std::exp(1.0f) / (1.0f + std::exp(1.0f));
        QVERIFY(std::abs(r.attention.data()[1] - p1) < 1e-6f);
        QCOMPARE(r.attention.data()[2], 0.0f);
        for (int j = 3; j < 6; ++j) // masked query row
            QCOMPARE(r.attention.data()[j], 0.0f);
        QCOMPARE(r.masks.at(0).values(), (std::vector<float> {1, 0}));
    }

    void higherRankJointSoftmaxAndAxes()
    {
        const json c = loadCase("mha_cross_attention.json");
        const Tensor q = tensorOf(c["inputs"]["queries"]); // (2, 6, 8)
        const Tensor v = tensorOf(c["inputs"]["memory"]);  // (2, 11, 8)
        // (2, 1, 6, 8) with attention_axes [2] is the 3-D computation with an extra axis.
        json config = c["mha"];
        config["attention_axes"] = {2};
        auto mha4 = makeLayer(configOf("MultiHeadAttention", config, tensorsOf(c["mha_weights"])));
        CallArgs args;
        args.tensors["query"] = {q.reshaped({2, 1, 6, 8})};
        args.tensors["value"] = {v.reshaped({2, 1, 11, 8})};
        const CallResult r = mha4->call(args, CallContext {});
        QCOMPARE(r.outputs[0].shape(), (Shape {2, 1, 6, 12}));
        QVERIFY(maxAbsDiff(r.attention, tensorOf(c["expected_attention"])) < 1e-6f);
        // attention_axes null on rank 4: one joint softmax over both key axes.
        config["attention_axes"] = nullptr;
        auto joint = makeLayer(configOf("MultiHeadAttention", config, tensorsOf(c["mha_weights"])));
        args.tensors["query"] = {q.reshaped({2, 2, 3, 8})};
        args.tensors["value"] = {v.slice(0, 2).reshaped({2, 11, 1, 8})};
        args.options = bindCallOptions(*joint, {{"return_attention_scores", true}});
        const CallResult j = joint->call(args, CallContext {});
        QCOMPARE(j.attention.shape(), (Shape {2, 3, 6, 11}));
        QCOMPARE(j.outputs[1].shape(), (Shape {2, 3, 2, 3, 11, 1}));
        // Flattening (2, 3) and (11, 1) gives the 3-D problem: same scores as Keras computed.
        QVERIFY(maxAbsDiff(j.attention, tensorOf(c["expected_attention"])) < 1e-6f);
    }

    void weightsThatDisagreeAreRefusedWithBothShapes()
    {
        const json c = loadCase("mha_cross_attention.json");
        json config = c["mha"];
        config["key_dim"] = 4;
        try {
            makeLayer(configOf("MultiHeadAttention", config, tensorsOf(c["mha_weights"])));
            QFAIL("expected InputFileError");
        } catch (const InputFileError &e) {
            const std::string m = e.what();
            QVERIFY2(m.find("'cross'") != std::string::npos, e.what());
            QVERIFY2(m.find("(8, 3, 5)") != std::string::npos, e.what());
            QVERIFY2(m.find("(8, 3, 4)") != std::string::npos, e.what());
        }
        config = c["mha"];
        config["num_heads"] = 1000000000;
        QVERIFY_EXCEPTION_THROWN(
            makeLayer(configOf("MultiHeadAttention", config, tensorsOf(c["mha_weights"]))),
            InputFileError);
        config = c["mha"];
        config["use_bias"] = false; // 4 weights expected, 8 given
        QVERIFY_EXCEPTION_THROWN(
            makeLayer(configOf("MultiHeadAttention", config, tensorsOf(c["mha_weights"]))),
            InputFileError);
        // An input of the wrong width is a ShapeError naming the layer.
        auto mha = makeLayer(configOf("MultiHeadAttention", c["mha"], tensorsOf(c["mha_weights"])));
        CallArgs args;
        args.tensors["query"] = {Tensor({1, 6, 5})};
        args.tensors["value"] = {Tensor({1, 11, 8})};
        QVERIFY_EXCEPTION_THROWN(mha->call(args, CallContext {}), ShapeError);
    }

    void factoryRefusesLambdaAndUnknownClasses()
    {
        try {
            makeLayer(configOf("Lambda", {{"name", "lam"}}, {}));
            QFAIL("expected UnsupportedModelError");
        } catch (const UnsupportedModelError &e) {
            QVERIFY(std::string(e.what()).find("Python code, which AttnLens never executes")
                != std::string::npos);
        }
        try {
            makeLayer(configOf("FancyAttention", {{"name", "fa"}}, {}));
            QFAIL("expected UnsupportedModelError");
        } catch (const UnsupportedModelError &e) {
            const std::string m = e.what();
            QVERIFY(m.find("'fa'") != std::string::npos
                && m.find("FancyAttention") != std::string::npos);
            QVERIFY(m.find("MultiHeadAttention") != std::string::npos);
        }
        QVERIFY(isKnownLayerClass("LayerNormalization"));
        QVERIFY(!isKnownLayerClass("Lambda"));
    }
};

QTEST_APPLESS_MAIN(TestLayersAttention)
#include "tst_layers_attention.moc"
