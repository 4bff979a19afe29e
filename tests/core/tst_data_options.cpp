// The data options (DatasetOptions) as the desktop's dialog and the CLI's data flags use them:
// id columns recognised beyond `id`, feature columns by name and position in the order given,
// the window stride, time columns naming the steps, the guess written to Dataset::chosen, and
// refusals that say what, where and what to do.
#include <QTest>

#include "core/data/axis_labels.h"
#include "core/data/dataset.h"
#include "core/errors.h"
#include "tests/core/tensor_compare.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

InputInfo flat(std::int64_t width)
{
    return InputInfo {"in", {-1, width}, false, {}, {}};
}

InputInfo series(std::int64_t steps, std::int64_t channels)
{
    return InputInfo {"series", {-1, steps, channels}, false, {}, {}};
}

QString errorOf(const std::filesystem::path &file, const InputInfo &input,
    const DatasetOptions &options, bool *isInputFileError = nullptr)
{
    try {
        loadDataset({file}, {input}, options);
    } catch (const InputFileError &e) {
        if (isInputFileError != nullptr)
            *isInputFileError = true;
        return QString::fromUtf8(e.what());
    } catch (const Error &e) {
        if (isInputFileError != nullptr)
            *isInputFileError = false;
        return QString::fromUtf8(e.what());
    }
    return {};
}

/// Rows of a time series: time t<i>, patient P<i % 2>, two channels i and 10 i.
std::string seriesCsv(int rows)
{
    std::string csv = "time,patient,c0,c1\n";
    for (int i = 0; i < rows; ++i)
        csv += "2024-01-" + std::to_string(10 + i) + ",P" + std::to_string(i % 2) + ","
            + std::to_string(i) + "," + std::to_string(10 * i) + "\n";
    return csv;
}

} // namespace

class TestDataOptions : public QObject
{
    Q_OBJECT

    ScratchDir m_scratch;

    std::filesystem::path write(const std::string &name, const std::string &content)
    {
        return m_scratch.write(name, content);
    }

private slots:
    void idColumnsRecognisedByName_data()
    {
        QTest::addColumn<QString>("name");
        for (const char *name : {"patient_id", "PatientID", "MRN", "subject_id", "Subject_ID"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    void idColumnsRecognisedByName()
    {
        QFETCH(QString, name);
        // Numbers with leading zeros, not in the first column (which is kept as text and may
        // be a row index anyway): the id keeps its text, and it is not a feature.
        const auto file = write("ids.csv", "a," + name.toStdString() + ",b\n1,007,2\n3,010,4\n");
        const Dataset d = loadDataset({file}, {flat(2)});
        QCOMPARE(d.sampleLabelName, name.toStdString());
        QCOMPARE(d.sampleLabels, (std::vector<std::string> {"007", "010"}));
        QCOMPARE(d.featureNames[0], (std::vector<std::string> {"a", "b"}));
        QCOMPARE(d.inputs[0].values(), (std::vector<float> {1, 2, 3, 4}));
        QCOMPARE(d.chosen.idColumn, name.toStdString());
    }

    void uniqueTextColumnIsTheId()
    {
        // "name" is unique text: the id. "group" repeats: the target (the one column left).
        const auto file = write("u.csv", "a,name,b,group\n1,Ann,2,x\n3,Bob,4,y\n5,Cy,6,x\n");
        const Dataset d = loadDataset({file}, {flat(2)});
        QCOMPARE(d.sampleLabelName, std::string("name"));
        QCOMPARE(d.sampleLabels, (std::vector<std::string> {"Ann", "Bob", "Cy"}));
        QCOMPARE(d.targetName, std::string("group"));
        QCOMPARE(d.chosen.idColumn, std::string("name"));
        QCOMPARE(d.chosen.targetColumn, std::string("group"));
        // A repeated text column is no id: samples are numbered.
        const Dataset r = loadDataset({write("r.csv", "a,b,kind\n1,2,x\n3,4,x\n")}, {flat(2)});
        QCOMPARE(r.sampleLabelName, std::string("row"));
        QCOMPARE(r.chosen.idColumn, std::string("-"));
        QCOMPARE(r.targetName, std::string("kind"));
    }

    void noIdAndNoTargetWhenAskedFor()
    {
        const auto file = write("n.csv", "id,a,b,target\n5,1,2,x\n6,3,4,y\n");
        DatasetOptions o;
        o.idColumn = "-";
        o.targetColumn = "-";
        o.featureColumns = {"a", "b"};
        const Dataset d = loadDataset({file}, {flat(2)}, o);
        QCOMPARE(d.sampleLabels, (std::vector<std::string> {"0", "1"}));
        QVERIFY(d.targets.empty());
        QCOMPARE(d.chosen.idColumn, std::string("-"));
        QCOMPARE(d.chosen.targetColumn, std::string("-"));
    }

    void featuresByNameAndPositionInTheOrderGiven()
    {
        const auto file = write("f.csv", "a,b,c,d\n1,2,3,4\n5,6,7,8\n");
        DatasetOptions o;
        o.featureColumns = {"d", "1", "a"}; // a name, a 0-based position, a name
        const Dataset d = loadDataset({file}, {flat(3)}, o);
        QCOMPARE(d.inputs[0].values(), (std::vector<float> {4, 2, 1, 8, 6, 5}));
        QCOMPARE(d.featureNames[0], (std::vector<std::string> {"d", "b", "a"}));
        QCOMPARE(d.chosen.featureColumns, (std::vector<std::string> {"d", "b", "a"}));
        // A column named like a number is taken by its name first.
        const auto numbered = write("g.csv", "x,0,y\n1,2,3\n");
        o.featureColumns = {"0", "x"};
        const Dataset g = loadDataset({numbered}, {flat(2)}, o);
        QCOMPARE(g.inputs[0].values(), (std::vector<float> {2, 1}));
    }

    void theGuessReadsBackAsTheSameData()
    {
        const auto file = write("s.csv", seriesCsv(8));
        const Dataset guessed = loadDataset({file}, {series(4, 2)});
        QCOMPARE(guessed.chosen.featureColumns, (std::vector<std::string> {"c0", "c1"}));
        QCOMPARE(guessed.chosen.timeColumn, std::string("time"));
        QCOMPARE(guessed.columns.size(), std::size_t(4));
        QCOMPARE(guessed.columns[1].name, std::string("patient"));
        QVERIFY(!guessed.columns[1].numeric);
        QCOMPARE(guessed.columns[1].example, std::string("P0"));
        QVERIFY(guessed.columns[2].numeric);
        QCOMPARE(guessed.columns[3].example, std::string("0"));
        const Dataset again = loadDataset({file}, {series(4, 2)}, guessed.chosen);
        QCOMPARE(again.inputs[0].values(), guessed.inputs[0].values());
        QCOMPARE(again.sampleLabels, guessed.sampleLabels);
        QCOMPARE(again.timeValues, guessed.timeValues);
    }

    void strideChoosesTheWindows()
    {
        const auto file = write("w.csv", seriesCsv(10));
        DatasetOptions o;
        o.idColumn = "patient";
        o.windowStride = 3; // windows start at rows 0, 3, 6
        const Dataset d = loadDataset({file}, {series(4, 2)}, o);
        QCOMPARE(d.sampleCount(), std::int64_t(3));
        QCOMPARE(d.windowStart, (std::vector<std::int64_t> {0, 3, 6}));
        QCOMPARE(d.inputs[0].values()[8], 3.0f);      // window 1, step 0, c0 = row 3
        QCOMPARE(d.inputs[0].values()[8 + 7], 60.0f); // window 1, step 3, c1 = row 6
        // Each window is named by its last row's id: rows 3, 6, 9.
        QCOMPARE(d.sampleLabels, (std::vector<std::string> {"P1", "P0", "P1"}));
        QCOMPARE(d.chosen.windowStride, std::int64_t(3));
        o.windowStride = 4; // the window length: windows that do not overlap
        const Dataset apart = loadDataset({file}, {series(4, 2)}, o);
        QCOMPARE(apart.windowStart, (std::vector<std::int64_t> {0, 4}));
    }

    void timeColumnNamesTheSteps()
    {
        const auto file = write("t.csv", seriesCsv(6));
        const Dataset d = loadDataset({file}, {series(4, 2)}); // "time" guessed
        AttentionLayerInfo call;
        call.key = "attn";
        call.queryLength = 4;
        call.keyLength = 4;
        call.queryOrigin = {AxisOrigin::Kind::TimeSteps, 0};
        call.keyOrigin = {AxisOrigin::Kind::TimeSteps, 0};
        LabelOptions lo;
        lo.sample = 2; // rows 2..5
        const AxisLabels labels = axisLabels(call, d, lo);
        QCOMPARE(labels.key,
            (std::vector<std::string> {"2024-01-12", "2024-01-13", "2024-01-14", "2024-01-15"}));
        DatasetOptions none;
        none.timeColumn = "-";
        const Dataset numbered = loadDataset({file}, {series(4, 2)}, none);
        QCOMPARE(axisLabels(call, numbered, lo).key,
            (std::vector<std::string> {"t-3", "t-2", "t-1", "t0"}));
        // Chosen by name: another text column names the steps.
        DatasetOptions byName;
        byName.timeColumn = "patient";
        byName.idColumn = "-";
        const Dataset patients = loadDataset({file}, {series(4, 2)}, byName);
        QCOMPARE(axisLabels(call, patients, lo).query,
            (std::vector<std::string> {"P0", "P1", "P0", "P1"}));
    }

    void refusalsSayWhatWhereAndWhatNext_data()
    {
        QTest::addColumn<QStringList>("features");
        QTest::addColumn<QString>("idColumn");
        QTest::addColumn<qint64>("stride");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("unknown feature column")
            << QStringList {"c0", "nope"} << QString() << qint64(1)
            << QStringList {"opt.csv: there is no column 'nope' to use as a feature",
                   "the columns are: time, patient, c0, c1", "give header names or 0-based"};
        QTest::newRow("position past the last column")
            << QStringList {"c0", "9"} << QString() << qint64(1)
            << QStringList {"opt.csv: there is no column at position 9 (positions count from 0)",
                   "the file has 4 columns"};
        QTest::newRow("text column as a feature")
            << QStringList {"c0", "patient"} << QString() << qint64(1)
            << QStringList {"opt.csv:2:2: column 'patient' holds text ('P0'",
                   "cannot be a feature; choose number columns"};
        QTest::newRow("a column twice")
            << QStringList {"c0", "2"} << QString() << qint64(1)
            << QStringList {
                   "opt.csv: column 'c0' is chosen twice as a feature", "choose each column once"};
        QTest::newRow("unknown id column")
            << QStringList() << QStringLiteral("MRN") << qint64(1)
            << QStringList {"opt.csv: there is no column 'MRN' to use as sample labels (id)",
                   "the columns are: time, patient, c0, c1"};
        QTest::newRow("stride 0") << QStringList() << QString() << qint64(0)
                                  << QStringList {"window stride 0", "must be at least 1",
                                         "1 = every window"};
    }

    void refusalsSayWhatWhereAndWhatNext()
    {
        QFETCH(QStringList, features);
        QFETCH(QString, idColumn);
        QFETCH(qint64, stride);
        QFETCH(QStringList, expected);
        DatasetOptions o;
        for (const QString &f : features)
            o.featureColumns.push_back(f.toStdString());
        o.idColumn = idColumn.toStdString();
        o.windowStride = stride;
        bool inputFileError = false;
        const QString what
            = errorOf(write("opt.csv", seriesCsv(6)), series(4, 2), o, &inputFileError);
        QVERIFY2(inputFileError, qPrintable(what));
        for (const QString &part : expected)
            QVERIFY2(what.contains(part), qPrintable(what + "\n  lacks: " + part));
    }

    void wrongFeatureCountSaysHowMany()
    {
        DatasetOptions o;
        o.featureColumns = {"c0"};
        const QString what = errorOf(write("few.csv", seriesCsv(6)), series(4, 2), o);
        QVERIFY2(what.contains("1 feature columns were chosen (c0) but input 'series' takes 2 "
                               "channels; choose 2 columns"),
            qPrintable(what));
    }

    void csvColumnsListsAFileThatDoesNotFit()
    {
        const std::vector<DataColumn> columns = csvColumns(write("c.csv", seriesCsv(3)));
        QCOMPARE(columns.size(), std::size_t(4));
        QCOMPARE(columns[0].name, std::string("time"));
        QCOMPARE(columns[0].example, std::string("2024-01-10"));
        QVERIFY(!columns[0].numeric);
        QVERIFY(columns[2].numeric);
        QVERIFY_EXCEPTION_THROWN(csvColumns(m_scratch.path() / "missing.csv"), InputFileError);
    }
};

QTEST_APPLESS_MAIN(TestDataOptions)
#include "tst_data_options.moc"
