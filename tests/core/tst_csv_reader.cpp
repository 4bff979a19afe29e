#include <clocale>
#include <cmath>
#include <fstream>

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include "core/data/csv_reader.h"
#include "core/errors.h"
#include "tests/test_util.h"

using namespace attnlens;

class TestCsvReader : public QObject
{
    Q_OBJECT

    ScratchDir m_scratch;

    std::filesystem::path write(const std::string &name, const std::string &content)
    {
        return m_scratch.write(name, content);
    }

    static QString errorOf(const std::filesystem::path &file)
    {
        try {
            readCsv(file);
        } catch (const InputFileError &e) {
            return QString::fromUtf8(e.what());
        }
        return {};
    }

private slots:
    void delimiters_data()
    {
        QTest::addColumn<QString>("content");
        QTest::newRow("comma") << "a,b,c\n1,2.5,-3\n4,5,6\n";
        QTest::newRow("semicolon") << "a;b;c\n1;2.5;-3\n4;5;6\n";
        QTest::newRow("tab") << "a\tb\tc\n1\t2.5\t-3\n4\t5\t6\n";
        QTest::newRow("CRLF and BOM") << "\xEF\xBB\xBF"
                                         "a,b,c\r\n1,2.5,-3\r\n4,5,6\r\n";
        QTest::newRow("quoted header, no final newline") << "\"a\",\"b\",\"c\"\n1,2.5,-3\n4,5,6";
        QTest::newRow("blank lines skipped") << "a,b,c\n\n1,2.5,-3\n\n4,5,6\n\n";
    }
    void delimiters()
    {
        QFETCH(QString, content);
        CsvTable t = readCsv(write("d.csv", content.toStdString()));
        QCOMPARE(t.columns.size(), std::size_t(3));
        QCOMPARE(t.columns[1].name, std::string("b"));
        QCOMPARE(t.rows, std::int64_t(2));
        QCOMPARE(t.value(0, 1), 2.5f);
        QCOMPARE(t.value(0, 2), -3.0f);
        QCOMPARE(t.value(1, 0), 4.0f);
        QVERIFY(t.issues.empty());
    }

    void quotesDoubledAndNewlines()
    {
        const std::string csv = "name,x,note\n"
                                "\"Smith, J\",1.5,\"said \"\"hi\"\"\"\n"
                                "\"two\nlines\",2,plain\n"
                                "last,3,\"\"\n";
        CsvTable t = readCsv(write("q.csv", csv));
        QCOMPARE(t.rows, std::int64_t(3));
        QCOMPARE(t.textOf(0)[0], std::string("Smith, J"));
        QCOMPARE(t.textOf(0)[1], std::string("two\nlines"));
        QCOMPARE(t.textOf(2)[0], std::string("said \"hi\""));
        QCOMPARE(t.value(1, 1), 2.0f);
        // The quoted line break counts: row 2 starts on line 3, row 3 on line 5.
        QCOMPARE(t.lines[1], std::int64_t(3));
        QCOMPARE(t.lines[2], std::int64_t(5));
    }

    void numbersIgnoreTheUserLocale()
    {
        // A German locale writes 1,5; the parser must still read "1.5" and never "1,5".
        const char *previous = std::setlocale(LC_NUMERIC, "de_DE.UTF-8");
        CsvTable t = readCsv(write("l.csv", "a;b\n1.5;1,5\n"));
        if (previous != nullptr)
            std::setlocale(LC_NUMERIC, "C");
        QCOMPARE(t.delimiter, ';');
        QCOMPARE(t.value(0, 0), 1.5f);
        QVERIFY(std::isnan(t.value(0, 1)));
        QCOMPARE(t.columns[1].texts, std::int64_t(1));
    }

    void missingValuesAreReportedWithRowAndColumn()
    {
        CsvTable t = readCsv(write("m.csv", "a,b,c\n1,,3\nNA,2,N/A\nnull,NaN,4\n5,6,7\n"));
        QCOMPARE(t.rows, std::int64_t(4));
        QCOMPARE(t.issues.size(), std::size_t(5));
        QCOMPARE(t.issues[0].row, std::int64_t(0));
        QCOMPARE(t.issues[0].column, 1);
        QCOMPARE(t.issues[1].text, std::string("NA"));
        QCOMPARE(t.issues[4].row, std::int64_t(2));
        QCOMPARE(t.issues[4].column, 1);
        QVERIFY(std::isnan(t.value(0, 1))); // NaN, never 0
        QCOMPARE(t.value(3, 2), 7.0f);
    }

    void raggedRowDoesNotShiftLaterRows()
    {
        CsvTable t = readCsv(write("r.csv", "a,b,c\n1,2,3\n4,5\n7,8,9,10\n11,12,13\n"));
        QCOMPARE(t.rows, std::int64_t(4));
        QCOMPARE(t.issues.size(), std::size_t(2));
        QCOMPARE(t.issues[0].kind, CsvIssue::Kind::RaggedRow);
        QCOMPARE(t.issues[0].row, std::int64_t(1));
        QCOMPARE(t.issues[0].column, 2);
        QCOMPARE(t.issues[1].row, std::int64_t(2));
        QCOMPARE(t.issues[1].column, 4);
        QCOMPARE(t.value(3, 0), 11.0f);
        QCOMPARE(t.value(3, 2), 13.0f);
        QCOMPARE(t.lines[3], std::int64_t(5));
    }

    void textColumnsAndKeptText()
    {
        CsvTable t = readCsv(write("t.csv", "id,x,kind\n00017,1.25,cat\n00018,2,dog\n"));
        QVERIFY(t.columns[0].numeric());
        QVERIFY(!t.columns[2].numeric());
        QCOMPARE(t.textOf(0)[0], std::string("00017")); // column 0 text kept exactly
        QCOMPARE(t.textOf(2)[1], std::string("dog"));
        QCOMPARE(t.textOf(1)[0], std::string("1.25"));
    }

    void headerlessFileGetsNames()
    {
        CsvTable t = readCsv(write("h.csv", "1,2\n3,4\n"));
        QVERIFY(t.headerMissing);
        QCOMPARE(t.rows, std::int64_t(2));
        QCOMPARE(t.columns[1].name, std::string("column 2"));
    }

    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << QByteArray() << "the file is empty";
        QTest::newRow("only blank lines") << QByteArray("\n\r\n  \n") << "the file is empty";
        QTest::newRow("header only") << QByteArray("a,b\n") << "no data rows";
        QTest::newRow("unclosed quote")
            << QByteArray("a,b\n1,\"open\n2,3\n") << "b.csv:2:2: a quote opens field 2";
        QTest::newRow("header not UTF-8") << QByteArray("a,caf\xE9\n1,2\n")
                                          << "b.csv:1:2: the header name of column 2 is not UTF-8";
    }
    void badFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        const QString what = errorOf(write("b.csv", content.toStdString()));
        QVERIFY2(what.contains(message), qPrintable(what));
    }

    void hundredMegabyteSingleLineIsRefusedFast()
    {
        const std::filesystem::path p = m_scratch.path() / "big.csv";
        {
            std::ofstream out(p, std::ios::binary);
            const std::string block(1 << 20, 'x');
            for (int i = 0; i < 100; ++i)
                out << block;
        }
        QElapsedTimer timer;
        timer.start();
        const QString what = errorOf(p);
        QVERIFY2(what.contains("big.csv:1: the first line is 100.0 MiB long"), qPrintable(what));
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        std::filesystem::remove(p);
    }

    void hundredMegabyteDataLineIsOneRaggedRow()
    {
        const std::filesystem::path p = m_scratch.path() / "big2.csv";
        {
            std::ofstream out(p, std::ios::binary);
            out << "a,b\n1,2\n";
            std::string block;
            for (int i = 0; i < (1 << 19); ++i)
                block += "1,";
            for (int i = 0; i < 100; ++i)
                out << block;
            out << "\n3,4\n";
        }
        QElapsedTimer timer;
        timer.start();
        CsvTable t = readCsv(p);
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(t.rows, std::int64_t(3));
        QCOMPARE(t.issues.size(), std::size_t(1));
        QCOMPARE(t.issues[0].kind, CsvIssue::Kind::RaggedRow);
        QCOMPARE(t.value(2, 1), 4.0f);
        std::filesystem::remove(p);
    }
};

QTEST_APPLESS_MAIN(TestCsvReader)
#include "tst_csv_reader.moc"
