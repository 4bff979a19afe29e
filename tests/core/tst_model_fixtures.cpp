// End-to-end: every fixture model in tests/data/keras, in all four file layouts, must give the
// outputs and attention scores Keras computed (expected.h5).
#include <cmath>

#include <QTemporaryDir>
#include <QtTest>
#include <hdf5.h>

#include "core/errors.h"
#include "core/io/hdf5_file.h"
#include "core/io/hdf5_id.h"
#include "core/runtime/model.h"
#include "tests/core/keras_compare.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

const char *const kCases[] = {"seed_functional", "tabular_tokens", "ts_encoder", "causal",
    "cross_attention", "sequential_no_attention", "additive_attention", "gqa", "time_distributed",
    // Keras Attention on a Masking-padded sequence whose mask is a NotEqual operation
    "dot_attention",
    // Keras 3 operations: a mask built by NotEqual / Any / LogicalOr and passed as `mask=`; bool
    // tensors, where, cast, clip and a __tensor__ constant (issue 11)
    "masking_pooling", "ops_constants"};

/// Turns a legacy full-model .h5 into what `model.save_weights("w.h5")` writes in Keras 2:
/// the `model_weights` group's content at the root (layer_names written as fixed-length
/// strings, as Keras does for chunked lists).
std::string makeSaveWeightsFile(const std::filesystem::path &modelH5, const QString &directory)
{
    const std::string target = (directory + "/save_weights.h5").toStdString();
    const Hdf5File source(modelH5);
    const auto names = source.stringList("model_weights", "layer_names");
    if (!names)
        return {};
    Hdf5Id in(H5Fopen(modelH5.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    Hdf5Id out(H5Fcreate(target.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    Hdf5Id group(H5Gopen2(in.get(), "model_weights", H5P_DEFAULT), H5Gclose);
    for (const std::string &child : source.children("model_weights"))
        if (H5Ocopy(group.get(), child.c_str(), out.get(), child.c_str(), H5P_DEFAULT, H5P_DEFAULT)
            < 0)
            return {};
    std::size_t width = 1;
    for (const std::string &n : *names)
        width = std::max(width, n.size());
    std::vector<char> buffer(width * names->size(), '\0');
    for (std::size_t i = 0; i < names->size(); ++i)
        std::copy(
            (*names)[i].begin(), (*names)[i].end(), buffer.begin() + static_cast<long>(i * width));
    Hdf5Id type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), width);
    H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
    const hsize_t count = names->size();
    Hdf5Id space(H5Screate_simple(1, &count, nullptr), H5Sclose);
    Hdf5Id attr(
        H5Acreate2(out.get(), "layer_names", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
        H5Aclose);
    if (H5Awrite(attr.get(), type.get(), buffer.data()) < 0)
        return {};
    return target;
}

/// A copy of a Keras 3 `.weights.h5` without the `vars@name` attributes Keras 3.6 added, as
/// older Keras 3 versions write it (layers are then found by their class's snake_case key).
std::string withoutVarNames(const std::filesystem::path &weights, const QString &directory)
{
    const std::string target = (directory + "/old.weights.h5").toStdString();
    std::filesystem::copy_file(weights, target, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::permissions(
        target, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    Hdf5Id file(H5Fopen(target.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    std::vector<std::string> groups;
    H5Ovisit(
        file.get(), H5_INDEX_NAME, H5_ITER_NATIVE,
        [](hid_t, const char *name, const H5O_info_t *info, void *data) -> herr_t {
            const std::string path = name;
            if (info->type == H5O_TYPE_GROUP
                && (path == "vars" || (path.size() > 5 && path.substr(path.size() - 5) == "/vars")))
                static_cast<std::vector<std::string> *>(data)->push_back(path);
            return 0;
        },
        &groups);
    for (const std::string &group : groups)
        if (H5Aexists_by_name(file.get(), group.c_str(), "name", H5P_DEFAULT) > 0)
            H5Adelete_by_name(file.get(), group.c_str(), "name", H5P_DEFAULT);
    return target;
}

} // namespace

class TestModelFixtures : public QObject
{
    Q_OBJECT
private slots:
    void matchesKeras_data()
    {
        QTest::addColumn<QString>("caseName");
        QTest::addColumn<QString>("layout");
        for (const char *name : kCases)
            for (const char *layout : {"keras", "h5", "weights.h5+json", "save_weights+json"})
                QTest::newRow((std::string(name) + " " + layout).c_str()) << name << layout;
    }

    void matchesKeras()
    {
        guarded([&] {
            QFETCH(QString, caseName);
            QFETCH(QString, layout);
            const std::string dir = "keras/" + caseName.toStdString() + "/";
            QTemporaryDir temp;
            std::shared_ptr<const Model> model;
            ModelFormat format = ModelFormat::KerasArchive;
            if (layout == "keras") {
                model = Model::open(testData(dir + "model.keras"));
            } else if (layout == "h5") {
                model = Model::open(testData(dir + "model.h5"));
                format = ModelFormat::LegacyH5;
            } else if (layout == "weights.h5+json") {
                model
                    = Model::open(testData(dir + "model.weights.h5"), testData(dir + "model.json"));
                format = ModelFormat::WeightsH5;
            } else {
                const std::string weights
                    = makeSaveWeightsFile(testData(dir + "model.h5"), temp.path());
                QVERIFY(!weights.empty());
                model = Model::open(weights, testData(dir + "model.json"));
                format = ModelFormat::LegacyWeightsH5;
            }
            QCOMPARE(model->summary().format, format);

            const Hdf5File data(testData(dir + "data.h5"));
            const Hdf5File expected(testData(dir + "expected.h5"));
            std::vector<Tensor> inputs;
            // Datasets are named after the inputs; Keras 3 Sequential models name their only
            // input tensor "keras_tensor", which is what the fixture used.
            const auto datasets = data.children("");
            for (const InputInfo &input : model->inputs())
                inputs.push_back(data.readTensor(data.isDataset(input.name) || datasets.size() != 1
                        ? input.name
                        : datasets.front()));
            RunOptions options;
            options.batchSize = 5; // several internal batches, concatenated
            const RunResult result = model->run(inputs, options);

            QCOMPARE(result.outputs.size(), model->outputShapes().size());
            for (std::size_t i = 0; i < result.outputs.size(); ++i) {
                const Tensor want = expected.readTensor("outputs/" + std::to_string(i));
                const double worst = worstError(result.outputs[i], want, 1e-5, 1e-4);
                if (worst != 0.0)
                    qWarning("output %zu: shape %s vs %s, worst error %g", i,
                        shapeToString(result.outputs[i].shape()).c_str(),
                        shapeToString(want.shape()).c_str(), worst);
                QCOMPARE(worst, 0.0);
            }
            const auto expectedKeys = expected.children("attention");
            QCOMPARE(result.attention.size(), expectedKeys.size());
            QCOMPARE(model->attentionLayers().size(), expectedKeys.size());
            for (const AttentionScores &scores : result.attention) {
                const Tensor want = expected.readTensor("attention/" + scores.key);
                const double worst = worstError(scores.scores, want, 1e-5, 0.0);
                if (worst != 0.0)
                    qWarning("attention %s: shape %s vs %s, worst error %g", scores.key.c_str(),
                        shapeToString(scores.scores.shape()).c_str(),
                        shapeToString(want.shape()).c_str(), worst);
                QCOMPARE(worst, 0.0);
            }
            // The info the dry run found agrees with the scores.
            for (std::size_t a = 0; a < model->attentionLayers().size(); ++a) {
                const AttentionLayerInfo &info = model->attentionLayers()[a];
                const Shape &shape = result.attention[a].scores.shape();
                QCOMPARE(info.key, result.attention[a].key);
                QCOMPARE(static_cast<std::int64_t>(info.heads), shape[1]);
                QCOMPARE(info.queryLength, shape[2]);
                QCOMPARE(info.keyLength, shape[3]);
            }
        });
    }

    void attentionForOneSampleMatchesTheBatch()
    {
        guarded([&] {
            const auto model = Model::open(testData("keras/cross_attention/model.keras"));
            const Hdf5File data(testData("keras/cross_attention/data.h5"));
            const Hdf5File expected(testData("keras/cross_attention/expected.h5"));
            std::vector<Tensor> inputs;
            for (const InputInfo &input : model->inputs())
                inputs.push_back(data.readTensor(input.name));
            const Tensor one = model->attentionForSample(inputs, 3, "cross");
            QCOMPARE(one.shape(), (Shape {model->attentionLayers()[0].heads, 6, 11}));
            const Tensor all = expected.readTensor("attention/cross");
            const Tensor row = all.sample(3).reshaped(one.shape());
            QCOMPARE(worstError(one, row, 1e-5, 0.0), 0.0);
            QVERIFY_EXCEPTION_THROWN(model->attentionForSample(inputs, 99, "cross"), ShapeError);
            QVERIFY_EXCEPTION_THROWN(model->attentionForSample(inputs, 0, "nope"), ShapeError);
        });
    }

    void describesTheModel()
    {
        guarded([&] {
            const auto model = Model::open(testData("keras/cross_attention/model.keras"));
            QCOMPARE(model->summary().className, std::string("Functional"));
            QCOMPARE(model->summary().kerasVersion, std::string("3.15.1"));
            QCOMPARE(model->inputs().size(), std::size_t(2));
            QCOMPARE(model->inputs()[0].name, std::string("queries"));
            QCOMPARE(model->inputs()[0].shape, (Shape {-1, 6, 8}));
            QCOMPARE(model->inputs()[1].shape, (Shape {-1, 11, 8}));
            QCOMPARE(model->outputShapes().size(), std::size_t(1));
            QCOMPARE(model->attentionLayers().size(), std::size_t(1));
            const AttentionLayerInfo &cross = model->attentionLayers()[0];
            QCOMPARE(cross.keyDim, 5);
            QCOMPARE(cross.valueDim, 7);
            QCOMPARE(cross.queryLength, std::int64_t(6));
            QCOMPARE(cross.keyLength, std::int64_t(11));
            QCOMPARE(cross.queryOrigin.kind, AxisOrigin::Kind::TimeSteps);
            QCOMPARE(cross.queryOrigin.inputIndex, 0);
            QCOMPARE(cross.keyOrigin.kind, AxisOrigin::Kind::TimeSteps);
            QCOMPARE(cross.keyOrigin.inputIndex, 1);
            bool sawFlatten = false;
            for (const LayerInfo &layer : model->layers())
                if (layer.name == "flatten") {
                    sawFlatten = true;
                    QCOMPARE(layer.outputShape, (Shape {-1, 72}));
                }
            QVERIFY(sawFlatten);
        });
    }

    void otherAttentionLayersAreDescribed()
    {
        guarded([&] {
            // AdditiveAttention([query, value, key]): one head, queries from the first input,
            // keys (the value's positions) from the second; cross-attention.
            const auto additive = Model::open(testData("keras/additive_attention/model.keras"));
            QCOMPARE(additive->attentionLayers().size(), std::size_t(1));
            const AttentionLayerInfo &a = additive->attentionLayers()[0];
            QCOMPARE(a.key, std::string("additive_attention"));
            QCOMPARE(a.className, std::string("AdditiveAttention"));
            QCOMPARE(a.heads, 1);
            QCOMPARE(a.queryLength, std::int64_t(4));
            QCOMPARE(a.keyLength, std::int64_t(9));
            QCOMPARE(a.queryOrigin.kind, AxisOrigin::Kind::TimeSteps);
            QCOMPARE(a.queryOrigin.inputIndex, 0);
            QCOMPARE(a.keyOrigin.kind, AxisOrigin::Kind::TimeSteps);
            QCOMPARE(a.keyOrigin.inputIndex, 1);
            QVERIFY(!a.selfAttention);
            // GroupQueryAttention: every query head, self-attention over the input's steps.
            const auto gqa = Model::open(testData("keras/gqa/model.keras"));
            QCOMPARE(gqa->attentionLayers().size(), std::size_t(1));
            const AttentionLayerInfo &g = gqa->attentionLayers()[0];
            QCOMPARE(g.className, std::string("GroupQueryAttention"));
            QCOMPARE(g.heads, 4);
            QCOMPARE(g.keyDim, 4);
            QCOMPARE(g.queryOrigin.kind, AxisOrigin::Kind::TimeSteps);
            QCOMPARE(g.keyOrigin.kind, AxisOrigin::Kind::TimeSteps);
            QVERIFY(g.selfAttention);
            std::int64_t parameters = 0;
            for (const LayerInfo &layer : gqa->layers())
                if (layer.name == "gqa")
                    parameters = layer.parameters;
            QCOMPARE(
                parameters, std::int64_t(16 * 4 * 4 + 16 + 2 * (16 * 2 * 4 + 8) + 4 * 4 * 16 + 16));
            // TimeDistributed keeps the time axis: (N, 6, 3, 4) -> (N, 6, 3, 5) -> (N, 6, 15).
            const auto td = Model::open(testData("keras/time_distributed/model.keras"));
            for (const LayerInfo &layer : td->layers()) {
                if (layer.name == "per_step_dense") {
                    QCOMPARE(layer.outputShape, (Shape {-1, 6, 3, 5}));
                    QCOMPARE(layer.parameters, std::int64_t(4 * 5 + 5));
                }
                if (layer.name == "per_step_flatten")
                    QCOMPARE(layer.outputShape, (Shape {-1, 6, 15}));
            }
            QCOMPARE(td->attentionLayers().at(0).queryLength, std::int64_t(6));
        });
    }

    void groupQueryAttentionWeightsBeforeKeras36()
    {
        guarded([&] {
            // Without vars@name the group is found by the Python class's key,
            // `grouped_query_attention`, not the registered name's.
            QTemporaryDir temp;
            const std::string weights
                = withoutVarNames(testData("keras/gqa/model.weights.h5"), temp.path());
            QVERIFY(!Hdf5File(weights).string("layers/grouped_query_attention/vars", "name"));
            const auto model = Model::open(weights, testData("keras/gqa/model.json"));
            const Hdf5File data(testData("keras/gqa/data.h5"));
            const Hdf5File expected(testData("keras/gqa/expected.h5"));
            const RunResult result = model->run({data.readTensor("series")}, RunOptions {});
            QCOMPARE(worstError(result.outputs.at(0), expected.readTensor("outputs/0"), 1e-5, 1e-4),
                0.0);
            QCOMPARE(worstError(result.attention.at(0).scores, expected.readTensor("attention/gqa"),
                         1e-5, 0.0),
                0.0);
        });
    }

    void runRejectsInputsThatDoNotFit()
    {
        guarded([&] {
            const auto model = Model::open(testData("keras/ts_encoder/model.keras"));
            QCOMPARE(model->attentionLayers().size(), std::size_t(2));
            for (const AttentionLayerInfo &info : model->attentionLayers()) {
                QCOMPARE(info.queryOrigin.kind, AxisOrigin::Kind::TimeSteps);
                QCOMPARE(info.keyOrigin.kind, AxisOrigin::Kind::TimeSteps);
                QCOMPARE(info.queryLength, std::int64_t(48));
            }
            try {
                model->run({Tensor({2, 47, 3})});
                QFAIL("a (2, 47, 3) input was accepted for (None, 48, 3)");
            } catch (const ShapeError &e) {
                const std::string m = e.what();
                QVERIFY2(m.find("'series'") != std::string::npos
                        && m.find("(None, 48, 3)") != std::string::npos
                        && m.find("(2, 47, 3)") != std::string::npos,
                    e.what());
            }
            QVERIFY_EXCEPTION_THROWN(model->run({}), ShapeError);
            QVERIFY_EXCEPTION_THROWN(model->run({Tensor({2, 48})}), ShapeError);
            // Cancelling through the progress callback.
            RunOptions options;
            options.batchSize = 1;
            options.progress = [](std::int64_t done, std::int64_t) { return done < 2; };
            QVERIFY_EXCEPTION_THROWN(model->run({Tensor({4, 48, 3})}, options), Cancelled);
        });
    }

    void tracesFeatureTokens()
    {
        guarded([&] {
            const auto model = Model::open(testData("keras/tabular_tokens/model.h5"));
            QCOMPARE(model->attentionLayers().size(), std::size_t(1));
            const AttentionLayerInfo &info = model->attentionLayers()[0];
            QCOMPARE(info.className, std::string("InterpretableMultiHeadAttention"));
            QCOMPARE(info.queryOrigin.kind, AxisOrigin::Kind::Features);
            QCOMPARE(info.keyOrigin.kind, AxisOrigin::Kind::Features);
            QCOMPARE(info.queryLength, std::int64_t(30));
            QVERIFY(model->warnings().empty());
        });
    }

    /// ts_encoder with block0's feed-forward as two Conv1D(kernel_size=1, padding "valid") and
    /// its residual as the operation node `x + res` with the convolution as x1
    /// (tests/data/axes/make_conv_residual.py): the same numbers as ts_encoder, and both calls
    /// keep time-step axes (before the fix, block1_mha's axes were of unknown origin, so the
    /// second call was labelled 0 ... 47 while the first said t-47 ... t0).
    void timeStepsSurviveAPointwiseConvolutionAndAResidualOperation()
    {
        guarded([&] {
            const auto model = Model::open(testData("axes/conv_residual/model.keras"));
            QCOMPARE(model->attentionLayers().size(), std::size_t(2));
            for (const AttentionLayerInfo &info : model->attentionLayers()) {
                QCOMPARE(info.queryOrigin.kind, AxisOrigin::Kind::TimeSteps);
                QCOMPARE(info.keyOrigin.kind, AxisOrigin::Kind::TimeSteps);
                QCOMPARE(info.queryOrigin.inputIndex, 0);
            }
            const Hdf5File data(testData("keras/ts_encoder/data.h5"));
            const Hdf5File expected(testData("keras/ts_encoder/expected.h5"));
            const RunResult result = model->run({data.readTensor("series")});
            QCOMPARE(
                worstError(result.outputs[0], expected.readTensor("outputs/0"), 1e-5, 1e-4), 0.0);
            for (std::size_t i = 0; i < 2; ++i)
                QCOMPARE(
                    worstError(result.attention[i].scores,
                        expected.readTensor("attention/" + result.attention[i].key), 1e-5, 0.0),
                    0.0);
        });
    }

    void sequentialModelWithoutAttention()
    {
        guarded([&] {
            const auto model = Model::open(testData("keras/sequential_no_attention/model.keras"));
            QCOMPARE(model->summary().className, std::string("Sequential"));
            QVERIFY(model->attentionLayers().empty());
            QVERIFY(model->summary().parameters > 0);
        });
    }

    void demoModel_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("keras") << "breast_cancer_attention.keras";
        QTest::newRow("h5") << "breast_cancer_attention.h5";
    }

    void demoModel()
    {
        guarded([&] {
            QFETCH(QString, file);
            const std::filesystem::path path = std::filesystem::path(ATTNLENS_TEST_DATA)
                / "../../resources/demo" / file.toStdString();
            const auto model = Model::open(path);
            QCOMPARE(model->attentionLayers().size(), std::size_t(1));
            const AttentionLayerInfo &info = model->attentionLayers()[0];
            QCOMPARE(info.layerName, std::string("feature_attention"));
            QCOMPARE(info.heads, 4);
            QCOMPARE(info.queryLength, std::int64_t(30));
            QCOMPARE(info.keyLength, std::int64_t(30));
            QCOMPARE(info.queryOrigin.kind, AxisOrigin::Kind::Features);
            Tensor input({3, 30});
            for (std::int64_t i = 0; i < input.size(); ++i)
                input.data()[i] = static_cast<float>((i * 37) % 11) - 5.0f;
            const RunResult result = model->run({input});
            QCOMPARE(result.outputs.front().shape(), (Shape {3, 2}));
            const Tensor &scores = result.attention.front().scores;
            QCOMPARE(scores.shape(), (Shape {3, 4, 30, 30}));
            for (std::int64_t r = 0; r < 3 * 4 * 30; ++r) {
                double sum = 0;
                for (int c = 0; c < 30; ++c)
                    sum += scores.data()[r * 30 + c];
                QVERIFY(std::fabs(sum - 1.0) < 1e-5);
            }
        });
    }

    void realKerasArchiveRuns()
    {
        guarded([&] {
            const auto model = Model::open(
                testData("realmodels/DhawalThombare37__Retail-Demand-Forecasting-Streamlit-App/"
                         "transformer_model.keras"));
            QCOMPARE(model->summary().kerasVersion, std::string("3.10.0"));
            QCOMPARE(model->inputs().front().shape, (Shape {-1, 7, 32}));
            QCOMPARE(model->attentionLayers().size(), std::size_t(2));
            Tensor input({2, 7, 32}, 0.25f);
            const RunResult result = model->run({input});
            QCOMPARE(result.attention.size(), std::size_t(2));
            QCOMPARE(result.attention[0].scores.shape(), (Shape {2, 2, 7, 7}));
            for (float v : result.outputs.front().values())
                QVERIFY(std::isfinite(v));
        });
    }

    void realSaveWeightsFileNeedsItsConfig()
    {
        guarded([&] {
            try {
                Model::open(
                    testData("realmodels/vijaychandar2002__Settyl_task/transformer_weights.h5"));
                QFAIL("opened a weights-only file without an architecture");
            } catch (const InputFileError &e) {
                QVERIFY2(std::string(e.what()).find("--config") != std::string::npos, e.what());
            }
        });
    }
};

QTEST_APPLESS_MAIN(TestModelFixtures)
#include "tst_model_fixtures.moc"
