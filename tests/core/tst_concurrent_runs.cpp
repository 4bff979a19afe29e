// Model is immutable and run() is documented as safe to call from several threads at once (the
// desktop app runs predictions and per-sample attention on different threads). Several threads
// run one model at the same time, on different rows and batch sizes, and every result must be
// Keras's own numbers (expected.h5).
#include <thread>

#include <QtTest>

#include "core/io/hdf5_file.h"
#include "core/runtime/model.h"
#include "tests/core/keras_compare.h"
#include "tests/test_util.h"

using namespace attnlens;

class TestConcurrentRuns : public QObject
{
    Q_OBJECT
private slots:
    void threadsShareOneModel()
    {
        guarded([] {
            const std::shared_ptr<const Model> model
                = Model::open(testData("keras/ts_encoder/model.keras"));
            const Hdf5File data(testData("keras/ts_encoder/data.h5"));
            const Hdf5File expected(testData("keras/ts_encoder/expected.h5"));
            const Tensor input = data.readTensor(model->inputs().at(0).name);
            const Tensor wantOutput = expected.readTensor("outputs/0");
            std::vector<Tensor> wantScores;
            for (const AttentionLayerInfo &layer : model->attentionLayers())
                wantScores.push_back(expected.readTensor("attention/" + layer.key));
            const std::int64_t rows = input.dim(0);
            QVERIFY(rows >= 4);

            constexpr int kThreads = 4;
            constexpr int kRepeats = 10;
            std::vector<double> worst(kThreads, 0.0);
            std::vector<std::string> errors(kThreads);
            std::vector<std::thread> threads;
            for (int t = 0; t < kThreads; ++t)
                threads.emplace_back([&, t] {
                    // worstError is -1 on a shape mismatch: that counts as a failure too.
                    auto track = [&](double error) {
                        worst[t] = error < 0 ? 1e30 : std::max(worst[t], error);
                    };
                    try {
                        for (int r = 0; r < kRepeats; ++r) {
                            // Each thread its own rows: [t, rows) in batches of t + 1.
                            const std::int64_t from = t;
                            RunOptions options;
                            options.batchSize = t + 1;
                            const RunResult result = model->run({input.slice(from, rows)}, options);
                            track(worstError(
                                result.outputs.at(0), wantOutput.slice(from, rows), 1e-5, 1e-4));
                            for (std::size_t a = 0; a < wantScores.size(); ++a)
                                track(worstError(result.attention.at(a).scores,
                                    wantScores[a].slice(from, rows), 1e-5, 0.0));
                        }
                    } catch (const std::exception &e) {
                        errors[t] = e.what();
                    }
                });
            for (std::thread &thread : threads)
                thread.join();
            for (int t = 0; t < kThreads; ++t) {
                QVERIFY2(errors[t].empty(), errors[t].c_str());
                QCOMPARE(worst[t], 0.0);
            }
        });
    }
};

QTEST_APPLESS_MAIN(TestConcurrentRuns)
#include "tst_concurrent_runs.moc"
