// attnlens-cli on more rows than the demo has: RESULT.h5's `rows` attribute (8 bytes per row)
// outgrew HDF5's 64 KiB compact attribute storage at 8192 rows, and `run` failed with exit 4
// ("cannot write ...: rows"). 9000 rows of the demo's measurements, ids 0..8999.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace {

/// The demo CSV's rows repeated to `rows` rows, each with a fresh id.
QString repeatedDemo(const QTemporaryDir &dir, int rows)
{
    QFile in(demo("breast_cancer.csv"));
    if (!in.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> lines = in.readAll().trimmed().split('\n');
    QByteArray out = lines.front() + '\n';
    for (int i = 0; i < rows; ++i) {
        const QByteArray &line = lines[1 + i % (lines.size() - 1)];
        out += QByteArray::number(i) + line.mid(line.indexOf(',')) + '\n';
    }
    const QString path = dir.filePath("big.csv");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(out);
    return path;
}

std::vector<long long> rowsAttribute(const QString &file)
{
    std::vector<long long> rows;
    const hid_t h5 = H5Fopen(file.toUtf8().constData(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (h5 < 0)
        return rows;
    const hid_t attribute = H5Aopen(h5, "rows", H5P_DEFAULT);
    if (attribute >= 0) {
        const hid_t space = H5Aget_space(attribute);
        rows.resize(std::size_t(H5Sget_simple_extent_npoints(space)));
        H5Aread(attribute, H5T_NATIVE_LLONG, rows.data());
        H5Sclose(space);
        H5Aclose(attribute);
    }
    H5Fclose(h5);
    return rows;
}

} // namespace

class TestLargeRuns : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void runWritesTheRowsOfMoreThan8192Samples()
    {
        const QString data = repeatedDemo(m_dir, 9000);
        QVERIFY(!data.isEmpty());
        const QString out = m_dir.filePath("big.h5");
        const Result r
            = runCli({"run", demo("breast_cancer_attention.keras"), "--data", data, "--out", out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const std::vector<long long> rows = rowsAttribute(out);
        QCOMPARE(rows.size(), std::size_t(9000));
        QCOMPARE(rows.back(), 8999LL);
        std::vector<hsize_t> shape;
        const std::vector<float> scores = readFloats(out, "attention/feature_attention", &shape);
        QCOMPARE(shape, (std::vector<hsize_t> {9000, 4, 30, 30}));
        // Row 8999 repeats demo row 8999 % 569 = 464: the same scores as that row.
        const std::size_t map = 4 * 30 * 30;
        for (std::size_t i = 0; i < map; i += 97)
            QCOMPARE(scores[8999 * map + i], scores[464 * map + i]);
    }
};

QTEST_GUILESS_MAIN(TestLargeRuns)
#include "tst_large_runs.moc"
