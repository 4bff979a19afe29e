// attnlens-cli with custom layers run from recipes: info (text and JSON) and run's result file
// say which layer ran from which recipe, --recipe takes the user's own, and the exit codes of
// a broken recipe (2, the recipe is a bad input file) and of a custom class without one (3).
#include <QTemporaryDir>
#include <QTest>
#include <nlohmann/json.hpp>

#include "core/io/hdf5_file.h"
#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

QString fixture(const char *file)
{
    return testDataQ(std::string("keras/recipe_keras_io_text/") + file);
}

} // namespace

class TestCliRecipes : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // No recipes of the machine's user: an empty configuration folder.
        QVERIFY(m_config.isValid());
        qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
    }

    void infoNamesTheRecipes()
    {
        const Result text = runCli({"info", fixture("model.keras")});
        QVERIFY2(text.exitCode == 0, text.err.constData());
        QVERIFY(text.out.contains("Custom layers run from recipes"));
        QVERIFY(text.out.contains("transformer_block  TransformerBlock  built-in recipe "
                                  "'keras-io TransformerBlock'"));
        QVERIFY(text.out.contains("transformer_block/att"));
        const Result json = runCli({"info", fixture("model.h5"), "--json"});
        QVERIFY2(json.exitCode == 0, json.err.constData());
        const auto info = nlohmann::json::parse(json.out.toStdString());
        bool sawEmbedding = false;
        for (const auto &layer : info["layers"]) {
            if (layer["name"] == "token_and_position_embedding") {
                sawEmbedding = true;
                QCOMPARE(layer["recipe"].get<std::string>(),
                    std::string("built-in recipe 'keras-io TokenAndPositionEmbedding'"));
            } else if (layer["name"] == "dense_4") {
                QVERIFY(layer["recipe"].is_null());
            }
        }
        QVERIFY(sawEmbedding);
    }

    void runRecordsTheRecipes()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("result.h5");
        const Result result = runCli({"run", fixture("model.weights.h5"), "--config",
            fixture("model.json"), "--data", fixture("data.npy"), "--out", out});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const Hdf5File file(out.toStdString());
        const auto recipes = file.string("/", "recipes");
        QVERIFY(recipes.has_value());
        QCOMPARE(*recipes,
            std::string("token_and_position_embedding: built-in recipe 'keras-io "
                        "TokenAndPositionEmbedding'; transformer_block: built-in recipe 'keras-io "
                        "TransformerBlock'; transformer_block_1: built-in recipe 'keras-io "
                        "TransformerBlock'"));
        QVERIFY(file.isDataset("attention/transformer_block/att"));
    }

    void recipeOptionAndItsErrors()
    {
        QTemporaryDir dir;
        // A user's recipe replaces the built-in one (the built-in text with another title).
        QByteArray builtIn;
        {
            QFile source(QString(ATTNLENS_TEST_DATA "/../../core/keras/recipes/"
                                                    "keras_io_transformer_block.json"));
            QVERIFY(source.open(QIODevice::ReadOnly));
            builtIn = source.readAll();
        }
        builtIn.replace("\"title\": \"keras-io TransformerBlock\"", "\"title\": \"mine\"");
        const QString mine = dir.filePath("mine.json");
        writeFile(mine, builtIn);
        const Result withMine = runCli({"info", fixture("model.keras"), "--recipe", mine});
        QVERIFY2(withMine.exitCode == 0, withMine.err.constData());
        QVERIFY(withMine.out.contains(("recipe 'mine' (" + mine + ")").toUtf8()));

        const QString broken = dir.filePath("broken.json");
        writeFile(broken, "{\n  \"attnlens_recipe\": 1,\n  \"class_name\": \"X\",,\n}\n");
        const Result bad = runCli({"info", fixture("model.keras"), "--recipe", broken});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains((broken + ": line 3").toUtf8()), bad.err.constData());

        const Result merge = runCli({"merge", "a.h5", "--recipe", mine, "--out", "b.h5"});
        QVERIFY(merge.exitCode != 0);
        QVERIFY(merge.err.contains("--recipe is not an option of 'merge'"));
    }

    void customClassWithoutRecipeExits3()
    {
        QTemporaryDir dir;
        auto config = nlohmann::json::parse(readAll(fixture("model.json")).toStdString());
        for (auto &layer : config["config"]["layers"])
            if (layer["class_name"] == "TokenAndPositionEmbedding") {
                layer["class_name"] = "MyEmbedding";
                layer["registered_name"] = "MyEmbedding";
            }
        const QString json = dir.filePath("model.json");
        writeFile(json, QByteArray::fromStdString(config.dump()));
        const Result result = runCli({"info", fixture("model.weights.h5"), "--config", json});
        QCOMPARE(result.exitCode, 3);
        QVERIFY2(result.err.contains("(class MyEmbedding) is a custom layer class"),
            result.err.constData());
        QVERIFY(result.err.contains("docs/recipes.md"));
    }

private:
    QTemporaryDir m_config;
};

QTEST_GUILESS_MAIN(TestCliRecipes)
#include "tst_cli_recipes.moc"
