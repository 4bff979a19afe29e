#include <fstream>

#include <QTemporaryDir>
#include <QTest>

#include "core/data/axis_labels.h"
#include "core/errors.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

AttentionLayerInfo layer(AxisOrigin::Kind query, AxisOrigin::Kind key, std::int64_t tq,
    std::int64_t tk, int queryInput = 0, int keyInput = 0)
{
    AttentionLayerInfo info;
    info.key = "attn";
    info.layerName = "attn";
    info.queryLength = tq;
    info.keyLength = tk;
    info.queryOrigin = {query, queryInput};
    info.keyOrigin = {key, keyInput};
    return info;
}

} // namespace

class TestAxisLabels : public QObject
{
    Q_OBJECT

    ScratchDir m_scratch;

    std::filesystem::path write(const std::string &name, const std::string &content)
    {
        return m_scratch.write(name, content);
    }

private slots:
    void featuresFromCsvHeader()
    {
        const Dataset d = loadDataset({testData("keras/tabular_tokens/data.csv")},
            {InputInfo {"tabular", {-1, 30}, false, {}, {}}});
        using K = AxisOrigin::Kind;
        const AxisLabels l = axisLabels(layer(K::Features, K::Features, 30, 30), d);
        QCOMPARE(l.query.size(), std::size_t(30));
        QCOMPARE(l.query[0], std::string("feature_0"));
        QCOMPARE(l.key[29], std::string("feature_29"));
    }

    void featuresWithoutNamesAreNumbered()
    {
        using K = AxisOrigin::Kind;
        const AxisLabels l = axisLabels(layer(K::Features, K::Unknown, 3, 2), Dataset {});
        QCOMPARE(l.query, (std::vector<std::string> {"0", "1", "2"}));
        QCOMPARE(l.key, (std::vector<std::string> {"0", "1"}));
    }

    void timeStepsCountBackFromTheLast()
    {
        using K = AxisOrigin::Kind;
        const AxisLabels l = axisLabels(layer(K::TimeSteps, K::TimeSteps, 48, 48), Dataset {});
        QCOMPARE(l.query.front(), std::string("t-47"));
        QCOMPARE(l.query[46], std::string("t-1"));
        QCOMPARE(l.key.back(), std::string("t0"));
    }

    void timeStepsFromATimeColumnFollowTheRow()
    {
        std::string csv = "date,v\n";
        for (int i = 0; i < 5; ++i)
            csv += "2024-01-0" + std::to_string(i + 1) + "," + std::to_string(i) + "\n";
        DatasetOptions o;
        o.timeColumn = "date";
        const Dataset d = loadDataset(
            {write("t.csv", csv)}, {InputInfo {"series", {-1, 3, 1}, false, {}, {}}}, o);
        using K = AxisOrigin::Kind;
        LabelOptions lo;
        lo.sample = 2; // window of rows 2..4
        const AxisLabels l = axisLabels(layer(K::TimeSteps, K::TimeSteps, 3, 3), d, lo);
        QCOMPARE(l.query, (std::vector<std::string> {"2024-01-03", "2024-01-04", "2024-01-05"}));
    }

    void freeLengthTakesTheDatasetLength()
    {
        const Dataset d = loadDataset({testData("keras/causal/data.npy")},
            {InputInfo {"series", {-1, -1, 1}, false, {}, {}}});
        using K = AxisOrigin::Kind;
        const AxisLabels l = axisLabels(layer(K::TimeSteps, K::TimeSteps, -1, -1), d);
        QCOMPARE(l.query.size(), std::size_t(24));
        QCOMPARE(l.query.front(), std::string("t-23"));
    }

    void tokensFromVocabularyElseIds()
    {
        const Dataset d = loadDataset({write("ids.csv", "a,b,c\n2,0,1\n1,1,7\n")},
            {InputInfo {"ids", {-1, 3}, true, {}, {}}});
        using K = AxisOrigin::Kind;
        const AttentionLayerInfo info = layer(K::Tokens, K::Tokens, 3, 3);
        LabelOptions o;
        o.sample = 1;
        QCOMPARE(axisLabels(info, d, o).query, (std::vector<std::string> {"1", "1", "7"}));
        o.vocabularyFile = write("vocab.txt", "[PAD]\nthe\ncat\n");
        o.sample = 0;
        QCOMPARE(axisLabels(info, d, o).key, (std::vector<std::string> {"cat", "[PAD]", "the"}));
        o.sample = 1; // id 7 is past the vocabulary: its number
        QCOMPARE(axisLabels(info, d, o).key, (std::vector<std::string> {"the", "the", "7"}));
    }

    void crossAttentionAxesFromTwoInputs()
    {
        const Dataset d = loadDataset({testData("keras/cross_attention/data.h5")},
            {{"queries", {-1, 6, 8}, false, {}, {}}, {"memory", {-1, 11, 8}, false, {}, {}}});
        using K = AxisOrigin::Kind;
        const AxisLabels l = axisLabels(layer(K::TimeSteps, K::TimeSteps, 6, 11, 0, 1), d);
        QCOMPARE(l.query.size(), std::size_t(6));
        QCOMPARE(l.key.size(), std::size_t(11));
        QCOMPARE(l.key.front(), std::string("t-10"));
    }

    void labelFileOverrides()
    {
        using K = AxisOrigin::Kind;
        LabelOptions o;
        o.labelFile = write("l.txt",
            "\xEF\xBB\xBF"
            "α\r\nβ\r\nγ\r\n");
        const AxisLabels l = axisLabels(layer(K::Unknown, K::Unknown, 3, 3), Dataset {}, o);
        QCOMPARE(l.query, (std::vector<std::string> {"α", "β", "γ"}));
        QCOMPARE(l.key, l.query);
        o.keyLabelFile = write("k.txt", "a\nb\n");
        try {
            axisLabels(layer(K::Unknown, K::Unknown, 3, 3), Dataset {}, o);
            QFAIL("no error");
        } catch (const InputFileError &e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.contains("k.txt has 2 labels, but the key axis of attention layer "
                                   "'attn' has 3 positions"),
                qPrintable(what));
        }
    }

    void labelFileNotUtf8()
    {
        try {
            readLabelFile(write("bad.txt", "ok\nna\xEFve\n"));
            QFAIL("no error");
        } catch (const InputFileError &e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.contains("bad.txt:2:3: the label is not UTF-8"), qPrintable(what));
        }
    }

    void originNouns()
    {
        using Kind = AxisOrigin::Kind;
        QCOMPARE(axisOriginNoun({Kind::Features, 0}), std::string("feature"));
        QCOMPARE(axisOriginNoun({Kind::TimeSteps, 0}), std::string("time step"));
        QCOMPARE(axisOriginNoun({Kind::Tokens, 1}, true), std::string("tokens"));
        QCOMPARE(axisOriginNoun({Kind::TimeSteps, 0}, true), std::string("time steps"));
        QCOMPARE(axisOriginNoun({Kind::Unknown, -1}), std::string());
        QCOMPARE(axisOriginNoun({Kind::Unknown, -1}, true), std::string());
    }
};

QTEST_APPLESS_MAIN(TestAxisLabels)
#include "tst_axis_labels.moc"
