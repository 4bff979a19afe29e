// The dataset analysis (core/analysis): group maps, head statistics, attention received,
// rollout, the summary file and merge, against a NumPy reference computed from attention that
// Keras computed (tests/data/analysis/make_reference.py: the demo's 569 rows by diagnosis, the
// causal fixture's masked rows, ts_encoder's two-block rollout).
#include <QtTest>

#include "core/analysis/dataset_summary.h"
#include "core/analysis/map_statistics.h"
#include "core/analysis/summary_file.h"
#include "core/errors.h"
#include "core/io/hdf5_file.h"
#include "tests/core/keras_compare.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

AttentionLayerInfo callInfo(
    const std::string &key, int heads, std::int64_t t, bool self = true, std::int64_t tk = 0)
{
    AttentionLayerInfo info;
    info.key = key;
    info.layerName = key;
    info.heads = heads;
    info.queryLength = t;
    info.keyLength = tk > 0 ? tk : t;
    info.selfAttention = self;
    return info;
}

Tensor asTensor(const std::vector<float> &values, const Shape &shape)
{
    return Tensor(shape, values);
}

/// Compares every statistic of `call` in `group` with the reference group `path`.
void compareGroup(const GroupSummary &group, const CallAccumulator &call, const Hdf5File &ref,
    const std::string &path)
{
    const std::int64_t h = call.heads(), tq = call.queryLength(), tk = call.keyLength();
    QCOMPARE(group.count(), static_cast<std::int64_t>(ref.readDoubles(path + "/count")[0]));
    auto check
        = [&](const std::vector<float> &actual, const Shape &shape, const char *name, double abs) {
              const double worst = worstError(
                  asTensor(actual, shape), ref.readTensor(path + "/" + name), abs, 0.0);
              if (worst != 0.0)
                  qWarning("%s/%s: worst error %g", path.c_str(), name, worst);
              QCOMPARE(worst, 0.0);
          };
    check(call.mean(), {h, tq, tk}, "mean", 1e-6);
    check(call.standardDeviation(), {h, tq, tk}, "std", 1e-5);
    check(call.headMeanMean(), {tq, tk}, "head_mean/mean", 1e-6);
    check(call.headMeanStandardDeviation(), {tq, tk}, "head_mean/std", 1e-5);
    check(call.headMaxMean(), {tq, tk}, "head_max/mean", 1e-6);
    check(call.headMaxStandardDeviation(), {tq, tk}, "head_max/std", 1e-5);
    check(call.headStatistic(0), {h}, "entropy", 1e-6);
    check(call.headStatistic(1), {h}, "max_weight", 1e-6);
    check(call.headStatistic(2), {h}, "first_weight", 1e-6);
    check(call.headStatistic(3), {h}, "last_weight", 1e-6);
    check(call.received(), {h, tk}, "received", 1e-6);
    check(call.receivedOverHeads(), {tk}, "received_over_heads", 1e-6);
}

} // namespace

class TestDatasetSummary : public QObject
{
    Q_OBJECT

    ScratchDir m_scratch;
    Tensor m_demo; ///< Keras's demo attention, (569, 4, 30, 30)
    std::vector<std::string> m_diagnosis;

    /// The demo's rows [begin, end) summarised by diagnosis, fed in chunks of 100.
    DatasetSummary demoSummary(std::int64_t begin, std::int64_t end) const
    {
        DatasetSummary summary({callInfo("feature_attention", 4, 30)});
        for (std::int64_t first = begin; first < end; first += 100) {
            const std::int64_t last = std::min(end, first + 100);
            std::vector<AttentionScores> chunk {{"feature_attention", m_demo.slice(first, last)}};
            std::vector<std::vector<std::string>> groups;
            for (std::int64_t n = first; n < last; ++n)
                groups.push_back({"target=" + m_diagnosis[static_cast<std::size_t>(n)]});
            summary.add(chunk, groups);
        }
        return summary;
    }

private slots:
    void initTestCase()
    {
        guarded([&] {
            m_demo
                = Hdf5File(testData("demo/expected.h5")).readTensor("attention/feature_attention");
            m_diagnosis
                = *Hdf5File(testData("analysis/reference.h5")).stringList("demo", "diagnosis");
            QCOMPARE(m_diagnosis.size(), std::size_t(569));
        });
    }

    void rowEntropyIsNormalisedByTheUnmaskedKeys()
    {
        const float uniform[] = {0.25f, 0.25f, 0.25f, 0.25f};
        QVERIFY(std::fabs(normalisedRowEntropy(uniform, 4, 4) - 1.0) < 1e-6); // float log
        const float one[] = {0.0f, 1.0f, 0.0f};
        QCOMPARE(normalisedRowEntropy(one, 3, 3), 0.0);
        // Two unmasked keys of four, split evenly: uniform over what the row may see.
        const float half[] = {0.5f, 0.5f, 0.0f, 0.0f};
        QVERIFY(std::fabs(normalisedRowEntropy(half, 4, 2) - 1.0) < 1e-6);
        // 0.9 / 0.1 over 2 keys: -(0.9 ln 0.9 + 0.1 ln 0.1) / ln 2 = 0.4689955935892812.
        const float skew[] = {0.9f, 0.1f};
        QVERIFY(std::fabs(normalisedRowEntropy(skew, 2, 2) - 0.4689955935892812) < 1e-7);
        const float masked[] = {0.0f, 0.0f};
        QCOMPARE(normalisedRowEntropy(masked, 2, 0), 0.0);
    }

    /// A key is masked only when every head leaves it (below FLT_MIN): one sharp head that
    /// underflows does not mask a key another head attends to.
    void aKeyIsMaskedWhenEveryHeadLeavesIt()
    {
        // Max over two heads of a (2, 3) map: row 0 all keys seen; row 1 key 2 in no head, key 1
        // only as a denormal (1e-45 < FLT_MIN).
        const float headMax[] = {0.5f, 1e-3f, 0.2f, 0.6f, 1e-45f, 0.0f};
        QCOMPARE(unmaskedKeys(headMax, 2, 3), (std::vector<std::int64_t> {3, 1}));
    }

    void demoGroupsMatchNumPy()
    {
        guarded([&] {
            const DatasetSummary summary = demoSummary(0, 569);
            const auto groups = summary.groups();
            QCOMPARE(groups.size(), std::size_t(3));
            QCOMPARE(groups[0]->name(), std::string("all"));
            QCOMPARE(groups[1]->name(), std::string("target=benign"));
            QCOMPARE(groups[2]->name(), std::string("target=malignant"));
            QCOMPARE(groups[1]->count() + groups[2]->count(), std::int64_t(569));
            const Hdf5File ref(testData("analysis/reference.h5"));
            for (const GroupSummary *g : groups)
                compareGroup(*g, g->calls()[0], ref, "demo/" + g->name());
            // One attention call over 30 features: rollout is that call's residual map.
            QCOMPARE(summary.rolloutRefusal(), std::string());
        });
    }

    void headsRankBySharpness()
    {
        guarded([&] {
            const DatasetSummary summary = demoSummary(0, 569);
            const CallAccumulator &call = summary.groups()[0]->calls()[0];
            // NumPy: mean normalised entropy per head 0.9812, 0.2063, 0.1830, 0.1910.
            QCOMPARE(call.headsBySharpness(), (std::vector<int> {2, 3, 1, 0}));
        });
    }

    void maskedKeysLeaveTheEntropy()
    {
        guarded([&] {
            const Tensor causal
                = Hdf5File(testData("keras/causal/expected.h5")).readTensor("attention/causal_mha");
            DatasetSummary summary({callInfo("causal_mha", 2, 24)});
            summary.add({{"causal_mha", causal}}, std::vector<std::vector<std::string>>(8));
            const Hdf5File ref(testData("analysis/reference.h5"));
            const GroupSummary &all = *summary.groups()[0];
            compareGroup(all, all.calls()[0], ref, "causal/all");
            // Row 0 sees one key: its weight is 1 and it counts as entropy 0, max weight 1.
            const std::vector<float> entropy = all.calls()[0].headStatistic(0);
            QVERIFY(entropy[0] < 0.99f);
        });
    }

    void rolloutOfTwoBlocksMatchesNumPy()
    {
        guarded([&] {
            const Hdf5File expected(testData("keras/ts_encoder/expected.h5"));
            DatasetSummary summary({callInfo("block0_mha", 4, 48), callInfo("block1_mha", 4, 48)});
            QCOMPARE(summary.rolloutLength(), std::int64_t(48));
            summary.add({{"block0_mha", expected.readTensor("attention/block0_mha")},
                            {"block1_mha", expected.readTensor("attention/block1_mha")}},
                std::vector<std::vector<std::string>>(8));
            const Hdf5File ref(testData("analysis/reference.h5"));
            const GroupSummary &all = *summary.groups()[0];
            QCOMPARE(worstError(asTensor(all.rolloutMean(), {48, 48}),
                         ref.readTensor("ts_encoder/rollout"), 1e-6, 0.0),
                0.0);
        });
    }

    void rolloutIsRefusedWhereCallsDoNotChain()
    {
        QVERIFY(Rollout::refusal({callInfo("x", 2, 6, false, 11)}).find("cross-attention")
            != std::string::npos);
        const std::string lengths = Rollout::refusal({callInfo("a", 2, 16), callInfo("b", 2, 8)});
        QVERIFY2(lengths.find("'b' runs over 8 positions and 'a' over 16") != std::string::npos,
            lengths.c_str());
        DatasetSummary summary({callInfo("a", 2, 16), callInfo("b", 2, 8)});
        QCOMPARE(summary.rolloutLength(), std::int64_t(0));
        QVERIFY(!summary.rolloutRefusal().empty());
    }

    /// Two disjoint halves, each written to a file, merged: equal to one summary of all rows.
    void mergeOfPartsEqualsOneRun()
    {
        guarded([&] {
            SummaryProvenance provenance {"breast_cancer_attention.keras", std::string(64, 'a'),
                {"breast_cancer.csv"}, "target"};
            const auto first = m_scratch.path() / "part0.h5";
            const auto second = m_scratch.path() / "part1.h5";
            writeSummary(first, demoSummary(0, 300), provenance);
            writeSummary(second, demoSummary(300, 569), provenance);
            const SummaryFile merged = mergeSummaries({first, second});
            const DatasetSummary whole = demoSummary(0, 569);
            const auto a = merged.summary.groups();
            const auto b = whole.groups();
            QCOMPARE(a.size(), b.size());
            for (std::size_t g = 0; g < a.size(); ++g) {
                QCOMPARE(a[g]->name(), b[g]->name());
                QCOMPARE(a[g]->count(), b[g]->count());
                const CallAccumulator &x = a[g]->calls()[0];
                const CallAccumulator &y = b[g]->calls()[0];
                for (std::size_t i = 0; i < x.sum().size(); ++i)
                    QVERIFY(std::fabs(x.sum()[i] - y.sum()[i]) <= 1e-9 * (1 + y.sum()[i]));
                QCOMPARE(x.mean(), y.mean());
                QCOMPARE(x.headStatistic(0), y.headStatistic(0));
                QCOMPARE(a[g]->rolloutMean().size(), std::size_t(900));
            }
            QCOMPARE(merged.provenance.by, std::string("target"));

            // A part of another model is refused, naming it.
            provenance.modelSha256 = std::string(64, 'b');
            const auto other = m_scratch.path() / "other.h5";
            writeSummary(other, demoSummary(0, 10), provenance);
            try {
                mergeSummaries({first, other});
                QFAIL("a part of another model was merged");
            } catch (const InputFileError &e) {
                QVERIFY2(std::string(e.what()).find("other.h5") != std::string::npos
                        && std::string(e.what()).find("another model") != std::string::npos,
                    e.what());
            }
        });
    }

    void notASummaryIsRefused()
    {
        try {
            readSummary(testData("keras/causal/expected.h5"));
            QFAIL("expected.h5 was read as a summary");
        } catch (const InputFileError &e) {
            QVERIFY2(std::string(e.what()).find("SUMMARY.h5") != std::string::npos, e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestDatasetSummary)
#include "tst_dataset_summary.moc"
