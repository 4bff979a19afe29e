// The feature-weight bar chart (issue 12): what it shows for a sample is what Keras computed
// (tests/data/kerasfactory/*/expected.h5, Keras-computed, see that folder's PROVENANCE.md),
// labelled by the data's columns, sortable, and exported as images and CSV from the window and
// from attnlens-cli export.
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "core/io/hdf5_file.h"
#include "tests/test_util.h"
#include "ui/bar_figure.h"
#include "ui/feature_weight_bars.h"
#include "ui/feature_weights_panel.h"
#include "ui/main_window.h"

using namespace attnlens;

namespace {

QString caseFile(const char *name, const char *file)
{
    return testDataQ(std::string("kerasfactory/") + name + "/" + file);
}

Workspace openCase(const char *name, const char *data)
{
    Workspace w;
    w.modelFile = caseFile(name, "model.keras");
    w.model = Model::open(w.modelFile.toStdString());
    w.dataset = std::make_shared<const Dataset>(
        loadDataset({caseFile(name, data).toStdString()}, w.model->inputs()));
    return w;
}

SampleAttention sampleOf(const Workspace &w, std::int64_t sample)
{
    SampleResult r = w.model->runSample(w.dataset->inputs, sample);
    return {sample, std::move(r.attention), std::move(r.featureWeights), std::move(r.outputs)};
}

/// Row `row` of /feature_weights/<key> in the case's expected.h5 (or the whole (F,) set).
std::vector<float> kerasWeights(const char *name, const std::string &key, std::int64_t row)
{
    const Hdf5File expected(caseFile(name, "expected.h5").toStdString());
    const Tensor all = expected.readTensor("feature_weights/" + key);
    const Tensor one = all.rank() == 2 ? all.sample(row) : all;
    return std::vector<float>(one.data(), one.data() + one.size());
}

} // namespace

class TestFeatureWeights : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("AttnLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_feature_weights"));
    }

    // VariableSelection's importances of row 3, labelled by the CSV header, in layer order and
    // largest first; the CSV carries the same numbers.
    void barsAreKerasWeights()
    {
        const Workspace w = openCase("kf_tabular_pipeline", "data.csv");
        const SampleAttention scores = sampleOf(w, 3);
        const std::vector<float> keras
            = kerasWeights("kf_tabular_pipeline", "variable_selection", 3);
        const BarChart bars = presenter::featureWeightBars(w, scores, 0, BarOrder::Position);
        QCOMPARE(bars.labels, QStringList({"x0", "x1", "x2", "x3", "x4", "x5"}));
        QCOMPARE(bars.values.size(), keras.size());
        for (std::size_t i = 0; i < keras.size(); ++i)
            QVERIFY2(std::abs(bars.values[i] - keras[i]) < 1e-5, qPrintable(bars.labels[int(i)]));
        QVERIFY2(bars.title.contains(QStringLiteral("variable_selection — sample 3")),
            qPrintable(bars.title));
        QCOMPARE(bars.categoryTitle, QStringLiteral("feature"));
        QCOMPARE(bars.uniform, 1.0 / 6.0);

        const BarChart sorted = presenter::featureWeightBars(w, scores, 0, BarOrder::Weight);
        for (std::size_t i = 1; i < sorted.values.size(); ++i)
            QVERIFY(sorted.values[i - 1] >= sorted.values[i]);
        for (std::size_t i = 0; i < sorted.values.size(); ++i)
            QCOMPARE(sorted.labels[int(i)],
                QStringLiteral("x%1").arg(sorted.positions[i])); // labels follow their bars

        const QStringList csv = barCsv(sorted).split(QLatin1Char('\n'));
        QVERIFY(csv[0].startsWith(QStringLiteral("# ")));
        QCOMPARE(csv[1], QStringLiteral("position,feature,weight over features"));
        const QStringList first = csv[2].split(QLatin1Char(','));
        QCOMPARE(first[1], sorted.labels[0]);
        QVERIFY(std::abs(first[2].toDouble() - sorted.values[0]) < 1e-7);
    }

    // Experts and modules are named as such; learned constants say so in the title.
    void expertsAndModules()
    {
        const Workspace w = openCase("kf_weights", "data.h5");
        const SampleAttention scores = sampleOf(w, 1);
        const auto &sets = w.model->featureWeightLayers();
        for (int s = 0; s < int(sets.size()); ++s) {
            const BarChart bars = presenter::featureWeightBars(w, scores, s, BarOrder::Position);
            const std::vector<float> keras = kerasWeights("kf_weights", sets[s].key, 1);
            QCOMPARE(bars.values.size(), keras.size());
            for (std::size_t i = 0; i < keras.size(); ++i)
                QVERIFY(std::abs(bars.values[i] - keras[i]) < 1e-5);
            if (sets[s].key == "moe")
                QCOMPARE(bars.labels.front(), QStringLiteral("expert 0"));
            if (sets[s].key == "module_weights") {
                QCOMPARE(bars.labels.front(), QStringLiteral("module 0"));
                QVERIFY2(bars.title.contains(QStringLiteral("the same for every sample")),
                    qPrintable(bars.title));
            }
        }
    }

    // The figure draws one bar per label, top to bottom in the order given, and a uniform mark.
    void figureDrawsBars()
    {
        QCustomPlot plot;
        BarFigure figure(&plot);
        BarChart bars;
        bars.labels = {"a", "b", "c"};
        bars.values = {0.5, 0.3, 0.2};
        bars.positions = {0, 1, 2};
        bars.uniform = 1.0 / 3.0;
        figure.setBars(bars);
        QCOMPARE(figure.categoryLabels(), QStringList({"a", "b", "c"}));
        QCOMPARE(figure.bars()->data()->size(), 3);
        QCOMPARE(figure.bars()->data()->at(0)->value, 0.5);
        QVERIFY(plot.yAxis->rangeReversed()); // the first bar at the top
        QVERIFY(plot.xAxis->range().upper >= 0.5);
    }

    // In the window: the panel follows the sample, sorts on request and exports.
    void panelFollowsSampleAndExports()
    {
        MainWindow window;
        window.resize(1600, 1000);
        window.show();
        window.open(caseFile("kf_tabular_pipeline", "model.keras"), QString(),
            {caseFile("kf_tabular_pipeline", "data.csv")});
        FeatureWeightsPanel *panel = window.featureWeightsPanel();
        auto shows = [&](int sample) {
            return QTest::qWaitFor(
                [&] {
                    return !window.isBusy() && window.sampleScores().sample == sample
                        && !panel->bars().values.empty();
                },
                20000);
        };
        QVERIFY2(shows(0), qPrintable(window.lastError()));
        window.selectSample(5);
        QVERIFY2(shows(5), qPrintable(window.lastError()));
        const std::vector<float> keras
            = kerasWeights("kf_tabular_pipeline", "variable_selection", 5);
        for (std::size_t i = 0; i < keras.size(); ++i)
            QVERIFY(std::abs(panel->bars().values[i] - keras[i]) < 1e-5);

        auto *order = panel->findChild<QComboBox *>(QStringLiteral("featureWeightOrderBox"));
        QVERIFY(order != nullptr);
        order->setFocus();
        QTest::keyClick(order, Qt::Key_Down); // "Largest first"
        QCOMPARE(panel->order(), BarOrder::Weight);
        QVERIFY(
            std::abs(panel->bars().values.front() - *std::max_element(keras.begin(), keras.end()))
            < 1e-5);

        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("weights.png"));
        QVERIFY(window.exportFeatureWeights(png, ImageFormat::Png, QSize(640, 480), 96, true));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(640, 480));
        QVERIFY2(image.text(QStringLiteral("Title")).contains(QStringLiteral("variable_selection")),
            qPrintable(image.text(QStringLiteral("Title"))));
        const QString csv = dir.filePath(QStringLiteral("weights.csv"));
        QVERIFY(window.exportFeatureWeights(csv, ImageFormat::Png, QSize(640, 480), 96, true));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(file.readAll()).count(QLatin1Char('\n')), 2 + 6);
    }

    // attnlens-cli export: one chart per row and set, learned constants once, CSV beside.
    void cliExportWritesCharts()
    {
        QTemporaryDir dir;
        QProcess cli;
        cli.start(QStringLiteral(ATTNLENS_CLI),
            {QStringLiteral("export"), caseFile("kf_weights", "model.keras"),
                QStringLiteral("--data"), caseFile("kf_weights", "data.h5"),
                QStringLiteral("--rows"), QStringLiteral("0:2"), QStringLiteral("--matrix"),
                QStringLiteral("csv"), QStringLiteral("--out"), dir.path()});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const QStringList files = QDir(dir.path()).entryList({QStringLiteral("*W*")}, QDir::Files);
        QVERIFY2(files.contains(QStringLiteral("r000000_W01-column_attention.png")),
            qPrintable(files.join(' ')));
        QVERIFY(files.contains(QStringLiteral("r000001_W01-column_attention.csv")));
        QCOMPARE(files.filter(QStringLiteral("module_weights.png")).size(), 1);
        QVERIFY2(
            files.contains(QStringLiteral("W03-module_weights.png")), qPrintable(files.join(' ')));
        QFile csv(dir.filePath(QStringLiteral("r000001_W01-column_attention.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'));
        const std::vector<float> keras = kerasWeights("kf_weights", "column_attention", 1);
        for (std::size_t i = 0; i < keras.size(); ++i)
            QVERIFY(std::abs(lines[int(i) + 2].section(QLatin1Char(','), 2).toDouble() - keras[i])
                < 1e-6);
    }
};

QTEST_MAIN(TestFeatureWeights)
#include "tst_feature_weights.moc"
