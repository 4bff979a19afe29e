// core/runtime/ knows no Keras: none of its files includes the loader (core/keras/), the layers
// (core/layers/) or nlohmann/json, so the graph runs on typed call options only.
#include <fstream>
#include <string>

#include <QtTest>

namespace {

/// The source tree's core/runtime folder (tests/data is ATTNLENS_TEST_DATA).
QDir runtimeDir()
{
    return QDir(QString::fromUtf8(ATTNLENS_TEST_DATA) + "/../../core/runtime");
}

} // namespace

class TestRuntimeLayering : public QObject
{
    Q_OBJECT
private slots:
    void runtimeIncludesNoLoaderNorJson()
    {
        const QDir dir = runtimeDir();
        QVERIFY2(dir.exists(), qPrintable(dir.absolutePath()));
        const QStringList files = dir.entryList({"*.h", "*.cpp"}, QDir::Files);
        QVERIFY(files.size() >= 6);
        for (const QString &name : files) {
            std::ifstream in(dir.filePath(name).toStdString());
            QVERIFY(in.good());
            std::string line;
            while (std::getline(in, line)) {
                if (line.rfind("#include", 0) != 0)
                    continue;
                const std::string where = name.toStdString() + ": " + line;
                QVERIFY2(line.find("core/keras/") == std::string::npos, where.c_str());
                QVERIFY2(line.find("core/layers/") == std::string::npos, where.c_str());
                QVERIFY2(line.find("nlohmann") == std::string::npos, where.c_str());
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestRuntimeLayering)
#include "tst_runtime_layering.moc"
