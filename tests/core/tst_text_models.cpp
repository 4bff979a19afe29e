// A model that takes text: Input(dtype string) -> TextVectorization (vocabulary in the .keras
// archive's assets) -> Embedding -> MultiHeadAttention -> pooling -> Dense, opened and fed a CSV
// text column (tests/data/text/, written by make_text_models.py there).
// Expected ids are worked by hand from Keras's TextVectorization._preprocess (lower-case ASCII,
// strip the 32 ASCII punctuation characters, split on runs of whitespace) and IndexLookup (mask
// '' = 0, '[UNK]' = 1, words from 2; pad with 0 or cut to output_sequence_length=8). The network
// after the lookup is checked against a NumPy forward pass written from Keras's
// MultiHeadAttention source (make_text_models.py: expected_outputs.npy, expected_attention.npy)
// and against its twin on int64 ids (ids_model.keras, same weights).
#include <QtTest>

#include "core/data/axis_labels.h"
#include "core/data/dataset.h"
#include "core/data/npy_reader.h"
#include "core/errors.h"
#include "core/runtime/model.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

// vocabulary: '' [UNK] the model looks at words good bad movie
const std::vector<float> kExpectedIds = {
    2, 3, 4, 5, 6, 0, 0, 0, // "The model looks at words!"
    8, 9, 8, 9, 0, 0, 0, 0, // "BAD movie, bad... MOVIE"
    0, 0, 0, 0, 0, 0, 0, 0, // "" (no term: all padding)
    2, 2, 2, 2, 2, 2, 2, 2, // ten times "the", cut to 8
    1, 6, 1, 1, 0, 0, 0, 0, // "Unknown   words<TAB>look odd": unknown words are [UNK]
    7, 7, 9, 1, 0, 0, 0, 0, // "good, good; movie: the—model": the em dash is no ASCII
                            // punctuation, so "the—model" is one unknown term
};

std::string errorOf(const std::function<void()> &action)
{
    try {
        action();
    } catch (const Error &e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestTextModels : public QObject
{
    Q_OBJECT

    ScratchDir m_scratch;

private slots:
    void opensTheTextInputAsIds()
    {
        const auto model = Model::open(testData("text/text_model.keras"));
        QCOMPARE(model->inputs().size(), std::size_t(1));
        const InputInfo &input = model->inputs()[0];
        QVERIFY(input.encoder != nullptr);
        QCOMPARE(input.shape, (Shape {-1, 8}));
        QCOMPARE(input.textShape, (Shape {-1, 1}));
        QVERIFY(input.integerIds);
        QCOMPARE(input.encoder->vocabulary().size(), std::size_t(10));
        QCOMPARE(input.encoder->vocabulary()[2], std::string("the"));
        const std::string described = input.encoder->describe();
        QVERIFY2(described.find("TextVectorization 'vectorize'") != std::string::npos,
            described.c_str());
        QVERIFY2(described.find("8 tokens") != std::string::npos, described.c_str());
        QCOMPARE(model->attentionLayers().at(0).keyOrigin.kind, AxisOrigin::Kind::Tokens);
    }

    void encodesTheCsvTextColumn()
    {
        const auto model = Model::open(testData("text/text_model.keras"));
        const Dataset data = loadDataset({testData("text/reviews.csv")}, model->inputs());
        QCOMPARE(data.sampleCount(), std::int64_t(6));
        const Tensor &ids = data.inputs[0];
        QCOMPARE(ids.shape(), (Shape {6, 8}));
        QCOMPARE(std::vector<float>(ids.data(), ids.data() + ids.size()), kExpectedIds);
        // The review column (unique texts) feeds the model; it is not taken for sample labels.
        QCOMPARE(data.sampleLabelName, std::string("id"));
        QCOMPARE(data.sampleLabels.front(), std::string("r1"));
        QCOMPARE(data.targetName, std::string("label"));
        QCOMPARE(data.targets[1], std::string("bad"));
        QCOMPARE(data.chosen.featureColumns, (std::vector<std::string> {"review"}));
        QCOMPARE(data.usableSampleCount(), std::int64_t(6));
    }

    void labelsTokenAxesWithTheWords()
    {
        const auto model = Model::open(testData("text/text_model.keras"));
        const Dataset data = loadDataset({testData("text/reviews.csv")}, model->inputs());
        LabelOptions options;
        options.sample = 0;
        const AxisLabels labels = axisLabels(model->attentionLayers().at(0), data, options);
        QCOMPARE(labels.key,
            (std::vector<std::string> {
                "the", "model", "looks", "at", "words", "(pad)", "(pad)", "(pad)"}));
        options.sample = 4;
        QCOMPARE(axisLabels(model->attentionLayers().at(0), data, options).query.front(),
            std::string("[UNK]"));
    }

    void runsAsTheModelOnIds()
    {
        const auto text = Model::open(testData("text/text_model.keras"));
        const auto ids = Model::open(testData("text/ids_model.keras"));
        const Dataset data = loadDataset({testData("text/reviews.csv")}, text->inputs());
        const RunResult fromText = text->run(data.inputs);
        const RunResult fromIds = ids->run({Tensor({6, 8}, kExpectedIds)});
        const Tensor &a = fromText.outputs.at(0);
        const Tensor &b = fromIds.outputs.at(0);
        QCOMPARE(a.shape(), (Shape {6, 2}));
        QCOMPARE(std::vector<float>(a.data(), a.data() + a.size()),
            std::vector<float>(b.data(), b.data() + b.size()));
        const Tensor &sa = fromText.attention.at(0).scores;
        const Tensor &sb = fromIds.attention.at(0).scores;
        QCOMPARE(sa.shape(), (Shape {6, 2, 8, 8}));
        QCOMPARE(std::vector<float>(sa.data(), sa.data() + sa.size()),
            std::vector<float>(sb.data(), sb.data() + sb.size()));
        // Not a trivially uniform map: the words differ, so do their scores.
        QVERIFY(std::abs(sa.data()[0] - sa.data()[1]) > 1e-4f);
        const ArrayData outputs = readNpy(testData("text/expected_outputs.npy"));
        const ArrayData scores = readNpy(testData("text/expected_attention.npy"));
        QCOMPARE(outputs.shape, a.shape());
        QCOMPARE(scores.shape, sa.shape());
        for (std::int64_t i = 0; i < a.size(); ++i)
            QVERIFY2(std::abs(a.data()[i] - outputs.values[std::size_t(i)]) < 1e-5f,
                qPrintable(QString("output %1: %2 vs NumPy %3")
                               .arg(i)
                               .arg(a.data()[i])
                               .arg(outputs.values[std::size_t(i)])));
        for (std::int64_t i = 0; i < sa.size(); ++i)
            QVERIFY2(std::abs(sa.data()[i] - scores.values[std::size_t(i)]) < 1e-5f,
                qPrintable(QString("attention %1").arg(i)));
    }

    void readsOneColumnPerInputWithTextAndLookups()
    {
        // Keras's structured-data form: one input per CSV column; a string column through
        // StringLookup(one_hot), int columns through IntegerLookup(one_hot) and
        // CategoryEncoding(one_hot); the reference is make_text_models.py's NumPy pass.
        const auto model = Model::open(testData("text/tabular_model.keras"));
        QCOMPARE(model->inputs().size(), std::size_t(4));
        QVERIFY(model->inputs()[1].encoder != nullptr);
        QCOMPARE(model->inputs()[1].shape, (Shape {-1, 4}));
        const Dataset data = loadDataset({testData("text/patients.csv")}, model->inputs());
        QCOMPARE(data.sampleCount(), std::int64_t(4));
        QCOMPARE(data.sampleLabels[2], std::string("p3"));
        QCOMPARE(data.targetName, std::string("diagnosis"));
        QCOMPARE(data.chosen.featureColumns,
            (std::vector<std::string> {"age", "color", "grade", "rooms"}));
        const Tensor &color = data.inputs[1];
        QCOMPARE(color.shape(), (Shape {4, 4}));
        // red -> 1, blue -> 3, purple (unknown) -> the OOV index 0, green -> 2
        QCOMPARE(std::vector<float>(color.data(), color.data() + color.size()),
            (std::vector<float> {0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0}));
        const RunResult result = model->run(data.inputs);
        const ArrayData expected = readNpy(testData("text/expected_tabular.npy"));
        const Tensor &out = result.outputs.at(0);
        QCOMPARE(out.shape(), expected.shape);
        for (std::int64_t i = 0; i < out.size(); ++i)
            QVERIFY2(std::abs(out.data()[i] - expected.values[std::size_t(i)]) < 1e-5f,
                qPrintable(QString("output %1: %2 vs NumPy %3")
                               .arg(i)
                               .arg(out.data()[i])
                               .arg(expected.values[std::size_t(i)])));
    }

    void refusesDataWithoutOneTextColumn()
    {
        const auto model = Model::open(testData("text/text_model.keras"));
        const auto file = m_scratch.path() / "two.csv";
        std::ofstream(file) << "id,title,body\n1,a b,c d\n2,e,f\n";
        const std::string two = errorOf([&] { loadDataset({file}, model->inputs()); });
        QVERIFY2(two.find("2 text columns") != std::string::npos, two.c_str());
        QVERIFY2(two.find("choose the text columns") != std::string::npos, two.c_str());
        DatasetOptions options;
        options.featureColumns = {"body"};
        const Dataset chosen = loadDataset({file}, model->inputs(), options);
        QCOMPARE(chosen.inputs[0].data()[0], 1.0f); // "c" is unknown
        QCOMPARE(chosen.featureNames[0], (std::vector<std::string> {"body"}));
    }
};

QTEST_APPLESS_MAIN(TestTextModels)
#include "tst_text_models.moc"
