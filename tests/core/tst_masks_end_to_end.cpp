// Keras mask semantics through the loader, checked without Keras: a padded sequence must give
// exactly what the same sequence truncated to its real length gives (no padding, no mask),
// padded keys get exactly 0, and fully masked query rows behave per the file's Keras version.
// Models and weights: tests/data/masks/make_masks.py.
#include <cmath>

#include <QtTest>

#include "core/errors.h"
#include "core/runtime/model.h"
#include "tests/core/keras_compare.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

constexpr std::int64_t kT = 7;
/// Real lengths of the three rows; the rest is padding (id 0 / an all-zero feature row).
const std::int64_t kLengths[] = {7, 4, 1};

std::shared_ptr<const Model> open(const std::string &weights, const std::string &json)
{
    return Model::open(testData("masks/" + weights), testData("masks/" + json));
}

/// Token ids 1..11 up to each row's length, 0 after.
Tensor paddedIds()
{
    Tensor ids({3, kT});
    for (std::int64_t r = 0; r < 3; ++r)
        for (std::int64_t t = 0; t < kLengths[r]; ++t)
            ids.data()[r * kT + t] = static_cast<float>(1 + (r * 5 + t * 3) % 11);
    return ids;
}

/// Features in [-1, 1] (never an all-zero row) up to each row's length, zero rows after.
Tensor paddedFeatures()
{
    Tensor x({3, kT, 3});
    for (std::int64_t r = 0; r < 3; ++r)
        for (std::int64_t t = 0; t < kLengths[r]; ++t)
            for (std::int64_t c = 0; c < 3; ++c)
                x.data()[(r * kT + t) * 3 + c]
                    = 0.1f + std::sin(static_cast<float>(r * 31 + t * 7 + c * 3));
    return x;
}

/// Row r of `padded` cut to length `length` along axis 1 (shape (1, length, ...)).
Tensor truncated(const Tensor &padded, std::int64_t r, std::int64_t length)
{
    Shape shape = padded.shape();
    const std::int64_t inner = padded.size() / (shape[0] * shape[1]);
    shape[0] = 1;
    shape[1] = length;
    const float *begin = padded.data() + r * padded.shape()[1] * inner;
    std::vector<float> values(begin, begin + length * inner);
    return Tensor(shape, std::move(values));
}

/// Padding masks: query q or key k of row r lies past the row's real length.
bool pastLength(std::int64_t r, std::int64_t q, std::int64_t k)
{
    return q >= kLengths[r] || k >= kLengths[r];
}

/// The truncation of a model with the single input `x`: row r cut to its first `length` steps.
auto truncating(const Tensor &x)
{
    return [&x](std::int64_t r, std::int64_t length) {
        return std::vector<Tensor> {truncated(x, r, length)};
    };
}

float at(const Tensor &scores, std::int64_t r, std::int64_t h, std::int64_t q, std::int64_t k)
{
    const Shape &s = scores.shape();
    return scores.data()[((r * s[1] + h) * s[2] + q) * s[3] + k];
}

/// Whether score `s` of row r, head h, query q, key k equals the truncated reference run's
/// (within 1e-6); `why` tells the difference otherwise.
bool sameAsReference(float s, const Tensor &ref, std::int64_t r, std::int64_t h, std::int64_t q,
    std::int64_t k, QString *why)
{
    const float want = at(ref, 0, h, q, k);
    *why = QString("row %1 head %2 q %3 k %4: %5 vs %6")
               .arg(r)
               .arg(h)
               .arg(q)
               .arg(k)
               .arg(s)
               .arg(want);
    return std::fabs(s - want) < 1e-6f;
}

/// The checks every padded run must pass against the truncated runs.
/// `keyMasked(r, q, k)`: whether Keras masks key k for query q of row r.
template <class KeyMasked, class Truncate>
void compareWithTruncated(const Model &model, const std::vector<Tensor> &inputs,
    const KeyMasked &keyMasked, const Truncate &truncate, bool fullyMaskedRowsAreZero)
{
    const RunResult padded = model.run(inputs);
    const Tensor &scores = padded.attention.at(0).scores;
    const std::int64_t heads = scores.dim(1);
    const std::int64_t features = padded.outputs[0].dim(-1);
    for (std::int64_t r = 0; r < 3; ++r) {
        const std::int64_t length = kLengths[r];
        const RunResult alone = model.run(truncate(r, length));
        const Tensor &ref = alone.attention.at(0).scores;
        QCOMPARE(ref.shape(), (Shape {1, heads, length, length}));
        for (std::int64_t h = 0; h < heads; ++h)
            for (std::int64_t q = 0; q < kT; ++q) {
                bool fullyMasked = true;
                for (std::int64_t k = 0; k < kT; ++k)
                    fullyMasked = fullyMasked && keyMasked(r, q, k);
                for (std::int64_t k = 0; k < kT; ++k) {
                    const float s = at(scores, r, h, q, k);
                    if (fullyMasked) {
                        if (fullyMaskedRowsAreZero)
                            QCOMPARE(s, 0.0f);
                        else // Keras 2: every logit - 1e9 rounds to the same value: uniform
                            QVERIFY2(
                                std::fabs(s - 1.0f / kT) < 1e-3f, qPrintable(QString::number(s)));
                    } else if (keyMasked(r, q, k)) {
                        QCOMPARE(s, 0.0f); // exactly
                    } else if (q < length) {
                        QString why;
                        QVERIFY2(sameAsReference(s, ref, r, h, q, k, &why), qPrintable(why));
                    }
                }
            }
        // The outputs of the real positions agree too.
        for (std::int64_t q = 0; q < length; ++q)
            for (std::int64_t c = 0; c < features; ++c)
                QVERIFY(std::fabs(padded.outputs[0].data()[(r * kT + q) * features + c]
                            - alone.outputs[0].data()[q * features + c])
                    < 1e-5f);
    }
}

} // namespace

class TestMasksEndToEnd : public QObject
{
    Q_OBJECT
private slots:
    void embeddingMaskZero_data()
    {
        QTest::addColumn<QString>("weights");
        QTest::addColumn<bool>("zeroRows");
        QTest::newRow("keras 3.15") << "embed_mha_k3.h5" << true;
        QTest::newRow("keras 2.15") << "embed_mha_k2.h5" << false;
    }

    void embeddingMaskZero()
    {
        guarded([&] {
            QFETCH(QString, weights);
            QFETCH(bool, zeroRows);
            const auto model = open(weights.toStdString(), "embed_mha.json");
            QCOMPARE(model->summary().kerasVersion, std::string(zeroRows ? "3.15.1" : "2.15.0"));
            QVERIFY(model->inputs()[0].integerIds);
            const Tensor ids = paddedIds();
            // Query and key masks both come from the Embedding: padded queries are fully masked.
            compareWithTruncated(*model, {ids}, pastLength, truncating(ids), zeroRows);
        });
    }

    void maskingLayer()
    {
        guarded([&] {
            const auto model = open("mha3.h5", "masking_mha.json");
            const Tensor x = paddedFeatures();
            compareWithTruncated(*model, {x}, pastLength, truncating(x), true);
        });
    }

    void explicitAttentionMask()
    {
        guarded([&] {
            const auto model = open("mha3.h5", "explicit_mask.json");
            QCOMPARE(model->inputs().size(), std::size_t(2));
            const Tensor x = paddedFeatures();
            // Keys past the real length are masked for every query, and row 1's query 0 sees
            // nothing at all. Padded queries are not masked: only the explicit mask counts.
            auto masked = [](std::int64_t r, std::int64_t q, std::int64_t k) {
                return k >= kLengths[r] || (r == 1 && q == 0);
            };
            Tensor m({3, kT, kT});
            for (std::int64_t r = 0; r < 3; ++r)
                for (std::int64_t q = 0; q < kT; ++q)
                    for (std::int64_t k = 0; k < kT; ++k)
                        m.data()[(r * kT + q) * kT + k] = masked(r, q, k) ? 0.0f : 1.0f;
            // The reference: the same MHA weights on the truncated sequence, no mask at all.
            const auto plain = open("mha3.h5", "masking_mha.json");
            const RunResult result = model->run({x, m});
            const Tensor &scores = result.attention.at(0).scores;
            for (std::int64_t r = 0; r < 3; ++r) {
                const RunResult alone = plain->run({truncated(x, r, kLengths[r])});
                const Tensor &ref = alone.attention.at(0).scores;
                for (std::int64_t h = 0; h < 2; ++h)
                    for (std::int64_t q = 0; q < kT; ++q)
                        for (std::int64_t k = 0; k < kT; ++k) {
                            const float s = at(scores, r, h, q, k);
                            if (masked(r, q, k))
                                QCOMPARE(s, 0.0f);
                            else if (q < kLengths[r] && !(r == 1 && q == 0)) {
                                QString why;
                                QVERIFY2(
                                    sameAsReference(s, ref, r, h, q, k, &why), qPrintable(why));
                            }
                        }
            }
            // A padded query row (r = 1, q = 5) attends to the real keys and sums to 1.
            float sum = 0.0f;
            for (std::int64_t k = 0; k < kT; ++k)
                sum += at(scores, 1, 0, 5, k);
            QVERIFY(std::fabs(sum - 1.0f) < 1e-5f);
            // A mask whose shape does not fit is refused, not misread.
            QVERIFY_EXCEPTION_THROWN(model->run({x, Tensor({3, kT, kT + 1}, 1.0f)}), ShapeError);
        });
    }

    void causalWithPadding()
    {
        guarded([&] {
            const auto model = open("embed_mha_k3.h5", "causal_pad.json");
            const Tensor ids = paddedIds();
            compareWithTruncated(
                *model, {ids},
                [](std::int64_t r, std::int64_t q, std::int64_t k) {
                    return pastLength(r, q, k) || k > q;
                },
                truncating(ids), true);
        });
    }
};

QTEST_APPLESS_MAIN(TestMasksEndToEnd)
#include "tst_masks_end_to_end.moc"
