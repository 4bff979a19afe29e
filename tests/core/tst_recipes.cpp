// Custom layers run from recipes (core/keras/recipe*.h, docs/recipes.md): the keras-io and
// Keras-book classes of tests/data/keras/recipe_* against what Keras computed, in every file
// layout, and the refusals (a recipe that does not fit the file, a broken recipe file).
#include <fstream>
#include <functional>
#include <sstream>

#include <QtTest>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/io/hdf5_file.h"
#include "core/keras/builtin_recipes.h"
#include "core/keras/recipe.h"
#include "core/keras/recipe_book.h"
#include "core/keras/user_recipes.h"
#include "core/runtime/model.h"
#include "tests/core/keras_compare.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

std::string readText(const std::filesystem::path &file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string builtinText(std::string_view name)
{
    for (const auto &[file, text] : builtinRecipeTexts())
        if (file == name)
            return std::string(text);
    return {};
}

/// Opens without the user's own recipe folder, so that the tests do not depend on it.
std::shared_ptr<const Model> openModel(const std::filesystem::path &file,
    const std::optional<std::filesystem::path> &config = std::nullopt,
    std::vector<std::filesystem::path> recipes = {})
{
    LoadOptions options;
    options.userRecipes = false;
    options.recipeFiles = std::move(recipes);
    return Model::open(file, config, options);
}

std::shared_ptr<const Model> openLayout(const std::string &caseName, const QString &layout)
{
    const std::string dir = "keras/" + caseName + "/";
    if (layout == "keras")
        return openModel(testData(dir + "model.keras"));
    if (layout == "h5")
        return openModel(testData(dir + "model.h5"));
    return openModel(testData(dir + "model.weights.h5"), testData(dir + "model.json"));
}

/// Every dataset below `group`, by its path relative to /attention ("transformer_block/att").
void attentionKeys(const Hdf5File &file, const std::string &path, const std::string &key,
    std::vector<std::string> &out)
{
    for (const std::string &child : file.children(path)) {
        const std::string full = path + "/" + child;
        const std::string k = key.empty() ? child : key + "/" + child;
        if (file.isGroup(full))
            attentionKeys(file, full, k, out);
        else
            out.push_back(k);
    }
}

/// The error `open` throws, as text; fails the test when it throws none or another type.
template <class E>
std::string errorOf(const std::function<void()> &open, ErrorContext *context = nullptr)
{
    try {
        open();
    } catch (const E &e) {
        if (context != nullptr)
            *context = e.context();
        return e.what();
    } catch (const std::exception &e) {
        qWarning("unexpected error type: %s", e.what());
        return "wrong type";
    }
    return "no error";
}

} // namespace

class TestRecipes : public QObject
{
    Q_OBJECT
private slots:
    void matchesKeras_data()
    {
        QTest::addColumn<QString>("caseName");
        QTest::addColumn<QString>("layout");
        for (const char *name : {"recipe_keras_io_text", "recipe_book_encoder"})
            for (const char *layout : {"keras", "h5", "weights.h5+json"})
                QTest::newRow((std::string(name) + " " + layout).c_str()) << name << layout;
    }

    void matchesKeras()
    {
        QFETCH(QString, caseName);
        QFETCH(QString, layout);
        const std::string dir = "keras/" + caseName.toStdString() + "/";
        std::shared_ptr<const Model> model;
        try {
            model = openLayout(caseName.toStdString(), layout);
        } catch (const UnsupportedModelError &e) {
            // The book's model computes its mask with the Keras 3 operation NotEqual.
            if (caseName == "recipe_book_encoder"
                && std::string(e.what()).find("NotEqual") != std::string::npos)
                QSKIP("needs the Keras 3 operation NotEqual (issue 11 item 1)");
            QFAIL(e.what());
        } catch (const std::exception &e) {
            QFAIL(e.what());
        }
        try {
            const Hdf5File data(testData(dir + "data.h5"));
            const Hdf5File expected(testData(dir + "expected.h5"));
            std::vector<Tensor> inputs;
            for (const InputInfo &input : model->inputs())
                inputs.push_back(data.readTensor(input.name));
            RunOptions options;
            options.batchSize = 4; // two internal batches
            const RunResult result = model->run(inputs, options);
            QCOMPARE(result.outputs.size(), std::size_t(1));
            const Tensor want = expected.readTensor("outputs/0");
            const double worst = worstError(result.outputs[0], want, 1e-5, 1e-4);
            if (worst != 0.0)
                qWarning("output: shape %s vs %s, worst error %g",
                    shapeToString(result.outputs[0].shape()).c_str(),
                    shapeToString(want.shape()).c_str(), worst);
            QCOMPARE(worst, 0.0);
            std::vector<std::string> keys;
            attentionKeys(expected, "attention", {}, keys);
            QCOMPARE(result.attention.size(), keys.size());
            for (const AttentionScores &scores : result.attention) {
                QVERIFY2(std::find(keys.begin(), keys.end(), scores.key) != keys.end(),
                    scores.key.c_str());
                const Tensor wantScores = expected.readTensor("attention/" + scores.key);
                const double worstScore = worstError(scores.scores, wantScores, 1e-5, 0.0);
                if (worstScore != 0.0)
                    qWarning("attention %s: worst error %g", scores.key.c_str(), worstScore);
                QCOMPARE(worstScore, 0.0);
            }
        } catch (const std::exception &e) {
            QFAIL(e.what());
        }
    }

    void bookEncoderFromTheImplicitMask()
    {
        // The book's model with its NotEqual node taken out: Keras then hands TransformerEncoder
        // the mask PositionalEmbedding computes (the same x != 0) as its `mask` argument, so
        // Keras's numbers hold. Checks the recipes, the implicit mask, the padded queries
        // masked inside MultiHeadAttention (zero rows in the scores) and the fused kernel's 1/Tk
        // rows in the output (GlobalMaxPooling1D takes them into its max).
        try {
            ScratchDir dir;
            nlohmann::json config
                = nlohmann::json::parse(readText(testData("keras/recipe_book_encoder/model.json")));
            nlohmann::json layers = nlohmann::json::array();
            for (auto &layer : config["config"]["layers"]) {
                if (layer["class_name"] == "NotEqual")
                    continue;
                for (auto &node : layer["inbound_nodes"])
                    if (node.contains("kwargs"))
                        node["kwargs"].erase("mask");
                layers.push_back(layer);
            }
            config["config"]["layers"] = layers;
            const auto json = dir.write("model.json", config.dump());
            const auto model
                = openModel(testData("keras/recipe_book_encoder/model.weights.h5"), json);
            const Hdf5File data(testData("keras/recipe_book_encoder/data.h5"));
            const Hdf5File expected(testData("keras/recipe_book_encoder/expected.h5"));
            const RunResult result = model->run({data.readTensor(model->inputs()[0].name)});
            QCOMPARE(
                worstError(result.outputs[0], expected.readTensor("outputs/0"), 1e-5, 1e-4), 0.0);
            QCOMPARE(result.attention.size(), std::size_t(1));
            QCOMPARE(result.attention[0].key, std::string("transformer_encoder/attention"));
            const Tensor want = expected.readTensor("attention/transformer_encoder/attention");
            QCOMPARE(worstError(result.attention[0].scores, want, 1e-5, 0.0), 0.0);
            // Row 4 has 3 tokens: query 5 is padding, so its row is zero in the scores.
            const Tensor &scores = result.attention[0].scores;
            float rowSum = 0.0f;
            for (std::int64_t k = 0; k < 12; ++k)
                rowSum += scores.data()[((4 * 2 + 0) * 12 + 5) * 12 + k];
            QCOMPARE(rowSum, 0.0f);
        } catch (const std::exception &e) {
            QFAIL(e.what());
        }
    }

    void saysWhichLayerRanFromWhichRecipe()
    {
        try {
            const auto model = openLayout("recipe_keras_io_text", "keras");
            std::map<std::string, std::string> recipeOf;
            for (const LayerInfo &layer : model->layers())
                recipeOf[layer.name] = layer.recipe;
            QCOMPARE(recipeOf["token_and_position_embedding"],
                std::string("built-in recipe 'keras-io TokenAndPositionEmbedding'"));
            QCOMPARE(recipeOf["transformer_block"],
                std::string("built-in recipe 'keras-io TransformerBlock'"));
            QCOMPARE(recipeOf["transformer_block_1"],
                std::string("built-in recipe 'keras-io TransformerBlock'"));
            QCOMPARE(recipeOf["dense"], std::string());
            // 200*16 + 20*16 embeddings; per block: MHA 4*(16*2*16 + 2*16) - 2*16 + 16, FFN
            // 16*32+32 + 32*16+16, two LayerNorms 2*2*16.
            std::int64_t blocks = 0;
            for (const LayerInfo &layer : model->layers())
                if (layer.name == "transformer_block")
                    blocks = layer.parameters;
            QCOMPARE(blocks,
                std::int64_t(3 * (16 * 2 * 16 + 2 * 16) + 2 * 16 * 16 + 16 + 16 * 32 + 32 + 32 * 16
                    + 16 + 64));
            QCOMPARE(model->attentionLayers().size(), std::size_t(2));
            const AttentionLayerInfo &att = model->attentionLayers()[0];
            QCOMPARE(att.key, std::string("transformer_block/att"));
            QCOMPARE(att.attribute, std::string("att"));
            QCOMPARE(att.heads, 2);
            QCOMPARE(att.keyDim, 16);
            QCOMPARE(att.queryLength, std::int64_t(20));
            // The embedding's recipe says it reads token ids, so both axes are the tokens.
            QCOMPARE(att.queryOrigin.kind, AxisOrigin::Kind::Tokens);
            QCOMPARE(att.keyOrigin.kind, AxisOrigin::Kind::Tokens);
            QVERIFY(model->inputs()[0].integerIds);
        } catch (const std::exception &e) {
            QFAIL(e.what());
        }
    }

    void userRecipeReplacesTheBuiltInOne()
    {
        try {
            ScratchDir dir;
            std::string text = builtinText("keras_io_transformer_block.json");
            QVERIFY(!text.empty());
            const std::string title = "\"title\": \"keras-io TransformerBlock\"";
            text.replace(text.find(title), title.size(), "\"title\": \"my block\"");
            const auto file = dir.write("block.json", text);
            const auto model = openModel(
                testData("keras/recipe_keras_io_text/model.keras"), std::nullopt, {file});
            for (const LayerInfo &layer : model->layers())
                if (layer.name == "transformer_block")
                    QCOMPARE(layer.recipe, "recipe 'my block' (" + file.string() + ")");
        } catch (const std::exception &e) {
            QFAIL(e.what());
        }
    }

    void userRecipeFolderIsRead()
    {
        // File > Add Recipe copies a checked recipe into $XDG_CONFIG_HOME/attnlens/recipes,
        // which every later open reads.
        ScratchDir config;
        const QByteArray saved = qgetenv("XDG_CONFIG_HOME");
        qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString(config.path().string()));
        try {
            const std::filesystem::path folder = config.path() / "attnlens" / "recipes";
            QCOMPARE(userRecipeFolder(), folder);
            ScratchDir source;
            std::string text = builtinText("keras_io_transformer_block.json");
            const std::string title = "\"title\": \"keras-io TransformerBlock\"";
            text.replace(text.find(title), title.size(), "\"title\": \"folder block\"");
            const AddedRecipe added = addUserRecipe(source.write("block.json", text));
            QCOMPARE(added.copy, folder / "block.json");
            QCOMPARE(added.title, std::string("folder block"));
            QCOMPARE(added.className, std::string("TransformerBlock"));
            const auto model = Model::open(testData("keras/recipe_keras_io_text/model.keras"));
            for (const LayerInfo &layer : model->layers())
                if (layer.name == "transformer_block")
                    QCOMPARE(layer.recipe, "recipe 'folder block' (" + added.copy.string() + ")");
            // A broken recipe is refused before it is copied.
            const auto broken = source.write("broken.json", "{\"attnlens_recipe\": 1,");
            QVERIFY_EXCEPTION_THROWN(addUserRecipe(broken), InputFileError);
            QVERIFY(!std::filesystem::exists(folder / "broken.json"));
        } catch (const std::exception &e) {
            qputenv("XDG_CONFIG_HOME", saved);
            QFAIL(e.what());
        }
        qputenv("XDG_CONFIG_HOME", saved);
    }

    void refusesAWeightOfAnotherShape()
    {
        // A recipe whose feed-forward width is not the file's: the weights decide, the class is
        // refused and the message names the weight, both shapes and the recipe.
        ScratchDir dir;
        std::string text = builtinText("keras_io_transformer_block.json");
        const std::string from = "[\"ffn/layers/dense/vars/1\", [\"${ff_dim}\"]]";
        QVERIFY(text.find(from) != std::string::npos);
        text.replace(
            text.find(from), from.size(), "[\"ffn/layers/dense/vars/1\", [\"${embed_dim}\"]]");
        const auto file = dir.write("block.json", text);
        for (const char *model : {"model.keras", "model.h5"}) {
            const std::string message = errorOf<UnsupportedModelError>([&] {
                openModel(testData(std::string("keras/recipe_keras_io_text/") + model),
                    std::nullopt, {file});
            });
            QVERIFY2(
                message.find("layer 'transformer_block'") != std::string::npos, message.c_str());
            QVERIFY2(message.find("does not match the recipe 'keras-io TransformerBlock'")
                    != std::string::npos,
                message.c_str());
            QVERIFY2(message.find("has shape (32,), the recipe's 'ffn/layers/dense/vars/1' is "
                                  "(embed_dim,) = (16,)")
                    != std::string::npos,
                message.c_str());
            QVERIFY2(message.find("docs/recipes.md") != std::string::npos, message.c_str());
        }
    }

    void refusesWeightsThatDoNotCorrespond()
    {
        ScratchDir dir;
        const nlohmann::json builtIn
            = nlohmann::json::parse(builtinText("keras_io_transformer_block.json"));
        // A recipe with one weight more than the file: missing by path, one too many by count.
        nlohmann::json more = builtIn;
        more["sublayers"][3]["weights"].push_back({"layernorm1/vars/2", {16}});
        const auto moreFile = dir.write("more.json", more.dump(2));
        std::string message = errorOf<UnsupportedModelError>([&] {
            openModel(testData("keras/recipe_keras_io_text/model.keras"), std::nullopt, {moreFile});
        });
        QVERIFY2(message.find("the file has no weight layernorm1/vars/2") != std::string::npos,
            message.c_str());
        message = errorOf<UnsupportedModelError>([&] {
            openModel(testData("keras/recipe_keras_io_text/model.h5"), std::nullopt, {moreFile});
        });
        QVERIFY2(message.find("the file holds 16 weights for the layer, the recipe lists 17")
                != std::string::npos,
            message.c_str());
        // One weight fewer: the file's variable is not in the recipe.
        nlohmann::json fewer = builtIn;
        fewer["sublayers"][4]["weights"].erase(1);
        const auto fewerFile = dir.write("fewer.json", fewer.dump(2));
        message = errorOf<UnsupportedModelError>([&] {
            openModel(testData("keras/recipe_keras_io_text/model.weights.h5"),
                testData("keras/recipe_keras_io_text/model.json"), {fewerFile});
        });
        QVERIFY2(message.find("the recipe does not list the file's weight layernorm2/vars/1")
                != std::string::npos,
            message.c_str());
    }

    void refusesAConfigWithoutARecipeKey()
    {
        // The keras-io block saved without its ff_dim key: no recipe fits, and the registry's
        // TransformerBlock (KerasFactory's) is not taken for it either, as its keys differ.
        ScratchDir dir;
        nlohmann::json config
            = nlohmann::json::parse(readText(testData("keras/recipe_keras_io_text/model.json")));
        for (auto &layer : config["config"]["layers"])
            if (layer["class_name"] == "TokenAndPositionEmbedding")
                layer["config"].erase("vocab_size");
        const auto json = dir.write("model.json", config.dump());
        const std::string message = errorOf<UnsupportedModelError>(
            [&] { openModel(testData("keras/recipe_keras_io_text/model.weights.h5"), json); });
        QVERIFY2(message.find("layer 'token_and_position_embedding'") != std::string::npos,
            message.c_str());
        QVERIFY2(message.find("is a custom layer class") != std::string::npos, message.c_str());
        QVERIFY2(message.find("built-in recipe 'keras-io TokenAndPositionEmbedding': config key "
                              "'vocab_size' is missing")
                != std::string::npos,
            message.c_str());
        QVERIFY2(message.find("docs/recipes.md") != std::string::npos, message.c_str());
    }

    void variantOfAClassTheRegistryKnowsIsRefusedAsCustom()
    {
        // A keras-io block whose config has one key more: neither the recipe nor KerasFactory's
        // TransformerBlock (same class name) fits; a custom class, exit 3, not a "bad file".
        ScratchDir dir;
        nlohmann::json config
            = nlohmann::json::parse(readText(testData("keras/recipe_keras_io_text/model.json")));
        for (auto &layer : config["config"]["layers"])
            if (layer["class_name"] == "TransformerBlock")
                layer["config"]["pre_norm"] = false;
        const auto json = dir.write("model.json", config.dump());
        const std::string message = errorOf<UnsupportedModelError>(
            [&] { openModel(testData("keras/recipe_keras_io_text/model.weights.h5"), json); });
        QVERIFY2(
            message.find("fits neither AttnLens's own 'TransformerBlock'") != std::string::npos,
            message.c_str());
        QVERIFY2(message.find("built-in recipe 'keras-io TransformerBlock': config key 'pre_norm' "
                              "is not in the recipe")
                != std::string::npos,
            message.c_str());
    }

    void customClassWithoutRecipeIsNamedSo()
    {
        // Item 5: a class of the saving script (module null, registered as its bare name) is a
        // custom layer, not "the Keras operation 'X' (module ?)".
        ScratchDir dir;
        nlohmann::json config
            = nlohmann::json::parse(readText(testData("keras/recipe_keras_io_text/model.json")));
        for (auto &layer : config["config"]["layers"])
            if (layer["class_name"] == "TransformerBlock") {
                layer["class_name"] = "MyBlock";
                layer["registered_name"] = "MyBlock";
            }
        const auto json = dir.write("model.json", config.dump());
        const std::string message = errorOf<UnsupportedModelError>(
            [&] { openModel(testData("keras/recipe_keras_io_text/model.weights.h5"), json); });
        QVERIFY2(message.find("layer 'transformer_block' (class MyBlock) is a custom layer class")
                != std::string::npos,
            message.c_str());
        QVERIFY2(message.find("operation") == std::string::npos, message.c_str());
        QVERIFY2(message.find("docs/recipes.md") != std::string::npos, message.c_str());
    }

    void badRecipeFileNamesItsLine()
    {
        ScratchDir dir;
        const auto broken = dir.write("broken.json",
            "{\n  \"attnlens_recipe\": 1,\n  \"class_name\": \"X\"\n  \"config\": {}\n}\n");
        ErrorContext where;
        std::string message
            = errorOf<InputFileError>([&] { RecipeBook::readFile(broken); }, &where);
        QCOMPARE(where.file, broken.string());
        QCOMPARE(where.line, std::int64_t(4));
        QVERIFY2(message.find(broken.string() + ": line 4") == 0, message.c_str());
        QVERIFY2(message.find("not valid JSON") != std::string::npos, message.c_str());

        // A reference to a value no step makes, on line 9.
        const auto unknown = dir.write("unknown.json",
            "{\n"
            "  \"attnlens_recipe\": 1,\n"
            "  \"class_name\": \"X\",\n"
            "  \"config\": {\"units\": \"int\"},\n"
            "  \"call\": {\n"
            "    \"inputs\": [\"x\"],\n"
            "    \"steps\": [\n"
            "      {\"out\": \"y\", \"op\": \"Add\",\n"
            "       \"args\": [\"x\", \"z\"]}\n"
            "    ],\n"
            "    \"outputs\": [\"y\"]\n"
            "  }\n"
            "}\n");
        message = errorOf<InputFileError>([&] { RecipeBook::readFile(unknown); }, &where);
        QCOMPARE(where.line, std::int64_t(9));
        QVERIFY2(message.find("\"z\" names no input or earlier output") != std::string::npos,
            message.c_str());

        // A "${key}" that is not one of the recipe's config keys, on line 5.
        const auto key = dir.write("key.json",
            "{\"attnlens_recipe\": 1, \"class_name\": \"X\", \"config\": {\"units\": \"int\"},\n"
            "  \"sublayers\": [\n"
            "    {\"name\": \"d\", \"class_name\": \"Dense\",\n"
            "     \"config\": {\n"
            "       \"units\": \"${width}\"}}],\n"
            "  \"call\": {\"inputs\": [\"x\"], \"steps\": [], \"outputs\": [\"x\"]}}\n");
        message = errorOf<InputFileError>([&] { RecipeBook::readFile(key); }, &where);
        QCOMPARE(where.line, std::int64_t(5));
        QVERIFY2(message.find("\"${width}\" names no key") != std::string::npos, message.c_str());

        // A bad recipe given to Model::open stops it with the recipe's own error.
        message = errorOf<InputFileError>([&] {
            openModel(testData("keras/recipe_keras_io_text/model.keras"), std::nullopt, {broken});
        });
        QVERIFY2(message.find(broken.string() + ": line 4") == 0, message.c_str());
    }

    void builtInRecipesParse()
    {
        QCOMPARE(builtinRecipeTexts().size(), std::size_t(4));
        for (const auto &[name, text] : builtinRecipeTexts()) {
            try {
                const Recipe recipe = parseRecipe(text, "built-in:" + std::string(name));
                QVERIFY(recipe.builtIn());
                QVERIFY(!recipe.sublayers.empty());
            } catch (const std::exception &e) {
                QFAIL(e.what());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestRecipes)
#include "tst_recipes.moc"
