// The heatmap's hover read-out follows what is drawn under a resting pointer (a new matrix such
// as the next head, zoom, pan, reset, leaving the map), and a model opened after another gets
// the layout a fresh start gives it. Mouse and key events go through the window system layer
// (QTEST_QPA_MOUSE_HANDLING), as a user's do.
#define QTEST_QPA_MOUSE_HANDLING
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QToolButton>
#include <qcustomplot.h>

#include "tests/test_util.h"
#include "ui/heatmap_figure.h"
#include "ui/heatmap_view.h"
#include "ui/image_export.h"
#include "ui/main_window.h"

#include "resources/demo_files.h"

using namespace attnlens;

namespace {

// queries x keys, cell (q, k) = offset + q * keys + k: every cell tells where it is.
RowMatrix numbered(int queries, int keys, float offset = 0.0f)
{
    RowMatrix m(queries, keys);
    for (int q = 0; q < queries; ++q)
        for (int k = 0; k < keys; ++k)
            m(q, k) = offset + float(q * keys + k);
    return m;
}

QStringList names(const QString &prefix, int count)
{
    QStringList list;
    for (int i = 0; i < count; ++i)
        list << prefix + QString::number(i);
    return list;
}

// Plot pixel of the centre of cell (key, query).
QPoint cellCentre(const HeatmapView &view, double key, double query)
{
    const QCPColorMap *map = view.figure()->colorMap();
    return {int(std::lround(map->keyAxis()->coordToPixel(key))),
        int(std::lround(map->valueAxis()->coordToPixel(query)))};
}

QString cellText(const QString &query, const QString &key, double weight)
{
    return QStringLiteral("query: %1   key: %2   weight: %3")
        .arg(query, key)
        .arg(weight, 0, 'g', 5);
}

} // namespace

class TestHeatmapView : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void restingPointerFollowsNewMatrix();
    void restingPointerFollowsZoomAndReset();
    void dragPanKeepsTheGrabbedCell();
    void leavingTheMapClearsTheReadout();
    void readoutIsRightAfterAnExportAtAnotherSize();
    void nextHeadKeyUpdatesTheReadout();
    void secondModelGetsAFreshLayout();

private:
    /// A shown 800 x 600 view with a 4 x 4 numbered matrix labelled q0.. and k0..
    void showNumbered(HeatmapView &view, int side = 4);
    static bool settle(MainWindow &window, int sample);

    DemoFiles m_demo;
};

void TestHeatmapView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings in a test location
    QCoreApplication::setOrganizationName(QStringLiteral("AttnLensTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_heatmap_view"));
    m_demo = extractDemoFiles();
    QVERIFY(!m_demo.model.isEmpty());
}

void TestHeatmapView::showNumbered(HeatmapView &view, int side)
{
    view.resize(800, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setLabels(names("k", side), names("q", side), "key", "query");
    view.showMatrix(numbered(side, side), "numbered");
    view.plot()->replot();
}

bool TestHeatmapView::settle(MainWindow &window, int sample)
{
    return QTest::qWaitFor(
        [&] {
            return !window.isBusy() && window.sampleScores().sample == sample
                && !window.heatmapView()->isShowingMessage();
        },
        20000);
}

void TestHeatmapView::restingPointerFollowsNewMatrix()
{
    HeatmapView view;
    showNumbered(view);
    QSignalSpy changes(&view, &HeatmapView::hoverChanged);
    QTest::mouseMove(view.plot(), cellCentre(view, 1, 2));
    QCOMPARE(view.readout(), cellText("q2", "k1", 9));
    QCOMPARE(changes.size(), 1);

    // The next head arrives while the pointer rests: the read-out shows its value at once.
    view.showMatrix(numbered(4, 4, 100.0f), "next head");
    QCOMPARE(view.readout(), cellText("q2", "k1", 109));
    QCOMPARE(changes.size(), 2);
    QCOMPARE(changes.last().first().toString(), cellText("q2", "k1", 109));

    // New labels (another sample's time stamps) are named at once too.
    view.setLabels(names("key", 4), names("query", 4), "key", "query");
    QCOMPARE(view.readout(), cellText("query2", "key1", 109));
    // A colour range change draws the same cell: the text stays as it is.
    view.setValueRange(0.0, 200.0);
    QCOMPARE(view.readout(), cellText("query2", "key1", 109));
}

void TestHeatmapView::restingPointerFollowsZoomAndReset()
{
    HeatmapView view;
    showNumbered(view, 8);
    const QPoint pointer = cellCentre(view, 3, 3);
    QTest::mouseMove(view.plot(), pointer);
    QCOMPARE(view.readout(), cellText("q3", "k3", 27));

    // Zoomed in on the bottom-right quarter, the pointer's pixel shows another cell.
    QCPAxis *keyAxis = view.figure()->colorMap()->keyAxis();
    QCPAxis *queryAxis = view.figure()->colorMap()->valueAxis();
    keyAxis->setRange(3.5, 7.5);
    queryAxis->setRange(3.5, 7.5);
    view.plot()->replot();
    double key = 0.0;
    double query = 0.0;
    view.figure()->colorMap()->pixelsToCoords(QPointF(pointer), key, query);
    const int k = int(std::lround(key));
    const int q = int(std::lround(query));
    QVERIFY2(k != 3 || q != 3, "the zoom must move another cell under the pointer");
    QCOMPARE(view.readout(),
        cellText(QStringLiteral("q%1").arg(q), QStringLiteral("k%1").arg(k), q * 8 + k));

    // R resets the view: the first cell is under the pointer again, without a mouse move.
    view.setFocus();
    QTest::keyClick(&view, Qt::Key_R);
    QCOMPARE(keyAxis->range(), QCPRange(-0.5, 7.5));
    QCOMPARE(view.readout(), cellText("q3", "k3", 27));
}

void TestHeatmapView::dragPanKeepsTheGrabbedCell()
{
    HeatmapView view;
    showNumbered(view, 10);
    QCPAxis *keyAxis = view.figure()->colorMap()->keyAxis();
    QCPAxis *queryAxis = view.figure()->colorMap()->valueAxis();
    keyAxis->setRange(-0.5, 4.5); // 5 x 5 cells of the 10 x 10: room to pan right and down
    queryAxis->setRange(-0.5, 4.5);
    view.plot()->replot();

    const QPoint grab = cellCentre(view, 2, 2);
    const int cell = int(std::lround(keyAxis->coordToPixel(3) - keyAxis->coordToPixel(2)));
    QTest::mouseMove(view.plot(), grab);
    QTest::mousePress(view.plot(), Qt::LeftButton, {}, grab);
    // Drag one cell to the left: the map follows the pointer, so cell (2, 2) stays under it
    // and the keys one further right come into view.
    const QPoint dropped = grab - QPoint(cell, 0);
    QTest::mouseMove(view.plot(), dropped);
    QVERIFY2(std::abs(keyAxis->range().lower - 0.5) < 0.05,
        qPrintable(QString::number(keyAxis->range().lower)));
    QCOMPARE(view.readout(), cellText("q2", "k2", 22));
    QTest::mouseRelease(view.plot(), Qt::LeftButton, {}, dropped);
    QCOMPARE(view.readout(), cellText("q2", "k2", 22));
}

void TestHeatmapView::leavingTheMapClearsTheReadout()
{
    HeatmapView view;
    showNumbered(view);
    QTest::mouseMove(view.plot(), cellCentre(view, 0, 0));
    QCOMPARE(view.readout(), cellText("q0", "k0", 0));
    // Straight onto the reset button below the map: the plot sees no move, only the leave.
    auto *reset = view.findChild<QToolButton *>();
    QVERIFY(reset);
    QTest::mouseMove(reset, reset->rect().center());
    QVERIFY2(view.readout().isEmpty(), qPrintable(view.readout()));
}

void TestHeatmapView::readoutIsRightAfterAnExportAtAnotherSize()
{
    HeatmapView view;
    showNumbered(view);
    const QPoint pointer = cellCentre(view, 3, 0);
    // An export half the size lays the plot out for the file; the screen keeps its picture.
    QVERIFY(!imageexport::render(view.plot(), QSize(400, 300), 96).isNull());
    QTest::mouseMove(view.plot(), pointer);
    QCOMPARE(view.readout(), cellText("q0", "k3", 3));
}

void TestHeatmapView::nextHeadKeyUpdatesTheReadout()
{
    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    window.open(m_demo.model, QString(), {m_demo.data});
    QVERIFY2(settle(window, 0), qPrintable(window.lastError()));
    HeatmapView *view = window.heatmapView();
    view->plot()->replot();
    QTest::mouseMove(view->plot(), cellCentre(*view, 4, 7));
    const QString head0 = view->readout();
    const double weight0 = double(view->matrix()(7, 4));
    QVERIFY2(head0.endsWith(QString::number(weight0, 'g', 5)), qPrintable(head0));

    QTest::keyClick(&window, Qt::Key_BracketRight); // next head; the pointer does not move
    QCOMPARE(window.currentHead().head, 1);
    const double weight1 = double(view->matrix()(7, 4));
    QVERIFY(weight1 != weight0);
    QVERIFY2(
        view->readout().endsWith(QString::number(weight1, 'g', 5)), qPrintable(view->readout()));
    QCOMPARE(view->readout(), view->describeCellAt(cellCentre(*view, 4, 7)));
}

void TestHeatmapView::secondModelGetsAFreshLayout()
{
    const QString model = testDataQ("keras/ts_encoder/model.keras");
    const QStringList data {testDataQ("keras/ts_encoder/data.npy")};
    // The map's margins: what the labels take (the docks beside it may differ in width).
    auto mapRect = [](MainWindow &window) {
        window.heatmapView()->plot()->replot();
        return window.heatmapView()->figure()->colorMap()->keyAxis()->axisRect()->margins();
    };
    MainWindow fresh;
    fresh.resize(1600, 1000);
    fresh.show();
    fresh.open(model, QString(), data);
    QVERIFY2(settle(fresh, 0), qPrintable(fresh.lastError()));
    const QMargins expected = mapRect(fresh);

    MainWindow after; // the demo's long feature names first, then the short t-47 .. t0
    after.resize(1600, 1000);
    after.show();
    after.open(m_demo.model, QString(), {m_demo.data});
    QVERIFY2(settle(after, 0), qPrintable(after.lastError()));
    const QMargins demo = mapRect(after);
    after.open(model, QString(), data);
    QVERIFY(QTest::qWaitFor([&] { return after.workspace().modelFile == model; }, 20000));
    QVERIFY2(settle(after, 0), qPrintable(after.lastError()));
    QCOMPARE(after.heatmapView()->figure()->keys(), 48);
    QVERIFY(demo != expected); // the demo's labels do take more room
    QCOMPARE(mapRect(after), expected);
}

QTEST_MAIN(TestHeatmapView)
#include "tst_heatmap_view.moc"
