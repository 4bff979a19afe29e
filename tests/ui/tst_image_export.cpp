#include <QDir>
#include <QFile>
#include <QImageReader>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include "ui/export_naming.h"
#include "ui/head_matrix.h"
#include "ui/heatmap_figure.h"
#include "ui/image_export.h"

using namespace attnlens;

class TestImageExport : public QObject
{
    Q_OBJECT

private:
    static QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private slots:
    void namesFollowTheContract()
    {
        exportnaming::ExportName name;
        name.row = 12;
        name.rowCount = 569;
        name.attention = 0;
        name.attentionCount = 1;
        name.attentionKey = "feature_attention";
        name.head = {HeadChoice::Kind::Head, 2};
        name.headCount = 4;
        QCOMPARE(
            exportnaming::fileName(name, "png"), QString("r000012_L01-feature_attention_h02.png"));
        name.head = {HeadChoice::Kind::MeanOfHeads, 0};
        QCOMPARE(
            exportnaming::fileName(name, "csv"), QString("r000012_L01-feature_attention_mean.csv"));
        name.row = 1234567;
        name.rowCount = 2000000;
        QCOMPARE(exportnaming::fileName(name, "png"),
            QString("r1234567_L01-feature_attention_mean.png"));
        QCOMPARE(exportnaming::sanitize("enc@1/a b"), QString("enc_1_a_b"));
        QCOMPARE(exportnaming::sanitize("..x"), QString("x"));
        QCOMPARE(exportnaming::headTag({HeadChoice::Kind::Head, 3}, 120), QString("h003"));
    }

    void typedExtensionChoosesTheFormat()
    {
        // File > Export Image: the extension typed in the save dialog wins over the format
        // chosen in the export dialog; a name without a known extension gets the chosen one.
        ImageTarget t = imageTarget("/tmp/fig.pdf", ImageFormat::Png);
        QCOMPARE(t.path, QString("/tmp/fig.pdf"));
        QCOMPARE(t.format, ImageFormat::Pdf);
        QVERIFY(t.overridden);
        t = imageTarget("/tmp/fig.SVG", ImageFormat::Svg);
        QCOMPARE(t.format, ImageFormat::Svg);
        QVERIFY(!t.overridden);
        t = imageTarget("/tmp/fig.jpeg", ImageFormat::Png);
        QCOMPARE(t.format, ImageFormat::Jpg);
        t = imageTarget("/tmp/fig", ImageFormat::Jpg);
        QCOMPARE(t.path, QString("/tmp/fig.jpg"));
        QCOMPARE(t.format, ImageFormat::Jpg);
        QVERIFY(!t.overridden);
        t = imageTarget("/tmp/run.v2", ImageFormat::Png);
        QCOMPARE(t.path, QString("/tmp/run.v2.png"));
        QCOMPARE(t.format, ImageFormat::Png);
    }

    void namesSortByRowLayerAndHead()
    {
        QStringList expected;
        for (qint64 row : {2, 10, 100})
            for (int call = 0; call < 12; ++call)
                for (int head = 0; head < 11; ++head) {
                    exportnaming::ExportName name;
                    name.row = row;
                    name.rowCount = 101;
                    name.attention = call;
                    name.attentionCount = 12;
                    name.attentionKey = call % 2 ? "zeta" : "alpha";
                    name.head = {HeadChoice::Kind::Head, head};
                    name.headCount = 11;
                    expected << exportnaming::fileName(name, "png");
                }
        QStringList sorted = expected;
        sorted.sort();
        QCOMPARE(sorted, expected);
    }

    void exportsEveryFormatWithoutTemporaryLeftovers()
    {
        QTemporaryDir dir;
        QCustomPlot plot;
        plot.setViewport(QRect(0, 0, 800, 600));
        HeatmapFigure figure(&plot);
        const float values[] = {0.1f, 0.9f, 0.5f, 0.5f};
        figure.setLabels({"x", "y"}, {"a", "b"});
        figure.setMatrix(values, 2, 2);
        figure.setTitle("demo — layer — head 0 — row 3");
        ImageMetadata metadata;
        metadata.modelSha256 = "abc123";
        metadata.modelFile = "demo.keras";
        metadata.layer = "feature_attention";
        metadata.head = "h00";
        metadata.row = "3";
        metadata.sampleId = "842302";
        metadata.target = "M";
        metadata.prediction = "M 0.973";
        metadata.dataFile = "demo.csv";
        metadata.range = rangeDescription(RangeMode::PerHead, 0.1, 0.9);
        metadata.title = "title";
        metadata.recipes = "block: built-in recipe 'keras-io TransformerBlock'";
        metadata.created = "2026-12-03T04:00:00Z";
        QString error;
        const QString png = dir.filePath("a.png");
        QVERIFY2(
            imageexport::savePlot(&plot, png, ImageFormat::Png, {800, 600}, 96, metadata, &error),
            qPrintable(error));
        QImageReader reader(png);
        QCOMPARE(reader.format(), QByteArray("png"));
        QCOMPARE(reader.text("Model-SHA256"), QString("abc123"));
        QCOMPARE(reader.text("Model-File"), QString("demo.keras"));
        QCOMPARE(reader.text("Layer"), QString("feature_attention"));
        QCOMPARE(reader.text("Head"), QString("h00"));
        QCOMPARE(reader.text("Row"), QString("3"));
        QCOMPARE(
            reader.text("Recipes"), QString("block: built-in recipe 'keras-io TransformerBlock'"));
        QCOMPARE(reader.text("Software"), QString("AttnLens " ATTNLENS_VERSION));
        // Provenance: the data, the colour range, the date, what the sample is.
        QCOMPARE(reader.text("Sample-Id"), QString("842302"));
        QCOMPARE(reader.text("Target"), QString("M"));
        QCOMPARE(reader.text("Prediction"), QString("M 0.973"));
        QCOMPARE(reader.text("Data-File"), QString("demo.csv"));
        QCOMPARE(reader.text("Color-Range"), QString("per head, 0.1 to 0.9"));
        QCOMPARE(reader.text("Created"), QString("2026-12-03T04:00:00Z"));
        QCOMPARE(reader.text("Description"),
            QString("AttnLens " ATTNLENS_VERSION "; model demo.keras (sha256 abc123); call "
                    "feature_attention; head h00; sample 3; id 842302; target M; predicted M "
                    "0.973; data demo.csv; colour range per head, 0.1 to 0.9; recipes: block: "
                    "built-in recipe 'keras-io TransformerBlock'; created 2026-12-03T04:00:00Z"));
        QCOMPARE(reader.size(), QSize(800, 600));

        const QString hiDpi = dir.filePath("b.png");
        QVERIFY(imageexport::savePlot(
            &plot, hiDpi, ImageFormat::Png, {800, 600}, 192, metadata, &error));
        QCOMPARE(QImageReader(hiDpi).size(), QSize(1600, 1200));

        QVERIFY(imageexport::savePlot(
            &plot, dir.filePath("c.jpg"), ImageFormat::Jpg, {800, 600}, 96, metadata, &error));
        QVERIFY(readAll(dir.filePath("c.jpg")).startsWith("\xff\xd8"));
        QVERIFY(imageexport::savePlot(
            &plot, dir.filePath("d.pdf"), ImageFormat::Pdf, {800, 600}, 96, metadata, &error));
        const QByteArray pdf = readAll(dir.filePath("d.pdf"));
        QVERIFY(pdf.startsWith("%PDF"));
        // The page prints at the PNG's size (800 px at 96 DPI = 8.33 in = 600 pt), at any DPI.
        QVERIFY2(pdf.contains("/MediaBox [0 0 600.000000 450.000000]"), pdf.left(2000).constData());
        QVERIFY(pdf.contains("predicted M 0.973; data demo.csv")); // the XMP description
        QVERIFY(imageexport::savePlot(
            &plot, dir.filePath("f.pdf"), ImageFormat::Pdf, {800, 600}, 300, metadata, &error));
        QVERIFY(readAll(dir.filePath("f.pdf")).contains("/MediaBox [0 0 600.000000 450.000000]"));
        QVERIFY(imageexport::savePlot(
            &plot, dir.filePath("e.svg"), ImageFormat::Svg, {800, 600}, 96, metadata, &error));
        const QByteArray svg = readAll(dir.filePath("e.svg"));
        QVERIFY(svg.contains("<svg"));
        QVERIFY(svg.contains("feature_attention") || svg.contains("demo")); // text stays text
        QVERIFY(svg.contains("data demo.csv; colour range per head"));      // its <desc>

        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
            QStringList({"a.png", "b.png", "c.jpg", "d.pdf", "e.svg", "f.pdf"}));
    }

    void failedWriteNamesTheFile()
    {
        QString error;
        QVERIFY(!imageexport::saveMatrixNpy("/nonexistent-dir/x.npy", nullptr, 0, 0, &error));
        QVERIFY(error.contains("/nonexistent-dir/x.npy"));
    }

    void matrixAsCsvAndNpy()
    {
        QTemporaryDir dir;
        const float values[] = {0.25f, 0.75f, 1.0f, 0.0f, 0.5f, 0.5f}; // 2 x 3
        QString error;
        QVERIFY(imageexport::saveMatrixCsv(
            dir.filePath("m.csv"), values, 2, 3, {"k0", "k,1", "k2"}, {"q0", "q1"}, &error));
        QCOMPARE(readAll(dir.filePath("m.csv")),
            QByteArray("query,k0,\"k,1\",k2\nq0,0.25,0.75,1\nq1,0,0.5,0.5\n"));
        ImageMetadata metadata;
        metadata.modelFile = "demo.keras";
        metadata.layer = "mha";
        metadata.created = "2026-12-03T04:00:00Z";
        QVERIFY(imageexport::saveMatrixCsv(dir.filePath("p.csv"), values, 2, 3, {"k0", "k1", "k2"},
            {"q0", "q1"}, &error, metadata));
        QCOMPARE(readAll(dir.filePath("p.csv")),
            QByteArray("# AttnLens " ATTNLENS_VERSION "; model demo.keras; call mha; created "
                       "2026-12-03T04:00:00Z\nquery,k0,k1,k2\nq0,0.25,0.75,1\nq1,0,0.5,0.5\n"));

        QVERIFY(imageexport::saveMatrixNpy(dir.filePath("m.npy"), values, 2, 3, &error));
        const QByteArray npy = readAll(dir.filePath("m.npy"));
        QVERIFY(npy.startsWith(QByteArray("\x93NUMPY\x01\x00", 8)));
        const int headerLength = quint8(npy[8]) | (quint8(npy[9]) << 8);
        QCOMPARE((10 + headerLength) % 64, 0);
        const QByteArray header = npy.mid(10, headerLength);
        QVERIFY(header.contains("'descr': '<f4'"));
        QVERIFY(header.contains("'fortran_order': False"));
        QVERIFY(header.contains("'shape': (2, 3)"));
        QVERIFY(header.endsWith('\n'));
        QCOMPARE(npy.size(), 10 + headerLength + 6 * 4);
        QCOMPARE(std::memcmp(npy.constData() + 10 + headerLength, values, sizeof(values)), 0);
    }
};

QTEST_MAIN(TestImageExport)
#include "tst_image_export.moc"
