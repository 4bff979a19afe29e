// The Overview dock fits its grid (issue 14): thumbnails shrink to show every head of every call
// without scrolling, call names elide at the start with the whole name on hover, and "One colour
// range" draws every cell on one range.
#include <QCheckBox>
#include <QFontMetrics>
#include <QHeaderView>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include "ui/attention_presenter.h"
#include "ui/overview_grid.h"

using namespace attnlens;

namespace {

std::vector<std::vector<QImage>> grid(int calls, int heads)
{
    QImage image(72, 72, QImage::Format_RGB32);
    image.fill(Qt::darkBlue);
    return std::vector<std::vector<QImage>>(static_cast<std::size_t>(calls),
        std::vector<QImage>(static_cast<std::size_t>(heads), image));
}

} // namespace

class TestOverviewGrid : public QObject
{
    Q_OBJECT

private slots:
    void cellsShrinkToFitTheDock()
    {
        OverviewGrid overview;
        overview.resize(420, 520);
        overview.show();
        QVERIFY(QTest::qWaitForWindowExposed(&overview));
        const QStringList names {"transformer_block_1/multi_head_attention",
            "transformer_block_2/multi_head_attention", "transformer_block_3/multi_head_attention",
            "transformer_block_4/multi_head_attention", "pooling_attention"};
        overview.setThumbnails(names, grid(5, 8));
        QTableWidget *table = overview.table();
        // 5 calls x 8 heads at 72 px would need 400 x 640 px of cells: smaller cells, no scrolling.
        QVERIFY(overview.cellSide() < OverviewGrid::kMaximumSide);
        QVERIFY(overview.cellSide() >= OverviewGrid::kMinimumSide);
        const int cellsWidth = table->horizontalHeader()->length();
        const int cellsHeight = table->verticalHeader()->length();
        QVERIFY2(cellsWidth <= table->viewport()->width(),
            qPrintable(QString("%1 > %2").arg(cellsWidth).arg(table->viewport()->width())));
        QVERIFY2(cellsHeight <= table->viewport()->height(),
            qPrintable(QString("%1 > %2").arg(cellsHeight).arg(table->viewport()->height())));
        QCOMPARE(table->iconSize(), QSize(overview.cellSide(), overview.cellSide()));
        // A larger dock gives larger cells, up to the thumbnails' own size.
        const int small = overview.cellSide();
        overview.resize(900, 1000);
        QTRY_VERIFY(overview.cellSide() > small);
        QVERIFY(overview.cellSide() <= OverviewGrid::kMaximumSide);
        // Names elide at the start (the block number and the layer stay), whole on hover.
        const QString shown = table->horizontalHeaderItem(2)->text();
        QVERIFY2(
            shown.startsWith(QChar(0x2026)) && names[2].endsWith(shown.mid(1)), qPrintable(shown));
        QVERIFY(QFontMetrics(table->horizontalHeader()->font()).horizontalAdvance(shown)
            <= overview.cellSide() + 8);
        QCOMPARE(table->horizontalHeaderItem(2)->toolTip(), names[2]);
        QCOMPARE(table->horizontalHeaderItem(4)->text().isEmpty(), false);
    }

    void oneRangeDrawsCellsComparably()
    {
        OverviewGrid overview;
        QSignalSpy changed(&overview, &OverviewGrid::sharedRangeChanged);
        QVERIFY(!overview.sharedRange());
        overview.findChild<QCheckBox *>("overviewSharedRange")->click();
        QVERIFY(overview.sharedRange());
        QCOMPARE(changed.count(), 1);
        // Two heads, flat at 0.2 and at 0.8: per head both span nothing and look alike; on one
        // range 0.2..0.8 they are the two ends of the colour map.
        Tensor scores({2, 2, 2}, {0.2f, 0.2f, 0.2f, 0.2f, 0.8f, 0.8f, 0.8f, 0.8f});
        const auto perHead = presenter::headThumbnails(scores, "viridis", RangeMode::PerHead, 8);
        QCOMPARE(perHead.heads[0].pixel(1, 1), perHead.heads[1].pixel(1, 1));
        const auto shared = presenter::headThumbnails(
            scores, "viridis", RangeMode::PerHead, 8, std::pair(0.2, 0.8));
        QVERIFY(shared.heads[0].pixel(1, 1) != shared.heads[1].pixel(1, 1));
    }
};

QTEST_MAIN(TestOverviewGrid)
#include "tst_overview_grid.moc"
