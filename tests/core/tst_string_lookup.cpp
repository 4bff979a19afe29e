// Text and category preprocessing: TextVectorization, StringLookup, IntegerLookup and
// CategoryEncoding. The expected numbers are the outputs Keras prints in these layers' own
// docstrings (keras/src/layers/preprocessing/{text_vectorization,string_lookup,integer_lookup,
// category_encoding}.py, Keras 3), computed by Keras; the rest are worked by hand from
// index_lookup.py and text_vectorization.py, as each test says.
#include <QtTest>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/layers/registry.h"
#include "core/runtime/string_encoder.h"

using namespace attnlens;
using nlohmann::json;

namespace {

LayerConfig configOf(
    const std::string &className, json config, std::map<std::string, std::string> assets = {})
{
    LayerConfig c;
    c.name = "lookup";
    c.className = className;
    c.config = std::move(config);
    c.config["trainable"] = true;
    c.config["dtype"] = "float32";
    c.kerasVersion = "3.15.1";
    c.assets = std::move(assets);
    return c;
}

std::shared_ptr<const StringEncoder> encoderOf(
    const std::string &className, json config, std::map<std::string, std::string> assets = {})
{
    const auto layer = makeLayer(configOf(className, std::move(config), std::move(assets)));
    auto encoder = layer->stringEncoder();
    if (!encoder)
        throw std::runtime_error(className + " built no encoder");
    return encoder;
}

/// Encodes `rows` of text cells through `encoder` for an input of Keras shape `shape`.
Tensor encode(const StringEncoder &encoder, const std::vector<std::vector<std::string>> &rows,
    const Shape &shape)
{
    std::vector<std::string> cells;
    for (const auto &row : rows)
        cells.insert(cells.end(), row.begin(), row.end());
    std::vector<StringEncoder::Problem> problems;
    const auto width = static_cast<std::int64_t>(rows.empty() ? 0 : rows.front().size());
    Tensor out = encoder.encode(cells, std::int64_t(rows.size()), width, shape, problems);
    if (!problems.empty())
        throw std::runtime_error(problems.front().reason);
    return out;
}

std::vector<float> values(const Tensor &t)
{
    return {t.data(), t.data() + t.size()};
}

Tensor run(const Layer &layer, const Tensor &x)
{
    CallArgs args;
    args.tensors["inputs"] = {x};
    return layer.call(args, CallContext {}).outputs.at(0);
}

} // namespace

class TestStringLookup : public QObject
{
    Q_OBJECT

private slots:
    void textVectorizationDocstring()
    {
        // text_vectorization.py: adapt(["foo bar", "bar baz", "baz bada boom"]) gives the
        // vocabulary ['', '[UNK]', 'baz', 'bar', 'foo', 'boom', 'bada'] (count, then reverse
        // order); [["foo qux bar"], ["qux baz"]] with output_sequence_length=4 gives
        // [[4, 1, 3, 0], [1, 2, 0, 0]]. Saved adapted, the vocabulary is the asset
        // vocabulary.txt, written "\n".join(get_vocabulary()): its first line is empty.
        const auto encoder = encoderOf("TextVectorization",
            {{"max_tokens", 5000}, {"output_mode", "int"}, {"output_sequence_length", 4},
                {"vocabulary", nullptr}},
            {{"vocabulary.txt", "\n[UNK]\nbaz\nbar\nfoo\nboom\nbada"}});
        QCOMPARE(encoder->vocabulary().size(), std::size_t(7));
        const Tensor ids = encode(*encoder, {{"foo qux bar"}, {"qux baz"}}, {-1, 1});
        QCOMPARE(ids.shape(), (Shape {2, 4}));
        QCOMPARE(values(ids), (std::vector<float> {4, 1, 3, 0, 1, 2, 0, 0}));
    }

    void textVectorizationVocabularyInConfig()
    {
        // text_vectorization.py: vocabulary=["earth", "wind", "and", "fire"] gives
        // get_vocabulary() ['', '[UNK]', 'earth', 'wind', 'and', 'fire'].
        const auto encoder = encoderOf("TextVectorization",
            {{"output_sequence_length", 4}, {"vocabulary", {"earth", "wind", "and", "fire"}}});
        QCOMPARE(encoder->vocabulary(),
            (std::vector<std::string> {"", "[UNK]", "earth", "wind", "and", "fire"}));
        // By hand from _preprocess: lower-case (ASCII), strip the 32 ASCII punctuation
        // characters, split on runs of whitespace, cut to 4.
        const Tensor ids = encode(*encoder, {{"  Earth,\tWIND &  Fire! and more"}}, {-1, 1});
        QCOMPARE(values(ids), (std::vector<float> {2, 3, 5, 4}));
    }

    void textVectorizationModes()
    {
        // standardize None keeps case and punctuation; split "character" gives UTF-8
        // characters; without output_sequence_length texts pad to the longest.
        const auto chars = encoderOf("TextVectorization",
            {{"standardize", nullptr}, {"split", "character"},
                {"vocabulary", {"a", "b", "\xc3\xa9"}}});
        QCOMPARE(chars->encodedShape({-1, 1}), (Shape {-1, -1}));
        const Tensor ids = encode(*chars, {{"ab\xc3\xa9"}, {"Ba"}}, {-1, 1});
        QCOMPARE(ids.shape(), (Shape {2, 3}));
        QCOMPARE(values(ids), (std::vector<float> {2, 3, 4, 1, 2, 0}));
        const auto lower = encoderOf(
            "TextVectorization", {{"standardize", "lower"}, {"vocabulary", {"a.b", "c"}}});
        QCOMPARE(lower->terms("A.B  C"), (std::vector<std::string> {"a.b", "c"}));
        // split=None: the whole standardized text is one term, padded to the sequence length
        // (compute_output_shape is (batch, output_sequence_length) whatever the split).
        const auto whole = encoderOf("TextVectorization",
            {{"split", nullptr}, {"output_sequence_length", 3}, {"vocabulary", {"new york"}}});
        QCOMPARE(whole->encodedShape({-1, 1}), (Shape {-1, 3}));
        QCOMPARE(values(encode(*whole, {{"New York!"}, {"Boston"}}, {-1, 1})),
            (std::vector<float> {2, 0, 0, 1, 0, 0}));
        const auto strip = encoderOf(
            "TextVectorization", {{"standardize", "strip_punctuation"}, {"vocabulary", {"x"}}});
        QCOMPARE(strip->terms("A.B's [C]"), (std::vector<std::string> {"ABs", "C"}));
    }

    void stringLookupDocstring()
    {
        // string_lookup.py, vocab ["a", "b", "c", "d"].
        const json vocab = {"a", "b", "c", "d"};
        const auto plain = encoderOf("StringLookup", {{"vocabulary", vocab}});
        QCOMPARE(values(encode(*plain, {{"a", "c", "d"}, {"d", "z", "b"}}, {-1, 3})),
            (std::vector<float> {1, 3, 4, 4, 0, 2}));
        const auto oneHot
            = encoderOf("StringLookup", {{"vocabulary", vocab}, {"output_mode", "one_hot"}});
        const Tensor hot = encode(*oneHot, {{"a"}, {"b"}, {"c"}, {"d"}, {"z"}}, {-1});
        QCOMPARE(hot.shape(), (Shape {5, 5}));
        QCOMPARE(values(hot),
            (std::vector<float> {
                0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0}));
        const std::vector<std::vector<std::string>> data
            = {{"a", "c", "d", "d"}, {"d", "z", "b", "z"}};
        const auto multi
            = encoderOf("StringLookup", {{"vocabulary", vocab}, {"output_mode", "multi_hot"}});
        QCOMPARE(values(encode(*multi, data, {-1, 4})),
            (std::vector<float> {0, 1, 0, 1, 1, 1, 0, 1, 0, 1}));
        const auto count
            = encoderOf("StringLookup", {{"vocabulary", vocab}, {"output_mode", "count"}});
        QCOMPARE(values(encode(*count, data, {-1, 4})),
            (std::vector<float> {0, 1, 0, 1, 2, 2, 0, 1, 0, 1}));
        // The mask token takes index 0 and shifts the rest (index_lookup.py: oov start 1).
        const auto masked = encoderOf("StringLookup", {{"vocabulary", vocab}, {"mask_token", ""}});
        QCOMPARE(values(encode(*masked, {{"a", "c", ""}, {"", "z", "b"}}, {-1, 3})),
            (std::vector<float> {2, 4, 0, 0, 1, 3}));
    }

    void stringLookupRefusesWhatItCannotRun()
    {
        // num_oov_indices > 1 hashes unknown terms with FarmHash64: refused, with the reason.
        try {
            encoderOf("StringLookup", {{"vocabulary", {"a"}}, {"num_oov_indices", 2}});
            QFAIL("num_oov_indices=2 was accepted");
        } catch (const UnsupportedModelError &e) {
            QVERIFY2(std::string(e.what()).find("FarmHash64") != std::string::npos, e.what());
        }
        // No OOV index: an unknown term is a problem of its sample, not a silent index.
        const auto strict
            = encoderOf("StringLookup", {{"vocabulary", {"a", "b"}}, {"num_oov_indices", 0}});
        std::vector<StringEncoder::Problem> problems;
        const Tensor ids = strict->encode({"a", "q", "b"}, 3, 1, {-1, 1}, problems);
        QCOMPARE(problems.size(), std::size_t(1));
        QCOMPARE(problems[0].sample, std::int64_t(1));
        QVERIFY(problems[0].reason.find("'q'") != std::string::npos);
        QCOMPARE(values(ids), (std::vector<float> {0, 0, 1}));
        // A vocabulary the file does not hold names the way out.
        try {
            encoderOf("TextVectorization", {{"vocabulary", nullptr}});
            QFAIL("a layer without vocabulary was accepted");
        } catch (const InputFileError &e) {
            QVERIFY2(std::string(e.what()).find(".keras") != std::string::npos, e.what());
        }
        // The saved vocabulary_size must match what the asset holds.
        QVERIFY_THROWS_EXCEPTION(InputFileError,
            encoderOf("TextVectorization", {{"vocabulary", nullptr}, {"vocabulary_size", 9}},
                {{"vocabulary.txt", "\n[UNK]\nx"}}));
        // A Python standardize function is never run.
        QVERIFY_THROWS_EXCEPTION(UnsupportedModelError,
            encoderOf("TextVectorization",
                {{"vocabulary", {"x"}}, {"standardize", {{"class_name", "function"}}}}));
    }

    void integerLookupDocstring()
    {
        // integer_lookup.py, vocab [12, 36, 1138, 42].
        const json vocab = {12, 36, 1138, 42};
        const auto plain = makeLayer(configOf("IntegerLookup", {{"vocabulary", vocab}}));
        QCOMPARE(values(run(*plain, Tensor({2, 3}, {12, 1138, 42, 42, 1000, 36}))),
            (std::vector<float> {1, 3, 4, 4, 0, 2}));
        const auto twoOov
            = makeLayer(configOf("IntegerLookup", {{"vocabulary", vocab}, {"num_oov_indices", 2}}));
        QCOMPARE(values(run(*twoOov, Tensor({2, 3}, {12, 1138, 42, 37, 1000, 36}))),
            (std::vector<float> {2, 4, 5, 1, 0, 3}));
        const auto count = makeLayer(
            configOf("IntegerLookup", {{"vocabulary", vocab}, {"output_mode", "count"}}));
        QCOMPARE(values(run(*count, Tensor({2, 4}, {12, 1138, 42, 42, 42, 7, 36, 7}))),
            (std::vector<float> {0, 1, 0, 1, 2, 2, 0, 1, 0, 1}));
        const auto oneHot = makeLayer(
            configOf("IntegerLookup", {{"vocabulary", vocab}, {"output_mode", "one_hot"}}));
        const Tensor hot = run(*oneHot, Tensor({5}, {12, 36, 1138, 42, 7}));
        QCOMPARE(hot.shape(), (Shape {5, 5}));
        QCOMPARE(hot.data()[4], 0.0f);
        QCOMPARE(hot.data()[5 * 4 + 0], 1.0f); // 7 is OOV: index 0
    }

    void categoryEncodingDocstring()
    {
        // category_encoding.py: one_hot of [3, 2, 0, 1] with num_tokens=4; multi_hot of
        // [[0, 1], [0, 0], [1, 2], [3, 1]].
        const auto oneHot = makeLayer(
            configOf("CategoryEncoding", {{"num_tokens", 4}, {"output_mode", "one_hot"}}));
        QCOMPARE(values(run(*oneHot, Tensor({4}, {3, 2, 0, 1}))),
            (std::vector<float> {0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0}));
        const auto multi = makeLayer(configOf("CategoryEncoding", {{"num_tokens", 4}}));
        QCOMPARE(values(run(*multi, Tensor({4, 2}, {0, 1, 0, 0, 1, 2, 3, 1}))),
            (std::vector<float> {1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1}));
        // A (None, 1) input one-hot encodes to (None, num_tokens).
        const Tensor column = run(*oneHot, Tensor({2, 1}, {1, 3}));
        QCOMPARE(column.shape(), (Shape {2, 4}));
    }
};

QTEST_APPLESS_MAIN(TestStringLookup)
#include "tst_string_lookup.moc"
