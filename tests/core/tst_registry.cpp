// The registry (core/layers/registry.h): every row builds from a minimal config or refuses with
// one clear message naming the layer, aliases build the same layer, unknown classes list the
// supported ones, composite rows give their sublayers in Keras's weight order, and the built
// layers answer positions() and bindCallOptions() from their parsed settings.
#include <cmath>
#include <typeinfo>

#include <QtTest>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/layers/call_options_binder.h"
#include "core/layers/multi_head_attention.h"
#include "core/layers/registry.h"

using namespace attnlens;
using nlohmann::json;

namespace {

LayerConfig configOf(
    const std::string &className, json config = json::object(), std::vector<Tensor> weights = {})
{
    LayerConfig c;
    c.name = "layer_under_test";
    c.className = className;
    c.config = std::move(config);
    c.config["name"] = "layer_under_test";
    // As every keras.layers config has them (without, Add or Reshape are taken for operations).
    c.config["trainable"] = true;
    c.config["dtype"] = "float32";
    c.weights = std::move(weights);
    return c;
}

std::unique_ptr<Layer> build(
    const std::string &className, json config = json::object(), std::vector<Tensor> weights = {})
{
    return makeLayer(configOf(className, std::move(config), std::move(weights)));
}

/// The message of the attnlens::Error `f` throws; fails the test for any other exception.
std::string errorOf(const std::function<void()> &f, bool &threw)
{
    threw = false;
    try {
        f();
    } catch (const Error &e) {
        threw = true;
        return e.what();
    }
    return {};
}

bool has(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

PositionRule::Kind kindOf(const Layer &layer)
{
    return layer.positions().kind;
}

/// An LSTM (units 2 on 3 features) with zero weights.
std::unique_ptr<Layer> lstm(bool returnSequences)
{
    return build("LSTM", {{"units", 2}, {"return_sequences", returnSequences}},
        {Tensor({3, 8}), Tensor({2, 8}), Tensor({8})});
}

std::unique_ptr<Layer> conv1d(const std::string &padding, int strides)
{
    return build("Conv1D",
        {{"filters", 2}, {"kernel_size", 3}, {"padding", padding}, {"strides", strides}},
        {Tensor({3, 4, 2}), Tensor({2})});
}

std::unique_ptr<Layer> einsum(const std::string &equation, json outputShape, Shape kernel)
{
    return build("EinsumDense",
        {{"equation", equation}, {"output_shape", std::move(outputShape)}, {"bias_axes", nullptr}},
        {Tensor(kernel)});
}

} // namespace

class TestRegistry : public QObject
{
    Q_OBJECT
private slots:
    void everyRowBuildsOrRefusesClearly()
    {
        // A minimal config (a name, no weights): either a layer comes back, or an
        // attnlens::Error names the layer. Nothing else may escape (no JSON type errors).
        int built = 0;
        int refused = 0;
        for (const std::string &name : knownLayerClasses()) {
            bool threw = false;
            std::unique_ptr<Layer> layer;
            std::string message;
            try {
                message = errorOf([&] { layer = build(name); }, threw);
            } catch (const std::exception &e) {
                QFAIL(qPrintable(
                    QString::fromStdString(name + " threw a non-attnlens exception: " + e.what())));
            }
            if (threw) {
                QVERIFY2(has(message, "layer_under_test"), (name + ": " + message).c_str());
                ++refused;
            } else {
                QVERIFY2(layer != nullptr, name.c_str());
                QCOMPARE(layer->name(), std::string("layer_under_test"));
                ++built;
            }
        }
        // Weightless layers (Dropout, ReLU, Add, Flatten, ...) build; weighted ones refuse.
        QVERIFY(built > 20);
        QVERIFY(refused > 5);
    }

    void aliasesBuildTheSameLayer_data()
    {
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("second");
        QTest::addColumn<QString>("config");
        QTest::newRow("max pooling") << "MaxPooling1D"
                                     << "MaxPool1D"
                                     << "{}";
        QTest::newRow("average pooling") << "AveragePooling1D"
                                         << "AvgPool1D"
                                         << "{}";
        QTest::newRow("global average") << "GlobalAveragePooling1D"
                                        << "GlobalAvgPool1D"
                                        << "{}";
        QTest::newRow("global max") << "GlobalMaxPooling1D"
                                    << "GlobalMaxPool1D"
                                    << "{}";
        QTest::newRow("dropouts") << "Dropout"
                                  << "SpatialDropout1D"
                                  << R"({"rate": 0.5})";
    }

    void aliasesBuildTheSameLayer()
    {
        QFETCH(QString, first);
        QFETCH(QString, second);
        QFETCH(QString, config);
        const json c = json::parse(config.toStdString());
        QVERIFY(isKnownLayerClass(first.toStdString()));
        QVERIFY(isKnownLayerClass(second.toStdString()));
        const auto a = build(first.toStdString(), c);
        const auto b = build(second.toStdString(), c);
        QVERIFY(typeid(*a) == typeid(*b));
        QCOMPARE(kindOf(*a), kindOf(*b));
        QCOMPARE(a->callSignature(), b->callSignature());
    }

    void convolutionAliasBuildsTheSameLayer()
    {
        for (const char *name : {"Conv1D", "Convolution1D"}) {
            const auto layer = build(
                name, {{"filters", 2}, {"kernel_size", 3}}, {Tensor({3, 4, 2}), Tensor({2})});
            QCOMPARE(layer->parameterCount(), std::int64_t(26));
        }
    }

    void unknownClassListsTheSupportedOnes()
    {
        bool threw = false;
        std::string message;
        try {
            build("FancyAttention");
        } catch (const UnsupportedModelError &e) {
            threw = true;
            message = e.what();
        }
        QVERIFY(threw);
        QVERIFY2(has(message, "'FancyAttention' is not supported"), message.c_str());
        QVERIFY2(has(message, "layer_under_test"), message.c_str());
        for (const std::string &name : knownLayerClasses())
            QVERIFY2(has(message, name), name.c_str());
        QVERIFY(!isKnownLayerClass("FancyAttention"));
    }

    void lambdaIsRefusedForItsPythonCode()
    {
        QVERIFY(!isKnownLayerClass("Lambda"));
        QVERIFY_THROWS_EXCEPTION(UnsupportedModelError, build("Lambda"));
        try {
            build("Lambda");
        } catch (const UnsupportedModelError &e) {
            QVERIFY2(has(e.what(), "Python code"), e.what());
        }
    }

    void missingWeightsSayTheFileHasNone()
    {
        LayerConfig c = configOf("Dense", {{"units", 2}});
        c.weightsInFile = false;
        try {
            makeLayer(c);
            QFAIL("a Dense without weights was built");
        } catch (const InputFileError &e) {
            QVERIFY2(
                has(e.what(),
                    "layer 'layer_under_test' (Dense): the file has no weights for this layer"),
                e.what());
            QVERIFY2(has(e.what(), "do not belong to the same model"), e.what());
        }
        // A weightless class does not care whether the file has an entry for it.
        LayerConfig relu = configOf("ReLU");
        relu.weightsInFile = false;
        QVERIFY(makeLayer(relu) != nullptr);
    }

    void compositeRowsListSublayersInWeightOrder()
    {
        const std::vector<Sublayer> *mha = sublayersOf("MultiHeadAttention");
        QVERIFY(mha != nullptr);
        QCOMPARE(mha->size(), std::size_t(5));
        const std::vector<std::string> order
            = {"query_dense", "key_dense", "gate_dense", "value_dense", "output_dense"};
        for (std::size_t i = 0; i < order.size(); ++i) {
            QCOMPARE((*mha)[i].attributes.front(), order[i]);
            QCOMPARE((*mha)[i].attributes.back(), "_" + order[i]);
            QCOMPARE((*mha)[i].className, std::string("EinsumDense"));
        }
        const std::vector<Sublayer> *imha = sublayersOf("InterpretableMultiHeadAttention");
        QVERIFY(imha != nullptr);
        QCOMPARE(imha->front().className, std::string("MultiHeadAttention"));
        QVERIFY(sublayersOf(imha->front().className) == mha);
        for (const char *recurrent : {"LSTM", "GRU", "SimpleRNN"}) {
            const std::vector<Sublayer> *cell = sublayersOf(recurrent);
            QVERIFY2(cell != nullptr && cell->size() == 1, recurrent);
            QCOMPARE(cell->front().attributes, std::vector<std::string> {"cell"});
        }
        const std::vector<Sublayer> *bidirectional = sublayersOf("Bidirectional");
        QVERIFY(bidirectional != nullptr);
        QCOMPARE(bidirectional->size(), std::size_t(2));
        QCOMPARE((*bidirectional)[0].configKey, std::string("layer"));
        QCOMPARE((*bidirectional)[1].configKey, std::string("backward_layer"));
        QVERIFY((*bidirectional)[0].className.empty());
        // Leaf classes and unknown ones list none: the reader walks Keras's generic order.
        QVERIFY(sublayersOf("Dense") == nullptr);
        QVERIFY(sublayersOf("EinsumDense") == nullptr);
        QVERIFY(sublayersOf("FancyAttention") == nullptr);
    }

    void layersAnswerPositionsFromTheirSettings()
    {
        using Kind = PositionRule::Kind;
        QCOMPARE(kindOf(*build("ReLU")), Kind::Elementwise);
        QCOMPARE(kindOf(*build("Add")), Kind::Elementwise);
        QCOMPARE(kindOf(*build("Flatten")), Kind::None);
        QCOMPARE(kindOf(*build("Dense", {{"units", 2}}, {Tensor({3, 2}), Tensor({2})})),
            Kind::Positionwise);
        QCOMPARE(kindOf(*lstm(true)), Kind::Positionwise);
        QCOMPARE(kindOf(*lstm(false)), Kind::None);
        QCOMPARE(kindOf(*conv1d("same", 1)), Kind::Positionwise);
        QCOMPARE(kindOf(*conv1d("causal", 1)), Kind::Positionwise);
        QCOMPARE(kindOf(*conv1d("valid", 1)), Kind::None);
        QCOMPARE(kindOf(*conv1d("same", 2)), Kind::None);
        QCOMPARE(kindOf(*einsum("abc,cd->abd", json {-1, 4}, {3, 4})), Kind::Positionwise);
        QCOMPARE(kindOf(*einsum("...b,bc->...c", json {4}, {3, 4})), Kind::Positionwise);
        QCOMPARE(kindOf(*einsum("abc,bcd->ad", json {4}, {5, 3, 4})), Kind::None);
        QCOMPARE(kindOf(*build("Concatenate", {{"axis", -1}})), Kind::Positionwise);
        QCOMPARE(kindOf(*build("Concatenate", {{"axis", 1}})), Kind::None);
        const PositionRule reshape = build("Reshape", {{"target_shape", {6, 1}}})->positions();
        QCOMPARE(reshape.kind, Kind::SplitsColumns);
        QCOMPARE(reshape.columns, std::int64_t(6));
        QCOMPARE(kindOf(*build("Reshape", {{"target_shape", {6}}})), Kind::None);
        QCOMPARE(
            kindOf(*build("Embedding", {{"input_dim", 5}, {"output_dim", 2}}, {Tensor({5, 2})})),
            Kind::Tokens);
        const auto mha = build("MultiHeadAttention", {{"num_heads", 1}, {"key_dim", 2}},
            {Tensor({3, 1, 2}), Tensor({1, 2}), Tensor({3, 1, 2}), Tensor({1, 2}),
                Tensor({3, 1, 2}), Tensor({1, 2}), Tensor({1, 2, 3}), Tensor({3})});
        QCOMPARE(mha->positions().kind, Kind::Positionwise);
        QCOMPARE(mha->positions().follows, std::string("query"));
    }

    void activationLayerObjectsAreBuiltByTheRegistry()
    {
        // Dense(1) with kernel 1 and bias 0 on x = (-2, 3): y is the activation of x.
        const auto dense = [](json activation) {
            return build("Dense", {{"units", 1}, {"activation", std::move(activation)}},
                {Tensor({1, 1}, std::vector<float> {1}), Tensor({1})});
        };
        const auto apply = [](const Layer &layer) {
            CallArgs args;
            args.tensors["inputs"] = {Tensor({2, 1}, std::vector<float> {-2, 3})};
            const Tensor y = layer.call(args, CallContext {}).outputs.at(0);
            return std::vector<float>(y.data(), y.data() + y.size());
        };
        const auto leaky
            = dense({{"class_name", "LeakyReLU"}, {"config", {{"negative_slope", 0.1}}}});
        QCOMPARE(apply(*leaky), (std::vector<float> {-0.2f, 3.0f}));
        const auto relu = dense({{"class_name", "ReLU"}, {"config", json::object()}});
        QCOMPARE(apply(*relu), (std::vector<float> {0.0f, 3.0f}));
        const auto elu = dense({{"class_name", "ELU"}, {"config", {{"alpha", 0.5}}}});
        QCOMPARE(apply(*elu)[1], 3.0f);
        QVERIFY(std::abs(apply(*elu)[0] - 0.5f * std::expm1(-2.0f)) < 1e-6f);
        const auto tanh
            = dense({{"class_name", "Activation"}, {"config", {{"activation", "tanh"}}}});
        QVERIFY(std::abs(apply(*tanh)[0] - std::tanh(-2.0f)) < 1e-6f);
        // A ReLU with a max_value has no plain function form: refused, naming the class.
        try {
            dense({{"class_name", "ReLU"}, {"config", {{"max_value", 6.0}}}});
            QFAIL("a clipped ReLU activation object was accepted");
        } catch (const UnsupportedModelError &e) {
            QVERIFY2(has(e.what(), "'ReLU'"), e.what());
        }
    }

    void callOptionsAreBoundOnce()
    {
        const auto mha = build("MultiHeadAttention", {{"num_heads", 1}, {"key_dim", 2}},
            {Tensor({3, 1, 2}), Tensor({1, 2}), Tensor({3, 1, 2}), Tensor({1, 2}),
                Tensor({3, 1, 2}), Tensor({1, 2}), Tensor({1, 2, 3}), Tensor({3})});
        const auto bound = bindCallOptions(
            *mha, {{"use_causal_mask", true}, {"training", false}, {"return_attention_scores", 1}});
        const auto *flags = dynamic_cast<const MultiHeadAttention::CallFlags *>(bound.get());
        QVERIFY(flags != nullptr);
        QVERIFY(flags->useCausalMask);
        QVERIFY(!flags->returnAttentionScores); // only a JSON `true` counts, as Keras's bool
        // A layer that reads no constants keeps none; a null JSON means no constants.
        QVERIFY(bindCallOptions(*build("ReLU"), {{"training", false}}) == nullptr);
        QVERIFY(bindCallOptions(*mha, nullptr) != nullptr);
        // A malformed constant is refused when the call is bound, naming the layer.
        LayerConfig getItem = configOf("GetItem");
        getItem.registeredName = "GetItem";
        getItem.module = "keras.src.ops.numpy";
        const auto slicer = makeLayer(getItem);
        try {
            bindCallOptions(*slicer, {{"key", {{"class_name", "__mystery__"}}}});
            QFAIL("a malformed key was accepted");
        } catch (const Error &e) {
            QVERIFY2(has(e.what(), "layer_under_test"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestRegistry)
#include "tst_registry.moc"
