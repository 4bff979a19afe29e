#include <QtTest>

#include "core/errors.h"
#include "core/io/sha256.h"

using namespace attnlens;

/// The core's SHA-256 (core/io/sha256.h) against the FIPS 180-4 examples.
class TestSha256 : public QObject
{
    Q_OBJECT
private slots:
    void knownVectors()
    {
        Sha256 empty;
        QCOMPARE(QString::fromStdString(empty.hexDigest()),
            QString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        Sha256 abc;
        abc.add("abc");
        QCOMPARE(QString::fromStdString(abc.hexDigest()),
            QString("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        // Two blocks, fed in uneven pieces (FIPS 180-4 example 2).
        const std::string text = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        Sha256 pieces;
        pieces.add(text.substr(0, 5));
        pieces.add(text.substr(5, 50));
        pieces.add(text.substr(55));
        QCOMPARE(QString::fromStdString(pieces.hexDigest()),
            QString("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        Sha256 million;
        const std::string block(1000, 'a');
        for (int i = 0; i < 1000; ++i)
            million.add(block);
        QCOMPARE(QString::fromStdString(million.hexDigest()),
            QString("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    void aMissingFileIsAnInputError()
    {
        QVERIFY_THROWS_EXCEPTION(InputFileError, fileSha256Hex("/nonexistent/model.keras"));
    }
};

QTEST_APPLESS_MAIN(TestSha256)
#include "tst_sha256.moc"
