#include <QtTest>

#include "core/tensor/format_bytes.h"

using namespace attnlens;

class TestFormatBytes : public QObject
{
    Q_OBJECT
private slots:
    void unitsOnA1024Base_data()
    {
        QTest::addColumn<qint64>("bytes");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64(0) << QStringLiteral("0 bytes");
        QTest::newRow("below 1 KiB") << qint64(1023) << QStringLiteral("1023 bytes");
        QTest::newRow("1 KiB") << qint64(1024) << QStringLiteral("1.0 KiB");
        QTest::newRow("1.5 KiB") << qint64(1536) << QStringLiteral("1.5 KiB");
        QTest::newRow("1 MiB") << (qint64(1) << 20) << QStringLiteral("1.0 MiB");
        QTest::newRow("256 MiB") << (qint64(256) << 20) << QStringLiteral("256.0 MiB");
        QTest::newRow("1 GiB") << (qint64(1) << 30) << QStringLiteral("1.0 GiB");
        // The default memory cap: the same text in every message that names it.
        QTest::newRow("8 GiB") << (qint64(8) << 30) << QStringLiteral("8.0 GiB");
        QTest::newRow("1 TiB in GiB") << (qint64(1) << 40) << QStringLiteral("1024.0 GiB");
    }
    void unitsOnA1024Base()
    {
        QFETCH(qint64, bytes);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(formatBytes(bytes)), text);
    }
};

QTEST_APPLESS_MAIN(TestFormatBytes)
#include "tst_format_bytes.moc"
