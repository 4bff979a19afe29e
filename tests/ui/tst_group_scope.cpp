// Group scope of the desktop window (issue 13) on the bundled demo: the map of a group is the
// mean (or standard deviation) over its samples, checked against the NumPy reference computed
// from Keras's own attention (tests/data/analysis/reference.h5, made by make_reference.py from
// tests/data/demo/expected.h5), and "rows shown in the table" follows the table's filter,
// checked against the engine's per-sample maps.
#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QTest>

#include "core/io/hdf5_file.h"
#include "tests/test_util.h"
#include "ui/bar_chart_view.h"
#include "ui/head_list.h"
#include "ui/heatmap_figure.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"
#include "ui/sample_table.h"

#include "resources/demo_files.h"

using namespace attnlens;

namespace {

/// Largest |screen - expected| over the map on screen; expected is (T, T) row-major.
double worst(const MainWindow &window, const float *expected)
{
    const RowMatrix &shown = window.heatmapView()->matrix();
    double error = 0.0;
    for (Eigen::Index i = 0; i < shown.size(); ++i)
        error = std::max(error, std::abs(double(shown.data()[i]) - double(expected[i])));
    return error;
}

} // namespace

class TestGroupScope : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("AttnLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_group_scope"));
        m_demo = extractDemoFiles();
        QVERIFY(!m_demo.model.isEmpty());
    }

    void groupMapsAreTheGroupsStatistics()
    {
        MainWindow window;
        QVERIFY(openDemo(window));

        // The scope list, by key: Down chooses "Group".
        QComboBox *scope = window.scopeBar()->scopeBox();
        scope->setFocus();
        QTest::keyClick(scope, Qt::Key_Down);
        QCOMPARE(window.currentScope(), Scope::Group);
        auto ready = [&] {
            return QTest::qWaitFor(
                [&] { return !window.isBusy() && !window.heatmapView()->isShowingMessage(); },
                30000);
        };
        QVERIFY2(ready(), qPrintable(window.lastError()));
        QStringList offered;
        for (int i = 0; i < window.scopeBar()->groupBox()->count(); ++i)
            offered << window.scopeBar()->groupBox()->itemData(i).toString();
        QVERIFY2(offered.contains(QStringLiteral("target=benign"))
                && offered.contains(QStringLiteral("misclassified"))
                && offered.contains(QStringLiteral("prediction=malignant"))
                && offered.last() == QStringLiteral("shown"),
            qPrintable(offered.join(' ')));

        const Hdf5File ref(testData("analysis/reference.h5"));
        window.selectGroup("target=benign");
        window.selectHead({HeadChoice::Kind::Head, 2});
        QVERIFY(ready());
        const Tensor mean = ref.readTensor("demo/target=benign/mean");
        const double meanError = worst(window, mean.data() + 2 * 30 * 30);
        QVERIFY2(meanError < 1e-5, qPrintable(QString::number(meanError)));
        const QString title = window.heatmapView()->figure()->title();
        const auto count = static_cast<int>(ref.readTensor("demo/target=benign/count").data()[0]);
        QVERIFY2(title.contains(QStringLiteral("target benign (%1 samples), mean").arg(count)),
            qPrintable(title));

        // Attention received: the column means of the group's mean map of head 2.
        const Tensor received = ref.readTensor("demo/target=benign/received");
        const BarChart &bars = window.receivedView()->chart();
        QCOMPARE(bars.values.size(), std::size_t(30));
        for (std::size_t k = 0; k < 30; ++k)
            QVERIFY(std::abs(bars.values[k] - received.data()[2 * 30 + k]) < 1e-5);
        QCOMPARE(bars.labels.front(), QStringLiteral("mean_radius"));
        // Head sharpness: the group's mean normalised entropy; the sharpest is marked.
        const Tensor entropy = ref.readTensor("demo/target=benign/entropy");
        const int sharpest
            = int(std::min_element(entropy.data(), entropy.data() + 4) - entropy.data());
        QCOMPARE(window.headList()->sharpestHead(), sharpest);
        window.headList()->setSortBySharpness(true);
        QVERIFY(window.headList()->list()->item(0)->text().startsWith(
            QStringLiteral("head %1").arg(sharpest)));
        QVERIFY(window.headList()->list()->item(0)->text().contains(
            QStringLiteral("entropy %1").arg(entropy.data()[sharpest], 0, 'f', 2)));

        window.setGroupStatistic(GroupStatistic::StandardDeviation);
        QVERIFY(ready());
        const Tensor std = ref.readTensor("demo/target=benign/std");
        QVERIFY(worst(window, std.data() + 2 * 30 * 30) < 1e-5);

        window.setGroupStatistic(GroupStatistic::Mean);
        window.selectHead({HeadChoice::Kind::MeanOfHeads, 0});
        QVERIFY(ready());
        QVERIFY(worst(window, ref.readTensor("demo/target=benign/head_mean/mean").data()) < 1e-5);
    }

    void shownRowsFollowTheFilter()
    {
        MainWindow window;
        QVERIFY(openDemo(window));
        QTest::keyClicks(window.sampleTable()->filter(), QStringLiteral("56"));
        const std::vector<std::int64_t> shown = window.sampleTable()->shownSamples();
        QVERIFY(shown.size() > 1 && shown.size() < 100);
        window.setScope(Scope::Group);
        window.selectGroup("shown");
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return !window.isBusy() && window.groupSummary().summary
                             && !window.heatmapView()->isShowingMessage();
                     },
                     30000),
            qPrintable(window.lastError()));
        QCOMPARE(window.groupSummary().samples, shown);

        // Head 0's mean over those samples, from the engine's own per-sample maps.
        const Workspace &w = window.workspace();
        RowMatrix sum = RowMatrix::Zero(30, 30);
        for (const std::int64_t s : shown)
            sum += headMatrix(w.model->attentionForSample(
                                  w.dataset->inputs, s, w.model->attentionLayers().front().key),
                {HeadChoice::Kind::Head, 0});
        window.selectHead({HeadChoice::Kind::Head, 0});
        const RowMatrix expected = sum / float(shown.size());
        QVERIFY(worst(window, expected.data()) < 1e-5);
        QVERIFY(window.heatmapView()->figure()->title().contains(
            QStringLiteral("rows shown in the table")));
    }

    // Compare: sample - sample, then group - group, in a diverging map centred on 0.
    void differenceOfTwoMaps()
    {
        MainWindow window;
        QVERIFY(openDemo(window));
        window.selectHead({HeadChoice::Kind::Head, 1});
        QVERIFY(QTest::qWaitFor([&] { return !window.isBusy(); }, 20000));
        window.pinView();
        window.selectSample(5);
        QVERIFY(QTest::qWaitFor(
            [&] { return !window.isBusy() && window.sampleScores().sample == 5; }, 20000));
        window.setDifference(true);
        QVERIFY(window.showsDifference());
        const Workspace &w = window.workspace();
        const std::string key = w.model->attentionLayers().front().key;
        const HeadChoice head {HeadChoice::Kind::Head, 1};
        const RowMatrix expected
            = headMatrix(w.model->attentionForSample(w.dataset->inputs, 5, key), head)
            - headMatrix(w.model->attentionForSample(w.dataset->inputs, 0, key), head);
        QVERIFY(worst(window, expected.data()) < 1e-6);
        const QCPRange range = window.heatmapView()->figure()->valueRange();
        QVERIFY(std::abs(range.lower + range.upper) < 1e-9); // symmetric around 0
        QVERIFY(range.upper >= expected.cwiseAbs().maxCoeff() - 1e-7);
        QCOMPARE(window.heatmapView()->figure()->colorMapName(), QStringLiteral("rdbu"));
        QVERIFY(window.heatmapView()->figure()->showsDifference());
        QVERIFY(window.heatmapView()->figure()->title().contains(QStringLiteral("minus A:")));

        // Group malignant - group benign, against the NumPy reference.
        window.setDifference(false);
        window.setScope(Scope::Group);
        window.selectGroup("target=benign");
        QVERIFY(QTest::qWaitFor(
            [&] { return !window.isBusy() && !window.heatmapView()->isShowingMessage(); }, 30000));
        window.pinView();
        window.selectGroup("target=malignant");
        window.setDifference(true);
        QVERIFY(QTest::qWaitFor(
            [&] { return !window.isBusy() && !window.heatmapView()->isShowingMessage(); }, 30000));
        const Hdf5File ref(testData("analysis/reference.h5"));
        const Tensor benign = ref.readTensor("demo/target=benign/mean");
        const Tensor malignant = ref.readTensor("demo/target=malignant/mean");
        std::vector<float> difference(900);
        for (std::size_t i = 0; i < 900; ++i)
            difference[i] = malignant.data()[900 + i] - benign.data()[900 + i];
        const double error = worst(window, difference.data());
        QVERIFY2(error < 2e-5,
            qPrintable(QString::number(error) + " " + window.heatmapView()->figure()->title()));
    }

private:
    bool openDemo(MainWindow &window)
    {
        window.resize(1600, 1000);
        window.show();
        window.open(m_demo.model, QString(), {m_demo.data});
        return QTest::qWaitFor(
            [&] { return !window.isBusy() && window.sampleScores().sample == 0; }, 20000);
    }

    DemoFiles m_demo;
};

QTEST_MAIN(TestGroupScope)
#include "tst_group_scope.moc"
