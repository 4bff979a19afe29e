// Data > Data Options in the real window, with keys and the mouse: the dialog shows the guess;
// a text column checked as a feature keeps the dialog and every choice with one message; columns
// reordered, no id and a stride read the data again, and the sample table, the map's time labels
// and the saved session follow; a CSV that does not fit the model opens the dialog by itself.
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <qcustomplot.h>

#include "tests/test_util.h"
#include "ui/data_options_dialog.h"
#include "ui/heatmap_figure.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"
#include "ui/sample_table.h"
#include "ui/sample_table_model.h"
#include "ui/session_file.h"

using namespace attnlens;

namespace {

constexpr int kRows = 60; // ts_encoder takes windows of 48 rows of 3 channels

QString timeOf(int row)
{
    return QStringLiteral("03-01 %1:%2")
        .arg(row / 4, 2, 10, QLatin1Char('0'))
        .arg((row % 4) * 15, 2, 10, QLatin1Char('0'));
}

/// time, patient_id, channels a, b, c and a text column "note".
std::string seriesCsv(bool extraNumberColumn)
{
    std::string csv
        = extraNumberColumn ? "time,patient_id,a,b,c,d\n" : "time,patient_id,a,b,c,note\n";
    for (int i = 0; i < kRows; ++i) {
        csv += timeOf(i).toStdString() + ",P" + std::to_string(100 + i) + ","
            + std::to_string(0.01 * i) + "," + std::to_string(0.5 - 0.02 * i) + ","
            + std::to_string((i % 7) * 0.1) + ","
            + (extraNumberColumn ? std::string("1") : std::string(i % 3 ? "ok" : "late")) + "\n";
    }
    return csv;
}

QListWidgetItem *itemNamed(QListWidget *list, const QString &name)
{
    for (int row = 0; row < list->count(); ++row)
        if (list->item(row)->data(Qt::UserRole).toString() == name)
            return list->item(row);
    return nullptr;
}

QStringList checkedNames(QListWidget *list)
{
    QStringList names;
    for (int row = 0; row < list->count(); ++row)
        if (list->item(row)->checkState() == Qt::Checked)
            names << list->item(row)->data(Qt::UserRole).toString();
    return names;
}

/// Makes `name` the current row of the list and presses Space on it (toggles its check box).
void toggle(QListWidget *list, const QString &name)
{
    QListWidgetItem *item = itemNamed(list, name);
    QVERIFY2(item != nullptr, qPrintable(name));
    list->setFocus();
    list->setCurrentItem(item);
    QTest::keyClick(list, Qt::Key_Space);
}

/// The labels the key axis shows, by position.
QMap<double, QString> keyTicks(MainWindow &window)
{
    HeatmapFigure *figure = window.heatmapView()->figure();
    const auto ticker
        = qSharedPointerDynamicCast<QCPAxisTickerText>(figure->colorMap()->keyAxis()->ticker());
    return ticker ? ticker->ticks() : QMap<double, QString>();
}

} // namespace

class TestDataOptionsDialog : public QObject
{
    Q_OBJECT

    ScratchDir m_scratch;
    QString m_model;

    bool settle(MainWindow &window, int sample)
    {
        return QTest::qWaitFor(
            [&] {
                return !window.isBusy() && window.sampleScores().sample == sample
                    && !window.heatmapView()->isShowingMessage();
            },
            30000);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("AttnLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_data_options_dialog"));
        m_model = testDataQ("keras/ts_encoder/model.keras");
    }

    void chooseColumnsAndReRead()
    {
        const QString csv
            = QString::fromStdString(m_scratch.write("vitals.csv", seriesCsv(false)).string());
        MainWindow window;
        window.resize(1600, 1000);
        window.show();
        window.open(m_model, QString(), {csv});
        QVERIFY2(settle(window, 0), qPrintable(window.lastError()));
        const std::shared_ptr<const Dataset> guessed = window.workspace().dataset;
        QCOMPARE(guessed->sampleCount(), std::int64_t(kRows - 48 + 1));
        // The guessed time column names the steps: window 0 is rows 0..47.
        QMap<double, QString> ticks = keyTicks(window);
        QVERIFY(ticks.size() >= 8);
        for (auto it = ticks.cbegin(); it != ticks.cend(); ++it)
            QCOMPARE(it.value(), timeOf(int(it.key())));

        // Data > Data Options by its shortcut: every field on the guess.
        QTest::keyClick(&window, Qt::Key_D, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(QTest::qWaitFor([&] { return window.dataOptionsDialog() != nullptr; }, 5000));
        DataOptionsDialog *dialog = window.dataOptionsDialog();
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QCOMPARE(dialog->idBox()->currentText(), QStringLiteral("Automatic (guess: patient_id)"));
        QCOMPARE(dialog->timeBox()->currentText(), QStringLiteral("Automatic (guess: time)"));
        QCOMPARE(dialog->targetBox()->currentText(), QStringLiteral("Automatic (guess: note)"));
        QCOMPARE(checkedNames(dialog->featureList()), (QStringList {"a", "b", "c"}));
        QCOMPARE(dialog->featureList()->count(), 6);
        const auto *count = dialog->findChild<QLabel *>(QStringLiteral("featureCount"));
        QVERIFY(count->text().startsWith(QStringLiteral("3 columns checked; the model takes 3")));

        // A bad choice: the text column "note" instead of "c". One message; nothing changes.
        toggle(dialog->featureList(), QStringLiteral("c"));
        toggle(dialog->featureList(), QStringLiteral("note"));
        QCOMPARE(checkedNames(dialog->featureList()), (QStringList {"a", "b", "note"}));
        QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor([&] { return !dialog->problem().isEmpty(); }, 30000));
        QVERIFY2(dialog->problem().contains(QStringLiteral("column 'note' holds text")),
            qPrintable(dialog->problem()));
        QVERIFY(dialog->isVisible());
        QCOMPARE(window.dataOptionsDialog(), dialog);
        QCOMPARE(checkedNames(dialog->featureList()), (QStringList {"a", "b", "note"}));
        QCOMPARE(window.workspace().dataset, guessed);
        QVERIFY(window.findChildren<QMessageBox *>().isEmpty());

        // A good one: c, a, b (c moved up with Alt+Up), samples numbered, windows 4 rows apart.
        toggle(dialog->featureList(), QStringLiteral("note"));
        toggle(dialog->featureList(), QStringLiteral("c"));
        dialog->featureList()->setCurrentItem(
            itemNamed(dialog->featureList(), QStringLiteral("c")));
        QTest::keyClick(dialog->featureList(), Qt::Key_Up, Qt::AltModifier);
        QTest::keyClick(dialog->featureList(), Qt::Key_Up, Qt::AltModifier);
        QCOMPARE(checkedNames(dialog->featureList()), (QStringList {"c", "a", "b"}));
        dialog->idBox()->setFocus();
        QTest::keyClick(dialog->idBox(), Qt::Key_Down);
        QCOMPARE(dialog->idBox()->currentData().toString(), QStringLiteral("-"));
        dialog->strideBox()->setFocus();
        QTest::keyClick(dialog->strideBox(), Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(dialog->strideBox(), QStringLiteral("4"));
        QCOMPARE(dialog->strideBox()->value(), 4);
        QPointer<DataOptionsDialog> watched(dialog);
        QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
        QVERIFY2(QTest::qWaitFor([&] { return watched.isNull() || !watched->isVisible(); }, 30000),
            qPrintable(watched ? watched->problem() : QString()));
        QVERIFY2(settle(window, 0), qPrintable(window.lastError()));

        const Workspace &w = window.workspace();
        QCOMPARE(w.dataOptions.featureColumns, (std::vector<std::string> {"c", "a", "b"}));
        QCOMPARE(w.dataOptions.idColumn, std::string("-"));
        QCOMPARE(w.dataOptions.windowStride, std::int64_t(4));
        QCOMPARE(w.dataset->featureNames[0], (std::vector<std::string> {"c", "a", "b"}));
        QCOMPARE(w.dataset->sampleCount(), std::int64_t((kRows - 48) / 4 + 1));
        // The first window's first step is row 0: c, a, b.
        QCOMPARE(w.dataset->inputs[0].values()[0], 0.0f);
        QCOMPARE(w.dataset->inputs[0].values()[2], 0.5f);
        // The sample table: 4 samples, numbered.
        SampleTable *table = window.sampleTable();
        QCOMPARE(table->model()->rowCount(), 4);
        QCOMPARE(table->model()
                     ->data(table->model()->index(1, SampleTableModel::LabelColumn))
                     .toString(),
            QStringLiteral("1"));
        // Down in the table: sample 1 starts at row 4, and the map's time labels follow.
        table->view()->setFocus();
        QTest::keyClick(table->view(), Qt::Key_Down);
        QVERIFY2(settle(window, 1), qPrintable(window.lastError()));
        ticks = keyTicks(window);
        QVERIFY(!ticks.isEmpty());
        for (auto it = ticks.cbegin(); it != ticks.cend(); ++it)
            QCOMPARE(it.value(), timeOf(4 + int(it.key())));

        // The choice is part of the saved session.
        window.close();
        const Session saved = sessionfile::read(sessionfile::autosavePath());
        QCOMPARE(saved.dataOptions.featureColumns, (std::vector<std::string> {"c", "a", "b"}));
        QCOMPARE(saved.dataOptions.idColumn, std::string("-"));
        QCOMPARE(saved.dataOptions.windowStride, std::int64_t(4));
    }

    void csvThatDoesNotFitOpensTheDialog()
    {
        const QString csv
            = QString::fromStdString(m_scratch.write("wide.csv", seriesCsv(true)).string());
        MainWindow window;
        window.resize(1600, 1000);
        window.show();
        window.open(m_model, QString(), {csv});
        QVERIFY(QTest::qWaitFor([&] { return window.dataOptionsDialog() != nullptr; }, 30000));
        DataOptionsDialog *dialog = window.dataOptionsDialog();
        QVERIFY2(dialog->problem().contains(QStringLiteral("4 number columns")),
            qPrintable(dialog->problem()));
        QVERIFY(window.findChildren<QMessageBox *>().isEmpty());
        QVERIFY(!window.workspace().dataset);
        QCOMPARE(checkedNames(dialog->featureList()), QStringList());
        for (const char *name : {"a", "b", "d"})
            toggle(dialog->featureList(), QString::fromLatin1(name));
        QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
        QVERIFY2(settle(window, 0), qPrintable(window.lastError()));
        QVERIFY(window.workspace().dataset);
        QCOMPARE(window.workspace().dataset->featureNames[0],
            (std::vector<std::string> {"a", "b", "d"}));
        QCOMPARE(window.workspace().modelFile, m_model);
    }
};

QTEST_MAIN(TestDataOptionsDialog)
#include "tst_data_options_dialog.moc"
