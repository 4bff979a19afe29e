#include <cmath>
#include <fstream>

#include <QTemporaryDir>
#include <QTest>

#include "core/data/dataset.h"
#include "core/errors.h"
#include "tests/core/tensor_compare.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

InputInfo flat(const std::string &name, std::int64_t width)
{
    return InputInfo {name, {-1, width}, false, {}, {}};
}

template <typename E>
QString errorOf(const std::vector<std::filesystem::path> &files,
    const std::vector<InputInfo> &inputs, const DatasetOptions &options = {})
{
    try {
        loadDataset(files, inputs, options);
    } catch (const E &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace

class TestDataset : public QObject
{
    Q_OBJECT

    ScratchDir m_scratch;

    std::filesystem::path write(const std::string &name, const std::string &content)
    {
        return m_scratch.write(name, content);
    }

private slots:
    void demoCsvDefaultChoice()
    {
        const Dataset d = loadDataset(
            {std::filesystem::path(ATTNLENS_TEST_DATA) / "../../resources/demo/breast_cancer.csv"},
            {flat("features", 30)});
        QCOMPARE(d.sampleCount(), std::int64_t(569));
        QCOMPARE(d.inputs[0].shape(), (Shape {569, 30}));
        QCOMPARE(d.featureNames[0].size(), std::size_t(30));
        QCOMPARE(d.featureNames[0].front(), std::string("mean_radius"));
        QCOMPARE(d.featureNames[0].back(), std::string("worst_fractal_dimension"));
        QCOMPARE(d.sampleLabelName, std::string("id"));
        QCOMPARE(d.sampleLabels[1], std::string("1"));
        QCOMPARE(d.targetName, std::string("diagnosis"));
        QCOMPARE(d.targets[0], std::string("malignant"));
        // Row 0: 17.99,10.38,... ; last feature 0.1189.
        QCOMPARE(d.inputs[0].values()[0], 17.99f);
        QCOMPARE(d.inputs[0].values()[29], 0.1189f);
        QCOMPARE(d.inputs[0].values()[30], 20.57f);
        QCOMPARE(d.usableSampleCount(), std::int64_t(569));
        QVERIFY(d.problems.empty());
    }

    void fixtureCsvMatchesNpy()
    {
        const Dataset c
            = loadDataset({testData("keras/tabular_tokens/data.csv")}, {flat("tabular", 30)});
        const Dataset n
            = loadDataset({testData("keras/tabular_tokens/data.npy")}, {flat("tabular", 30)});
        QCOMPARE(c.inputs[0].shape(), (Shape {12, 30}));
        QCOMPARE(c.featureNames[0][3], std::string("feature_3"));
        QCOMPARE(c.sampleLabelName, std::string("row"));
        QCOMPARE(c.sampleLabels[11], std::string("11"));
        QVERIFY(c.inputs[0].values() == n.inputs[0].values()); // shortest repr round-trips
        QVERIFY(n.featureNames[0].empty());
    }

    void indexColumnAtFirstPositionIsNotAFeature()
    {
        // pandas' to_csv index: an unnamed first column; a strictly increasing integer column.
        const auto a = write("a.csv", ",p,q\n0,1.5,2\n1,3,4\n");
        const auto b = write("b.csv", "n,p,q\n10,1.5,2\n20,3,4\n");
        for (const auto &file : {a, b}) {
            const Dataset d = loadDataset({file}, {flat("in", 2)});
            QCOMPARE(d.inputs[0].values(), (std::vector<float> {1.5f, 2, 3, 4}));
            QVERIFY(d.targets.empty());
        }
        QCOMPARE(loadDataset({b}, {flat("in", 2)}).sampleLabels[1], std::string("20"));
        // When the width says the increasing column is a feature, it is one.
        QCOMPARE(loadDataset({b}, {flat("in", 3)}).inputs[0].values()[0], 10.0f);
    }

    void numericTargetLeftOutWhenWidthSaysSo()
    {
        const auto f = write("t.csv", "x,y2,target\n1,2,0\n3,4,1\n");
        const Dataset d = loadDataset({f}, {flat("in", 2)});
        QCOMPARE(d.featureNames[0], (std::vector<std::string> {"x", "y2"}));
        QCOMPARE(d.targetName, std::string("target"));
        QCOMPARE(d.targets[1], std::string("1"));
    }

    void explicitChoiceByNameAndPosition()
    {
        const auto f = write("e.csv", "a,b,c,d\n1,2,3,4\n5,6,7,8\n");
        DatasetOptions byName;
        byName.featureColumns = {"d", "b"};
        const Dataset n = loadDataset({f}, {flat("in", 2)}, byName);
        QCOMPARE(n.inputs[0].values(), (std::vector<float> {4, 2, 8, 6}));
        QCOMPARE(n.featureNames[0], (std::vector<std::string> {"d", "b"}));
        DatasetOptions byPosition;
        byPosition.featureColumnPositions = {0, 2};
        const Dataset p = loadDataset({f}, {flat("in", 2)}, byPosition);
        QCOMPARE(p.inputs[0].values(), (std::vector<float> {1, 3, 5, 7}));
        byName.featureColumns = {"d", "nope"};
        const QString what = errorOf<InputFileError>({f}, {flat("in", 2)}, byName);
        QVERIFY2(
            what.contains("no column 'nope'") && what.contains("a, b, c, d"), qPrintable(what));
    }

    void widthMismatchNamesBothCountsAndColumns()
    {
        const auto f = write("w.csv", "id,a,b,c,label\n1,1,2,3,x\n2,4,5,6,y\n");
        const QString what = errorOf<ShapeError>({f}, {flat("features", 4)});
        QVERIFY2(what.contains("w.csv has 3 number columns") && what.contains("(a, b, c")
                && what.contains("'features' takes 4 features"),
            qPrintable(what));
    }

    void missingValuesFlagRowsNeverZeros()
    {
        const auto f = write("m.csv", "id,a,b\n1,1,2\n2,,4\n3,NA,6\n4,7,8\n");
        const Dataset d = loadDataset({f}, {flat("in", 2)});
        QCOMPARE(d.sampleCount(), std::int64_t(4));
        QCOMPARE(d.sampleUsable, (std::vector<bool> {true, false, false, true}));
        QCOMPARE(d.problems.size(), std::size_t(2));
        QCOMPARE(d.problems[0].line, std::int64_t(3));
        QCOMPARE(d.problems[0].column, std::int64_t(2));
        QCOMPARE(d.problems[0].columnName, std::string("a"));
        QVERIFY2(QString::fromStdString(d.problems[1].message()).contains("m.csv:4:2"),
            d.problems[1].message().c_str());
        QVERIFY(std::isnan(d.inputs[0].values()[2]));
        const auto usable = d.usableInputs();
        QCOMPARE(usable[0].values(), (std::vector<float> {1, 2, 7, 8}));
        QCOMPARE(d.usableSampleIndices(), (std::vector<std::int64_t> {0, 3}));
    }

    void inputsOfTakesTheChosenSamplesInOrder()
    {
        Dataset d;
        d.inputs = {Tensor({3, 2, 1}, std::vector<float> {0, 1, 10, 11, 20, 21}),
            Tensor({3}, std::vector<float> {5, 6, 7})};
        const std::vector<Tensor> picked = d.inputsOf({2, 0, 2});
        QCOMPARE(picked[0].shape(), (Shape {3, 2, 1}));
        QCOMPARE(picked[0].values(), (std::vector<float> {20, 21, 0, 1, 20, 21}));
        QCOMPARE(picked[1].values(), (std::vector<float> {7, 5, 7}));
        QCOMPARE(d.inputsOf({})[0].shape(), (Shape {0, 2, 1}));
        QVERIFY_EXCEPTION_THROWN(d.inputsOf({3}), ShapeError);
        QVERIFY_EXCEPTION_THROWN(d.inputsOf({-1}), ShapeError);
    }

    void rowsPastTheIssueLimitAreStillFlagged()
    {
        std::string csv = "a,b\n";
        for (int i = 0; i < 100100; ++i)
            csv += i % 2 ? "1,2\n"
                         : "NA,NA\n"; // 100,100 missing cells: more than the 100,000 stored
        const Dataset d = loadDataset({write("many.csv", csv)}, {flat("in", 2)});
        QCOMPARE(d.usableSampleCount(), std::int64_t(50050));
        QVERIFY(!d.sampleUsable[100098]);
        QVERIFY(d.sampleUsable[100099]);
    }

    void textInAFeatureColumnFlagsThatRow()
    {
        std::string csv = "a,b\n";
        for (int i = 0; i < 20; ++i)
            csv += std::to_string(i) + ".5," + (i == 7 ? "oops" : std::to_string(i)) + "\n";
        const Dataset d = loadDataset({write("x.csv", csv)}, {flat("in", 2)});
        QCOMPARE(d.sampleCount(), std::int64_t(20));
        QCOMPARE(d.usableSampleCount(), std::int64_t(19));
        QCOMPARE(d.problems.size(), std::size_t(1));
        QCOMPARE(d.problems[0].sample, std::int64_t(7));
        QCOMPARE(d.problems[0].line, std::int64_t(9));
        QCOMPARE(d.problems[0].column, std::int64_t(2));
        QVERIFY(QString::fromStdString(d.problems[0].reason).contains("text 'oops'"));
        QCOMPARE(d.inputs[0].values()[16], 8.5f); // row 8 in place
    }

    void textColumnChosenAsFeatureIsAnError()
    {
        const auto f = write("c.csv", "a,kind\n1,cat\n2,dog\n");
        DatasetOptions o;
        o.featureColumns = {"a", "kind"};
        const QString what = errorOf<InputFileError>({f}, {flat("in", 2)}, o);
        QVERIFY2(what.contains("c.csv:2:2: column 'kind' holds text ('cat'"), qPrintable(what));
    }

    void raggedRowsFlagged()
    {
        const auto f = write("r.csv", "a,b,c\n1,2,3\n4,5\n7,8,9\n");
        const Dataset d = loadDataset({f}, {flat("in", 3)});
        QCOMPARE(d.sampleUsable, (std::vector<bool> {true, false, true}));
        QVERIFY2(QString::fromStdString(d.problems[0].message())
                     .contains("r.csv:3 (sample 1): the line has 2 fields, the header has 3"),
            d.problems[0].message().c_str());
        QCOMPARE(d.inputs[0].values()[6], 7.0f);
        const QString all
            = errorOf<InputFileError>({write("r2.csv", "a,b,c\n1,2\n4,5\n")}, {flat("in", 3)});
        QVERIFY2(
            all.contains("r2.csv:2: every line has a different number of fields"), qPrintable(all));
    }

    void labelTextNotUtf8()
    {
        const auto f = write("u.csv", "id,a\nab\xFF,1\ncd,2\n");
        const QString what = errorOf<InputFileError>({f}, {flat("in", 1)});
        QVERIFY2(
            what.contains("u.csv:2:1: the text in column 'id' is not UTF-8"), qPrintable(what));
    }

    void emptyFile()
    {
        const QString what = errorOf<InputFileError>({write("empty.csv", "")}, {flat("in", 3)});
        QVERIFY2(what.contains("empty.csv: the file is empty"), qPrintable(what));
    }

    void csvRowsAsTimeSteps()
    {
        std::string csv = "date,c0,c1\n";
        for (int i = 0; i < 6; ++i)
            csv += "d" + std::to_string(i) + "," + std::to_string(i) + "," + std::to_string(10 * i)
                + "\n";
        DatasetOptions o;
        o.timeColumn = "date";
        const InputInfo seq {"series", {-1, 4, 2}, false, {}, {}};
        const Dataset d = loadDataset({write("s.csv", csv)}, {seq}, o);
        QCOMPARE(d.inputs[0].shape(), (Shape {3, 4, 2}));
        // Window 2 = rows 2..5.
        QCOMPARE(d.inputs[0].values()[2 * 8], 2.0f);
        QCOMPARE(d.inputs[0].values()[2 * 8 + 7], 50.0f);
        QCOMPARE(d.windowStart, (std::vector<std::int64_t> {0, 1, 2}));
        QCOMPARE(d.timeValues[5], std::string("d5"));
        QCOMPARE(d.featureNames[0], (std::vector<std::string> {"c0", "c1"}));
        o.windowStride = 4;
        QCOMPARE(loadDataset({write("s.csv", csv)}, {seq}, o).sampleCount(), std::int64_t(1));
        const QString shortFile = errorOf<ShapeError>({write("s2.csv", "a,b\n1,2\n")}, {seq});
        QVERIFY2(shortFile.contains("has 1 rows") && shortFile.contains("4 time steps"),
            qPrintable(shortFile));
    }

    void sequenceLengthTheModelDoesNotTake()
    {
        const QString what = errorOf<ShapeError>({testData("keras/ts_encoder/data.npy")},
            {InputInfo {"series", {-1, 24, 3}, false, {}, {}}});
        QVERIFY2(what.contains("has shape (8, 48, 3), but input 'series' takes (None, 24, 3): "
                               "axis 1 has 48, the model takes 24 time steps"),
            qPrintable(what));
    }

    void npyShapes()
    {
        const Dataset d = loadDataset({testData("keras/ts_encoder/data.npy")},
            {InputInfo {"series", {-1, 48, 3}, false, {}, {}}});
        QCOMPARE(d.inputs[0].shape(), (Shape {8, 48, 3}));
        // (N, T) for an input (None, T, 1); one sample without the batch axis.
        const Dataset e = loadDataset(
            {testData("datasets/f8_le.npy")}, {InputInfo {"x", {-1, 3, 1}, false, {}, {}}});
        QCOMPARE(e.inputs[0].shape(), (Shape {2, 3, 1}));
        const Dataset s = loadDataset(
            {testData("datasets/fortran.npy")}, {InputInfo {"x", {-1, 2, 3, 4}, false, {}, {}}});
        QCOMPARE(s.inputs[0].shape(), (Shape {1, 2, 3, 4}));
        const QString width = errorOf<ShapeError>({testData("datasets/f8_le.npy")}, {flat("x", 4)});
        QVERIFY2(width.contains("axis 1 has 3, the model takes 4 features"), qPrintable(width));
    }

    void tokenIdsMustBeNonNegativeIntegers()
    {
        const InputInfo ids {"tokens", {-1, 3}, true, {}, {}};
        const Dataset ok = loadDataset({testData("datasets/i1.npy")}, {ids});
        QCOMPARE(ok.sampleUsable, (std::vector<bool> {false, true})); // -3 in row 0
        QVERIFY(QString::fromStdString(ok.problems[0].reason).contains("token id -3"));
    }

    void crossAttentionH5HoldsBothInputs()
    {
        const std::vector<InputInfo> inputs {
            {"queries", {-1, 6, 8}, false, {}, {}}, {"memory", {-1, 11, 8}, false, {}, {}}};
        const Dataset d = loadDataset({testData("keras/cross_attention/data.h5")}, inputs);
        QCOMPARE(d.inputs[0].shape(), (Shape {6, 6, 8}));
        QCOMPARE(d.inputs[1].shape(), (Shape {6, 11, 8}));
        // Reversed order of inputs still finds the arrays by name.
        const Dataset r
            = loadDataset({testData("keras/cross_attention/data.h5")}, {inputs[1], inputs[0]});
        QVERIFY(r.inputs[0].values() == d.inputs[1].values());
        const QString csv
            = errorOf<ShapeError>({testData("keras/seed_functional/data.csv")}, inputs);
        QVERIFY2(
            csv.contains("the model has 2 inputs") && csv.contains("'memory'"), qPrintable(csv));
        const QString missing = errorOf<InputFileError>({testData("keras/cross_attention/data.h5")},
            {inputs[0], InputInfo {"other", {-1, 11, 8}, false, {}, {}}});
        QVERIFY2(missing.contains("no array named 'other'"), qPrintable(missing));
    }

    void npzAndNamedH5()
    {
        const std::vector<InputInfo> inputs {
            {"queries", {-1, 6, 8}, false, {}, {}}, {"memory", {-1, 11, 8}, false, {}, {}}};
        const Dataset z = loadDataset({testData("datasets/multi.npz")}, inputs);
        QCOMPARE(z.inputs[1].values()[0], 2.0f);
        QCOMPARE(z.sampleLabels[3], std::string("r3"));
        QCOMPARE(z.targets[1], std::string("1"));

        const Dataset h = loadDataset({testData("datasets/named.h5")}, {flat("tabular", 3)});
        QCOMPARE(h.featureNames[0], (std::vector<std::string> {"alpha", "beta", "gamma"}));
        QCOMPARE(h.sampleLabels[2], std::string("p3"));
        QCOMPARE(h.targetName, std::string("outcome"));
        QCOMPARE(h.targets[1], std::string("yes"));
        QCOMPARE(h.inputs[0].values()[11], 11.0f);

        const Dataset s = loadDataset(
            {testData("datasets/series.h5")}, {InputInfo {"x", {-1, 4, 2}, false, {}, {}}});
        QCOMPARE(s.timeLabels[0], (std::vector<std::string> {"mon", "tue", "wed", "thu"}));
        QCOMPARE(s.inputs[0].values()[15], 15.0f);
    }

    void oneFilePerInputMatchedByStem()
    {
        const std::vector<InputInfo> inputs {
            {"queries", {-1, 6, 8}, false, {}, {}}, {"memory", {-1, 11, 8}, false, {}, {}}};
        const QString rows = errorOf<ShapeError>(
            {testData("keras/causal/data.npy"), testData("keras/cross_attention/data.h5")},
            {InputInfo {"a", {-1, 24, 1}, false, {}, {}}, inputs[1]});
        QVERIFY2(rows.contains("has 6 samples but") && rows.contains("has 8"), qPrintable(rows));
    }
};

QTEST_APPLESS_MAIN(TestDataset)
#include "tst_dataset.moc"
