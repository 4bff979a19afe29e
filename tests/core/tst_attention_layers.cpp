// keras.layers.Attention, AdditiveAttention, GroupQueryAttention and TimeDistributed as layers:
// - options the Keras-computed fixtures do not use (score_mode concat, use_scale false, causal,
//   masks, a fully masked row) against NumPy references written after Keras's own source
//   (tests/data/layers/attention_layers.json, made by tests/data/layers/make_attention_layers.py);
// - the maths of the keras/dot_attention fixture (Masking, two Dense, Attention, masked mean,
//   Dense) layer by layer against what Keras computed, since the whole file also needs Keras 3
//   operations (NotEqual, Any, ConvertToTensor);
// - hand-checked numbers for GroupQueryAttention's head sharing and TimeDistributed.
#include <cmath>
#include <fstream>

#include <QtTest>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/io/hdf5_file.h"
#include "core/layers/call_options_binder.h"
#include "core/layers/registry.h"
#include "tests/core/keras_compare.h"
#include "tests/core/layer_fixture.h"
#include "tests/core/tensor_compare.h"
#include "tests/test_util.h"

using namespace attnlens;
using nlohmann::json;

namespace {

const json &referenceCases()
{
    static const json cases = [] {
        std::ifstream in(testData("layers/attention_layers.json"));
        return json::parse(in)["cases"];
    }();
    return cases;
}

/// One call on `inputs` (a list argument "inputs") with the given masks per input.
CallResult callList(const Layer &layer, const std::vector<Tensor> &inputs,
    const std::vector<Mask> &masks, const json &constants = json::object())
{
    CallArgs args;
    args.tensors["inputs"] = inputs;
    args.masks["inputs"] = masks;
    args.masks["inputs"].resize(inputs.size());
    args.options = bindCallOptions(layer, constants);
    return layer.call(args, CallContext {});
}

CallResult callOne(const Layer &layer, const Tensor &x, const Mask &mask = Mask())
{
    CallArgs args;
    args.tensors["inputs"] = {x};
    args.masks["inputs"] = {mask};
    return layer.call(args, CallContext {});
}

/// A (E, U, H) kernel or (U, H) bias of counting values, so that every head differs.
Tensor counting(const Shape &shape, float step)
{
    Tensor t(shape);
    for (std::int64_t i = 0; i < t.size(); ++i)
        t.data()[i] = std::sin(step * static_cast<float>(i + 1));
    return t;
}

} // namespace

class TestAttentionLayers : public QObject
{
    Q_OBJECT
private slots:
    void matchesTheNumpyReference_data()
    {
        QTest::addColumn<int>("index");
        for (std::size_t i = 0; i < referenceCases().size(); ++i)
            QTest::newRow(referenceCases()[i]["name"].get<std::string>().c_str())
                << static_cast<int>(i);
    }

    void matchesTheNumpyReference()
    {
        guarded([&] {
            QFETCH(int, index);
            const json &c = referenceCases()[static_cast<std::size_t>(index)];
            std::vector<Tensor> weights;
            for (const json &w : c["weights"])
                weights.push_back(tensorOf(w));
            const auto layer = makeLayer(configOf(c["class_name"], c["config"], weights));
            std::vector<Tensor> inputs;
            for (const json &x : c["inputs"])
                inputs.push_back(tensorOf(x));
            const Mask queryMask = c["query_mask"].is_null() ? Mask() : tensorOf(c["query_mask"]);
            const Mask valueMask = c["value_mask"].is_null() ? Mask() : tensorOf(c["value_mask"]);
            const json constants
                = {{"use_causal_mask", c["use_causal_mask"]}, {"return_attention_scores", true}};
            const CallResult r = callList(*layer, inputs, {queryMask, valueMask}, constants);
            const Tensor want = tensorOf(c["expected_scores"]);
            QCOMPARE(r.outputs.size(), std::size_t(2));
            QCOMPARE(worstError(r.outputs[0], tensorOf(c["expected_output"]), 1e-5, 1e-4), 0.0);
            QCOMPARE(worstError(r.outputs[1], want, 1e-6, 0.0), 0.0);
            // The captured map is the same numbers as one head: (B, 1, Tq, Tv).
            QCOMPARE(r.partAttention.size(), std::size_t(1));
            const Shape &s = want.shape();
            QCOMPARE(
                worstError(r.partAttention[0], want.reshaped({s[0], 1, s[1], s[2]}), 1e-6, 0.0),
                0.0);
            // The output's mask is the query mask.
            QCOMPARE(r.masks.at(0).shape(), queryMask.shape());
            QCOMPARE(layer->parameterCount(),
                static_cast<std::int64_t>(weights.size())
                    * (c["class_name"] == "AdditiveAttention" && !weights.empty()
                            ? weights[0].size()
                            : 1));
        });
    }

    void maskedQueriesKeepFullRowsAndZeroOutputs()
    {
        guarded([&] {
            // Keras zeroes nothing in the distribution: a masked query still sums to 1 over the
            // unmasked keys; only its output row is 0. A fully masked sample is uniform (1/Tv).
            const json &c = referenceCases()[4]; // additive_unscaled_fully_masked
            QCOMPARE(c["name"].get<std::string>(), std::string("additive_unscaled_fully_masked"));
            const auto layer = makeLayer(configOf(c["class_name"], c["config"], {}));
            std::vector<Tensor> inputs;
            for (const json &x : c["inputs"])
                inputs.push_back(tensorOf(x));
            const CallResult r
                = callList(*layer, inputs, {tensorOf(c["query_mask"]), tensorOf(c["value_mask"])});
            const Tensor &p = r.partAttention.at(0); // (2, 1, 3, 5)
            for (std::int64_t b = 0; b < 2; ++b)
                for (std::int64_t i = 0; i < 3; ++i) {
                    double sum = 0.0;
                    for (std::int64_t j = 0; j < 5; ++j)
                        sum += p.data()[(b * 3 + i) * 5 + j];
                    QVERIFY(std::abs(sum - 1.0) < 1e-6);
                }
            QCOMPARE(p.data()[0 * 5 + 2], 0.0f);       // masked key, weight exactly 0
            QCOMPARE(p.data()[1 * 5 + 2], 0.0f);       // also for the masked query 1
            QCOMPARE(p.data()[(3 + 1) * 5 + 3], 0.2f); // sample 1: every key masked, uniform
            const Tensor &out = r.outputs.at(0);       // (2, 3, 3)
            for (std::int64_t d = 0; d < 3; ++d) {
                QCOMPARE(out.data()[(0 * 3 + 1) * 3 + d], 0.0f); // query 1 of sample 0 masked
                QVERIFY(out.data()[(0 * 3 + 0) * 3 + d] != 0.0f);
            }
        });
    }

    void dotAttentionFixtureMathsMatchesKeras()
    {
        guarded([&] {
            const Hdf5File weights(testData("keras/dot_attention/model.weights.h5"));
            const Hdf5File data(testData("keras/dot_attention/data.h5"));
            const Hdf5File expected(testData("keras/dot_attention/expected.h5"));
            auto dense = [&](const char *group, const char *name, int units, const char *act) {
                const std::string g = std::string("layers/") + group + "/vars/";
                return makeLayer(
                    configOf("Dense", {{"name", name}, {"units", units}, {"activation", act}},
                        {weights.readTensor(g + "0"), weights.readTensor(g + "1")}));
            };
            const auto masking
                = makeLayer(configOf("Masking", {{"name", "masking"}, {"mask_value", 0.0}}, {}));
            const auto query = dense("dense", "query_proj", 8, "linear");
            const auto value = dense("dense_1", "value_proj", 8, "linear");
            const auto head = dense("dense_2", "head", 3, "softmax");
            const Tensor scale = weights.readTensor("layers/attention/vars/0");
            QCOMPARE(scale.size(), std::int64_t(1));
            const auto attention = makeLayer(configOf("Attention",
                {{"name", "dot_attention"}, {"use_scale", true}, {"score_mode", "dot"}}, {scale}));
            const auto mean
                = makeLayer(configOf("GlobalAveragePooling1D", {{"name", "masked_mean"}}, {}));

            const CallResult masked = callOne(*masking, data.readTensor("series"));
            const Mask &mask = masked.masks.at(0);
            const CallResult q = callOne(*query, masked.outputs[0], mask);
            const CallResult v = callOne(*value, masked.outputs[0], mask);
            const CallResult a
                = callList(*attention, {q.outputs[0], v.outputs[0]}, {q.masks[0], v.masks[0]});
            const Tensor want = expected.readTensor("attention/dot_attention");
            QCOMPARE(worstError(a.partAttention.at(0), want, 1e-5, 0.0), 0.0);
            // The Attention node passes the query mask on; Keras hands the same mask to the mean.
            const CallResult pooled = callOne(*mean, a.outputs[0], a.masks.at(0));
            const Tensor out = callOne(*head, pooled.outputs[0]).outputs[0];
            QCOMPARE(worstError(out, expected.readTensor("outputs/0"), 1e-5, 1e-4), 0.0);
            // Row 1 has 7 real steps: its padded keys 7..9 get weight exactly 0, its padded
            // query 9 still attends (row sums to 1).
            const float *row = want.data() + (1 * 10 + 9) * 10;
            QCOMPARE(row[8], 0.0f);
            QVERIFY(row[0] > 0.0f);
        });
    }

    void attentionRefusesBadConfigsAndInputs()
    {
        guarded([&] {
            QVERIFY_EXCEPTION_THROWN(
                makeLayer(configOf("Attention", {{"name", "a"}, {"score_mode", "cosine"}}, {})),
                InputFileError);
            // use_scale without the scale, concat without its weight.
            QVERIFY_EXCEPTION_THROWN(
                makeLayer(configOf("Attention", {{"name", "a"}, {"use_scale", true}}, {})),
                InputFileError);
            QVERIFY_EXCEPTION_THROWN(
                makeLayer(configOf("Attention", {{"name", "a"}, {"score_mode", "concat"}}, {})),
                InputFileError);
            QVERIFY_EXCEPTION_THROWN(
                makeLayer(configOf("AdditiveAttention", {{"name", "a"}}, {Tensor({2, 2}, 1.0f)})),
                InputFileError);
            const auto dot = makeLayer(configOf("Attention", {{"name", "a"}}, {}));
            QVERIFY_EXCEPTION_THROWN(callList(*dot, {Tensor({1, 2, 3})}, {}), ShapeError);
            QVERIFY_EXCEPTION_THROWN(
                callList(*dot, {Tensor({1, 2, 3}), Tensor({1, 4, 2})}, {}), ShapeError);
            QVERIFY_EXCEPTION_THROWN(callList(*dot, {Tensor({1, 2, 3}), Tensor({1, 4, 3})},
                                         {Tensor({1, 3}, 1.0f), Mask()}),
                ShapeError);
            const auto additive
                = makeLayer(configOf("AdditiveAttention", {{"name", "b"}}, {Tensor({4}, 1.0f)}));
            QVERIFY_EXCEPTION_THROWN(
                callList(*additive, {Tensor({1, 2, 3}), Tensor({1, 4, 3})}, {}), ShapeError);
        });
    }

    void kerasTwoCausalConfig()
    {
        guarded([&] {
            // tf-keras before use_causal_mask: `causal: true` in the config, the same mask.
            const json &c = referenceCases()[2]; // dot_unscaled_causal
            QCOMPARE(c["name"].get<std::string>(), std::string("dot_unscaled_causal"));
            json config = c["config"];
            config["causal"] = true;
            const auto layer = makeLayer(configOf("Attention", config, {}, "2.11.0"));
            std::vector<Tensor> inputs;
            for (const json &x : c["inputs"])
                inputs.push_back(tensorOf(x));
            const CallResult r = callList(*layer, inputs, {});
            QCOMPARE(worstError(r.outputs[0], tensorOf(c["expected_output"]), 1e-5, 1e-4), 0.0);
        });
    }

    void groupedQueryHeadsShareKeyValueHeads()
    {
        guarded([&] {
            // 4 query heads, 2 key/value heads: query heads 0, 1 use key/value head 0 and 2, 3
            // use head 1 (h // 2). The same layer as a MultiHeadAttention whose key and value
            // heads are repeated by hand gives the same scores and output.
            const std::int64_t e = 3;
            const std::int64_t h = 2;
            const Tensor qk = counting({e, 4, h}, 0.3f);
            const Tensor qb = counting({4, h}, 0.7f);
            const Tensor kk = counting({e, 2, h}, 0.5f);
            const Tensor kb = counting({2, h}, 1.1f);
            const Tensor vk = counting({e, 2, h}, 0.9f);
            const Tensor vb = counting({2, h}, 1.3f);
            const Tensor ok = counting({4, h, e}, 0.2f);
            const Tensor ob = counting({e}, 0.4f);
            for (const char *className : {"GroupQueryAttention", "GroupedQueryAttention"}) {
                const auto gqa = makeLayer(configOf(className,
                    {{"name", "gqa"}, {"head_dim", h}, {"num_query_heads", 4},
                        {"num_key_value_heads", 2}, {"use_gate", false},
                        {"sliding_window", nullptr}},
                    {qk, qb, kk, kb, vk, vb, ok, ob}));
                QCOMPARE(gqa->attention()->heads, 4);
                QCOMPARE(gqa->parameterCount(),
                    qk.size() + qb.size() + 2 * (kk.size() + kb.size()) + ok.size() + ob.size());
                auto repeat = [&](const Tensor &w) { // (..., 2, h) -> (..., 4, h): 0 0 1 1
                    Shape s = w.shape();
                    const std::int64_t outer = w.size() / (2 * h);
                    s[s.size() - 2] = 4;
                    Tensor out(s);
                    for (std::int64_t a = 0; a < outer; ++a)
                        for (std::int64_t u = 0; u < 4; ++u)
                            for (std::int64_t d = 0; d < h; ++d)
                                out.data()[(a * 4 + u) * h + d] = w.data()[(a * 2 + u / 2) * h + d];
                    return out;
                };
                const auto mha = makeLayer(configOf("MultiHeadAttention",
                    {{"name", "mha"}, {"num_heads", 4}, {"key_dim", h}},
                    {qk, qb, repeat(kk), repeat(kb), repeat(vk), repeat(vb), ok, ob}));
                Tensor x({2, 5, e});
                for (std::int64_t i = 0; i < x.size(); ++i)
                    x.data()[i] = std::cos(0.37f * static_cast<float>(i));
                CallArgs args;
                args.tensors["query"] = {x};
                args.tensors["value"] = {x};
                args.options = bindCallOptions(*gqa, {{"use_causal_mask", true}});
                const CallResult g = gqa->call(args, CallContext {});
                const CallResult m = mha->call(args, CallContext {});
                QCOMPARE(g.attention.shape(), (Shape {2, 4, 5, 5}));
                QCOMPARE(worstError(g.attention, m.attention, 0.0, 0.0), 0.0);
                QCOMPARE(worstError(g.outputs[0], m.outputs[0], 0.0, 0.0), 0.0);
                QCOMPARE(g.attention.data()[0 * 5 + 1], 0.0f); // causal: row 0 sees key 0 only
                // Heads 0 and 1 share keys but not queries: their maps differ.
                QVERIFY(g.attention.data()[1 * 25 + 5 + 0] != g.attention.data()[0 * 25 + 5 + 0]);
            }
        });
    }

    void groupedQueryPaddedQueriesFollowTheFusedPath()
    {
        guarded([&] {
            // Keras >= 3.7 computes the outputs with ops.dot_product_attention when nobody asks
            // for the scores: a fully masked row (padded query 2 of sample 0) weighs every key
            // 1/Tk, padded ones included, while the scores Keras returns have a row of zeros.
            const std::int64_t e = 3;
            const std::int64_t h = 2;
            std::vector<Tensor> w = {counting({e, 4, h}, 0.3f), counting({4, h}, 0.7f),
                counting({e, 2, h}, 0.5f), counting({2, h}, 1.1f), counting({e, 2, h}, 0.9f),
                counting({2, h}, 1.3f), counting({4, h, e}, 0.2f), counting({e}, 0.4f)};
            const json config = {{"name", "gqa"}, {"head_dim", h}, {"num_query_heads", 4},
                {"num_key_value_heads", 2}, {"dropout", 0.0}};
            Tensor x({2, 5, e});
            for (std::int64_t i = 0; i < x.size(); ++i)
                x.data()[i] = std::cos(0.37f * static_cast<float>(i));
            const Mask mask({2, 5}, {1, 1, 0, 1, 1, 1, 1, 1, 1, 1});
            auto run = [&](const Layer &layer, const json &constants, bool masked) {
                CallArgs args;
                args.tensors["query"] = {x};
                args.tensors["value"] = {x};
                if (masked) {
                    args.masks["query"] = {mask};
                    args.masks["value"] = {mask};
                }
                args.options = bindCallOptions(layer, constants);
                return layer.call(args, CallContext {});
            };
            auto rowOf = [&](const Tensor &t, std::int64_t b, std::int64_t i) {
                return t.slice(b, b + 1).reshaped({5, e}).slice(i, i + 1);
            };
            const auto gqa = makeLayer(configOf("GroupQueryAttention", config, w));
            const CallResult r = run(*gqa, json::object(), true);
            for (std::int64_t u = 0; u < 4; ++u)
                for (std::int64_t j = 0; j < 5; ++j) {
                    QCOMPARE(r.attention.data()[((0 * 4 + u) * 5 + 2) * 5 + j], 0.0f);
                    QCOMPARE(r.attention.data()[((0 * 4 + u) * 5 + j) * 5 + 2], 0.0f);
                }
            // Uniform weights on every key: what a zero query projection gives without masks.
            std::vector<Tensor> zeroQuery = w;
            zeroQuery[0] = Tensor({e, 4, h});
            zeroQuery[1] = Tensor({4, h});
            const auto uniform = makeLayer(configOf("GroupQueryAttention", config, zeroQuery));
            const Tensor mean = run(*uniform, json::object(), false).outputs[0];
            QVERIFY(worstError(rowOf(r.outputs[0], 0, 2), rowOf(mean, 0, 2), 1e-6, 0.0) == 0.0);
            // The unmasked rows are the ordinary masked attention of the explicit path.
            const CallResult explicitPath = run(*gqa, {{"return_attention_scores", true}}, true);
            QCOMPARE(explicitPath.outputs.size(), std::size_t(2));
            QCOMPARE(worstError(rowOf(r.outputs[0], 0, 1), rowOf(explicitPath.outputs[0], 0, 1),
                         1e-6, 0.0),
                0.0);
            QCOMPARE(worstError(rowOf(r.outputs[0], 1, 2), rowOf(explicitPath.outputs[0], 1, 2),
                         1e-6, 0.0),
                0.0);
            // Asked for the scores, Keras uses the zero row: the output of the padded query is
            // the output bias.
            QCOMPARE(rowOf(explicitPath.outputs[0], 0, 2).values(), w[7].values());
            // Before Keras 3.7 there is no fused path, but the masked softmax adds -1e9 and keeps
            // the row (Keras < 3.10): every key of the padded query weighs 1/5 in the scores too.
            const auto older = makeLayer(configOf("GroupQueryAttention", config, w, "3.6.0"));
            const CallResult o = run(*older, json::object(), true);
            QCOMPARE(o.attention.data()[((0 * 4 + 3) * 5 + 2) * 5 + 4], 0.2f);
            QVERIFY(worstError(rowOf(o.outputs[0], 0, 2), rowOf(mean, 0, 2), 1e-6, 0.0) == 0.0);
        });
    }

    void groupedQueryRefusesWhatItCannotRun()
    {
        guarded([&] {
            const std::vector<Tensor> w = {Tensor({3, 4, 2}), Tensor({4, 2}), Tensor({3, 2, 2}),
                Tensor({2, 2}), Tensor({3, 2, 2}), Tensor({2, 2}), Tensor({4, 2, 3}), Tensor({3})};
            const json base = {{"name", "gqa"}, {"head_dim", 2}, {"num_query_heads", 4},
                {"num_key_value_heads", 2}};
            QVERIFY(makeLayer(configOf("GroupQueryAttention", base, w)) != nullptr);
            json odd = base;
            odd["num_key_value_heads"] = 3;
            QVERIFY_EXCEPTION_THROWN(
                makeLayer(configOf("GroupQueryAttention", odd, w)), InputFileError);
            json gate = base;
            gate["use_gate"] = true;
            QVERIFY_EXCEPTION_THROWN(
                makeLayer(configOf("GroupQueryAttention", gate, w)), UnsupportedModelError);
            json window = base;
            window["sliding_window"] = 4;
            QVERIFY_EXCEPTION_THROWN(
                makeLayer(configOf("GroupQueryAttention", window, w)), UnsupportedModelError);
            std::vector<Tensor> wrongKey = w;
            wrongKey[2] = Tensor({3, 4, 2}); // a key kernel with the query's heads
            QVERIFY_EXCEPTION_THROWN(
                makeLayer(configOf("GroupQueryAttention", base, wrongKey)), InputFileError);
            const auto gqa = makeLayer(configOf("GroupQueryAttention", base, w));
            CallArgs args;
            args.tensors["query"] = {Tensor({1, 2, 2, 3})};
            args.tensors["value"] = {Tensor({1, 2, 2, 3})};
            QVERIFY_EXCEPTION_THROWN(gqa->call(args, CallContext {}), ShapeError);
        });
    }

    void timeDistributedRunsTheLayerOnEveryStep()
    {
        guarded([&] {
            // Dense(2) with kernel [[1, 0], [0, 1], [1, 1]] and bias [0.5, -0.5], on each of the
            // 2 steps of a (1, 2, 1, 3) input: step t's row [a, b, c] -> [a + c + 0.5, b + c -
            // 0.5].
            const json inner = {{"class_name", "Dense"},
                {"config", {{"name", "dense"}, {"units", 2}, {"activation", "linear"}}}};
            const auto td
                = makeLayer(configOf("TimeDistributed", {{"name", "td"}, {"layer", inner}},
                    {Tensor({3, 2}, {1, 0, 0, 1, 1, 1}), Tensor({2}, {0.5f, -0.5f})}));
            QCOMPARE(td->parameterCount(), std::int64_t(8));
            const Mask mask({1, 2}, {1.0f, 0.0f});
            const CallResult r = callOne(*td, Tensor({1, 2, 1, 3}, {1, 2, 3, 4, 5, 6}), mask);
            QCOMPARE(r.outputs[0].shape(), (Shape {1, 2, 1, 2}));
            QCOMPARE(r.outputs[0].values(), (std::vector<float> {4.5f, 4.5f, 10.5f, 10.5f}));
            QCOMPARE(r.masks.at(0).values(), mask.values()); // the time mask passes through

            // Flatten per step: (1, 2, 2, 2) -> (1, 2, 4).
            const json flatten = {{"class_name", "Flatten"}, {"config", {{"name", "flatten"}}}};
            const auto tf
                = makeLayer(configOf("TimeDistributed", {{"name", "tf"}, {"layer", flatten}}, {}));
            const CallResult f = callOne(*tf, Tensor({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}));
            QCOMPARE(f.outputs[0].shape(), (Shape {1, 2, 4}));
            QCOMPARE(f.outputs[0].values(), (std::vector<float> {1, 2, 3, 4, 5, 6, 7, 8}));
            QVERIFY_EXCEPTION_THROWN(callOne(*tf, Tensor({2, 3})), ShapeError);
        });
    }

    void timeDistributedRefusesWhatItCannotRun()
    {
        guarded([&] {
            QVERIFY_EXCEPTION_THROWN(
                makeLayer(configOf("TimeDistributed", {{"name", "td"}}, {})), InputFileError);
            const json lambda = {{"class_name", "Lambda"}, {"config", {{"name", "f"}}}};
            QVERIFY_EXCEPTION_THROWN(
                makeLayer(configOf("TimeDistributed", {{"name", "td"}, {"layer", lambda}}, {})),
                UnsupportedModelError);
            const json attention = {{"class_name", "Attention"}, {"config", {{"name", "a"}}}};
            QVERIFY_EXCEPTION_THROWN(
                makeLayer(configOf("TimeDistributed", {{"name", "td"}, {"layer", attention}}, {})),
                UnsupportedModelError);
            // The wrapped Dense's weights must fit it.
            const json inner = {{"class_name", "Dense"}, {"config", {{"name", "d"}, {"units", 2}}}};
            QVERIFY_EXCEPTION_THROWN(makeLayer(configOf("TimeDistributed",
                                         {{"name", "td"}, {"layer", inner}}, {Tensor({3, 5})})),
                InputFileError);
        });
    }
};

QTEST_GUILESS_MAIN(TestAttentionLayers)
#include "tst_attention_layers.moc"
