// ReportExporter on the demo model with hand-made scores: the PNG's size and text chunks, the
// file names, and the CSV matrix's labels and numbers; ReportJob's head-choice order and chunks.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include "core/data/dataset.h"
#include "core/errors.h"
#include "core/runtime/model.h"
#include "ui/report_exporter.h"
#include "ui/report_job.h"

#include "resources/demo_files.h"

using namespace attnlens;

class TestReportExporter : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void writesPngChunksAndCsvMatrix();
    void headChoicesInOrder();
    void jobWritesEveryImageInNameOrder();

private:
    std::shared_ptr<const Model> m_model;
    std::shared_ptr<const Dataset> m_data;
    QString m_modelFile;
};

void TestReportExporter::initTestCase()
{
    const DemoFiles demo = extractDemoFiles();
    m_modelFile = demo.model;
    m_model = Model::open(demo.model.toStdString());
    m_data = std::make_shared<const Dataset>(
        loadDataset({demo.data.toStdString()}, m_model->inputs()));
    QCOMPARE(m_data->featureNames.front().size(), std::size_t(30));
}

void TestReportExporter::writesPngChunksAndCsvMatrix()
{
    QTemporaryDir dir;
    ReportOptions options;
    options.directory = dir.path();
    options.size = QSize(400, 300);
    options.matrix = QStringLiteral("csv");
    ReportExporter exporter(m_model, m_data, m_modelFile, QStringLiteral("ab12"), options);
    Tensor scores({4, 30, 30});
    for (std::int64_t i = 0; i < scores.size(); ++i)
        scores.data()[i] = float(i) / float(scores.size());
    const QString path = exporter.write(0, {HeadChoice::Kind::Head, 2}, 7, scores);
    exporter.finish();
    QCOMPARE(path, dir.filePath(QStringLiteral("r000007_L01-feature_attention_h02.png")));
    const QImage image(path);
    QCOMPARE(image.size(), QSize(400, 300));
    QCOMPARE(image.text(QStringLiteral("Model-SHA256")), QStringLiteral("ab12"));
    QCOMPARE(
        image.text(QStringLiteral("Model-File")), QStringLiteral("breast_cancer_attention.keras"));
    QCOMPARE(image.text(QStringLiteral("Layer")), QStringLiteral("feature_attention"));
    QCOMPARE(image.text(QStringLiteral("Head")), QStringLiteral("h02"));
    QCOMPARE(image.text(QStringLiteral("Row")), QStringLiteral("7"));
    QVERIFY2(image.text(QStringLiteral("Title"))
                 .startsWith(QStringLiteral("breast_cancer_attention.keras — feature_attention — "
                                            "head 2 — sample 7 · target malignant")),
        qPrintable(image.text(QStringLiteral("Title"))));

    QFile csv(dir.filePath(QStringLiteral("r000007_L01-feature_attention_h02.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QVERIFY(csv.readLine().startsWith("# AttnLens ")); // provenance comment
    const QStringList header = QString::fromUtf8(csv.readLine()).trimmed().split(QLatin1Char(','));
    QCOMPARE(header.size(), 31);
    QCOMPARE(header.front(), QStringLiteral("query"));
    for (int k = 0; k < 30; ++k)
        QCOMPARE(
            header[k + 1], QString::fromStdString(m_data->featureNames.front()[std::size_t(k)]));
    for (int q = 0; q < 30; ++q) {
        const QStringList cells
            = QString::fromUtf8(csv.readLine()).trimmed().split(QLatin1Char(','));
        QCOMPARE(cells.size(), 31);
        QCOMPARE(cells.front(), header[q + 1]);
        for (int k = 0; k < 30; ++k)
            QCOMPARE(cells[k + 1].toFloat(), scores.data()[(2 * 30 + q) * 30 + k]);
    }
    QVERIFY(csv.atEnd());

    // Scores of the wrong rank are refused, not read past.
    QVERIFY_THROWS_EXCEPTION(
        ShapeError, exporter.write(0, {HeadChoice::Kind::Head, 0}, 7, Tensor({900})));
}

void TestReportExporter::headChoicesInOrder()
{
    AttentionLayerInfo call;
    call.key = "mha";
    call.heads = 3;
    const std::vector<HeadChoice> all
        = headChoices(HeadSet {.allHeads = true, .heads = {}, .mean = true, .max = true}, call);
    const std::vector<HeadChoice> expected {{HeadChoice::Kind::Head, 0},
        {HeadChoice::Kind::Head, 1}, {HeadChoice::Kind::Head, 2},
        {HeadChoice::Kind::MeanOfHeads, 0}, {HeadChoice::Kind::MaxOfHeads, 0}};
    QVERIFY(all == expected);
    const std::vector<HeadChoice> listed = headChoices(
        HeadSet {.allHeads = false, .heads = {2, 0}, .mean = false, .max = true}, call);
    QVERIFY(listed
        == std::vector<HeadChoice>({{HeadChoice::Kind::Head, 2}, {HeadChoice::Kind::Head, 0},
            {HeadChoice::Kind::MaxOfHeads, 0}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
        headChoices(HeadSet {.allHeads = false, .heads = {3}, .mean = false, .max = false}, call));
}

void TestReportExporter::jobWritesEveryImageInNameOrder()
{
    QTemporaryDir dir;
    ReportOptions options;
    options.directory = dir.path();
    options.size = QSize(200, 150);
    ReportPlan plan;
    plan.samples = {4, 9, 10};
    plan.calls = {0};
    plan.heads = {.allHeads = false, .heads = {1}, .mean = true, .max = false};
    ReportJob job(m_model, m_data, m_modelFile, QStringLiteral("ab12"), options, plan);
    QCOMPARE(job.imageCount(), 6);
    QCOMPARE(job.chunkCount(), std::size_t(1)); // 3 samples of 4 x 30 x 30 scores: one run
    const ReportChunk chunk = ReportJob::compute(job.chunkInput(0));
    QCOMPARE(job.imagesIn(chunk), 6);
    QStringList paths;
    for (std::int64_t i = 0; i < job.imagesIn(chunk); ++i)
        paths << QFileInfo(job.write(chunk, i)).fileName();
    job.finish();
    QCOMPARE(paths,
        QStringList({"r000004_L01-feature_attention_h01.png",
            "r000004_L01-feature_attention_mean.png", "r000009_L01-feature_attention_h01.png",
            "r000009_L01-feature_attention_mean.png", "r000010_L01-feature_attention_h01.png",
            "r000010_L01-feature_attention_mean.png"}));
    // The chunk's scores are those of one sample run alone.
    const Tensor alone = m_model->attentionForSample(m_data->inputs, 9, "feature_attention");
    const Tensor &chunked = chunk.scores[1][0];
    QCOMPARE(chunked.shape(), alone.shape());
    for (std::int64_t i = 0; i < alone.size(); ++i)
        QVERIFY(std::abs(chunked.data()[i] - alone.data()[i]) < 1e-6f);
    // No attention call: refused before the folder is made.
    plan.calls.clear();
    const QString other = dir.filePath(QStringLiteral("other"));
    options.directory = other;
    QVERIFY_THROWS_EXCEPTION(
        std::invalid_argument, ReportJob(m_model, m_data, m_modelFile, QString(), options, plan));
    QVERIFY(!QDir(other).exists());
}

QTEST_MAIN(TestReportExporter)
#include "tst_report_exporter.moc"
