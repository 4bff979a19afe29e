// Sequence, embedding, pooling, recurrent, convolution and operator layers against the NumPy
// reference of tests/data/seqlayers/make_reference.py (reference.h5): each case builds its
// layers through makeLayer from a config + weights, runs them, and compares every output and
// output mask to 1e-5, or checks that the expected error type is thrown.
#include <cmath>
#include <string>
#include <vector>

#include <QtTest>
#include <hdf5.h>

#include "core/errors.h"
#include "core/layers/call_options_binder.h"
#include "core/layers/registry.h"
#include "tests/core/tensor_compare.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

/// Closes an HDF5 id when it goes out of scope.
class H5Handle
{
public:
    H5Handle(hid_t id, herr_t (*close)(hid_t))
        : m_id(id)
        , m_close(close)
    {
    }
    ~H5Handle()
    {
        if (m_id >= 0)
            m_close(m_id);
    }
    H5Handle(const H5Handle &) = delete;
    H5Handle &operator=(const H5Handle &) = delete;
    hid_t get() const { return m_id; }

private:
    hid_t m_id;
    herr_t (*m_close)(hid_t);
};

std::string referencePath()
{
    return testData("seqlayers/reference.h5").string();
}

Tensor readTensor(hid_t group, const std::string &name)
{
    H5Handle dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (dataset.get() < 0)
        throw std::runtime_error("reference.h5: missing dataset " + name);
    H5Handle space(H5Dget_space(dataset.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    Shape shape(dims.begin(), dims.end());
    Tensor t(shape);
    if (t.size() > 0)
        H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data());
    return t;
}

nlohmann::json readMeta(hid_t group)
{
    H5Handle dataset(H5Dopen2(group, "meta", H5P_DEFAULT), H5Dclose);
    H5Handle space(H5Dget_space(dataset.get()), H5Sclose);
    std::string text(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())), '\0');
    H5Dread(dataset.get(), H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data());
    return nlohmann::json::parse(text);
}

herr_t collectName(hid_t, const char *name, const H5L_info_t *, void *names)
{
    static_cast<std::vector<std::string> *>(names)->push_back(name);
    return 0;
}

std::vector<std::string> caseNames()
{
    H5Handle file(H5Fopen(referencePath().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    H5Handle cases(H5Gopen2(file.get(), "cases", H5P_DEFAULT), H5Gclose);
    std::vector<std::string> names;
    H5Literate(cases.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collectName, &names);
    return names;
}

LayerConfig stageConfig(hid_t group, const nlohmann::json &stage, std::size_t index)
{
    LayerConfig config;
    config.className = stage["class_name"].get<std::string>();
    config.config = stage["config"];
    config.name = config.config.value("name", config.className);
    if (stage["module"].is_string())
        config.module = stage["module"].get<std::string>();
    if (stage["registered_name"].is_string())
        config.registeredName = stage["registered_name"].get<std::string>();
    config.kerasVersion = stage["keras_version"].get<std::string>();
    config.file = "reference.h5";
    for (int i = 0; i < stage["weights"].get<int>(); ++i)
        config.weights.push_back(
            readTensor(group, "s" + std::to_string(index) + "_w" + std::to_string(i)));
    return config;
}

/// The name of the error type `run` throws, or "" when it returns.
template <typename F>
std::string thrownType(F run, std::string &message)
{
    try {
        run();
    } catch (const ShapeError &e) {
        message = e.what();
        return "ShapeError";
    } catch (const InputFileError &e) {
        message = e.what();
        return "InputFileError";
    } catch (const UnsupportedModelError &e) {
        message = e.what();
        return "UnsupportedModelError";
    }
    return {};
}

/// Largest |actual - expected| / max(1, |expected|); NaN counts as equal only to NaN.
double maxError(const Tensor &actual, const Tensor &expected)
{
    double worst = 0.0;
    for (std::int64_t i = 0; i < expected.size(); ++i) {
        const double e = expected.data()[i];
        const double a = actual.data()[i];
        if (std::isnan(e) || std::isnan(a)) {
            if (std::isnan(e) != std::isnan(a))
                return INFINITY;
            continue;
        }
        worst = std::max(worst, std::abs(a - e) / std::max(1.0, std::abs(e)));
    }
    return worst;
}

} // namespace

class TestSeqLayers : public QObject
{
    Q_OBJECT
private slots:
    void matchesNumpyReference_data()
    {
        QTest::addColumn<QString>("name");
        for (const std::string &name : caseNames())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }

    void matchesNumpyReference()
    {
        QFETCH(QString, name);
        H5Handle file(H5Fopen(referencePath().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
        QVERIFY(file.get() >= 0);
        H5Handle group(
            H5Gopen2(file.get(), ("cases/" + name.toStdString()).c_str(), H5P_DEFAULT), H5Gclose);
        const nlohmann::json meta = readMeta(group.get());

        CallResult result;
        std::string firstLayerName;
        auto run = [&]() {
            CallArgs args;
            for (const auto &input : meta["inputs"]) {
                const std::string parameter = input[0].get<std::string>();
                for (int i = 0; i < input[1].get<int>(); ++i) {
                    const std::string suffix = parameter + "_" + std::to_string(i);
                    args.tensors[parameter].push_back(readTensor(group.get(), "in_" + suffix));
                    args.masks[parameter].push_back(
                        input[2].get<bool>() ? readTensor(group.get(), "mask_" + suffix) : Mask());
                }
            }
            const auto &stages = meta["stages"];
            for (std::size_t k = 0; k < stages.size(); ++k) {
                const LayerConfig config = stageConfig(group.get(), stages[k], k);
                if (k == 0)
                    firstLayerName = config.name;
                const std::unique_ptr<Layer> layer = makeLayer(config);
                if (k > 0) {
                    // The previous stage's first output (and mask) is this stage's input.
                    const std::string parameter = layer->callSignature().front();
                    args = CallArgs();
                    args.tensors[parameter] = {result.outputs.front()};
                    args.masks[parameter] = {result.masks.empty() ? Mask() : result.masks.front()};
                }
                args.options = bindCallOptions(*layer, stages[k]["options"]);
                result = layer->call(args, CallContext());
            }
        };
        std::string message;
        const std::string thrown = thrownType(run, message);
        if (!meta["error"].is_null()) {
            QCOMPARE(thrown, meta["error"].get<std::string>());
            QVERIFY2(message.find(firstLayerName) != std::string::npos, message.c_str());
            return;
        }
        QVERIFY2(thrown.empty(), message.c_str());

        QCOMPARE(result.outputs.size(), meta["outputs"].get<std::size_t>());
        for (std::size_t i = 0; i < result.outputs.size(); ++i) {
            const Tensor expected = readTensor(group.get(), "out_" + std::to_string(i));
            const std::string what = "output " + std::to_string(i) + " "
                + shapeToString(result.outputs[i].shape()) + " vs "
                + shapeToString(expected.shape());
            QVERIFY2(result.outputs[i].shape() == expected.shape(), what.c_str());
            const double error = maxError(result.outputs[i], expected);
            QVERIFY2(error < 1e-5, (what + ": error " + std::to_string(error)).c_str());
        }
        const auto &masks = meta["output_masks"];
        for (std::size_t i = 0; i < masks.size(); ++i) {
            const Mask actual = i < result.masks.size() ? result.masks[i] : Mask();
            if (!masks[i].get<bool>()) {
                QVERIFY2(actual.empty(), ("output mask " + std::to_string(i)).c_str());
                continue;
            }
            const Tensor expected = readTensor(group.get(), "outmask_" + std::to_string(i));
            QCOMPARE(actual.shape(), expected.shape());
            QCOMPARE(actual.values(), expected.values());
        }
    }

    void embeddingErrorNamesTheId()
    {
        LayerConfig config;
        config.name = "tokens";
        config.className = "Embedding";
        config.config = {{"name", "tokens"}, {"input_dim", 3}, {"output_dim", 2}};
        config.weights.push_back(Tensor({3, 2}, 1.0f));
        const auto layer = makeLayer(config);
        CallArgs args;
        args.tensors["inputs"] = {Tensor({1, 2}, std::vector<float> {1.0f, 5.0f})};
        try {
            layer->call(args, CallContext());
            QFAIL("an id outside the vocabulary was accepted");
        } catch (const ShapeError &e) {
            const std::string message = e.what();
            QVERIFY2(message.find("tokens") != std::string::npos, e.what());
            QVERIFY2(message.find("5") != std::string::npos, e.what());
        }
    }

    void embeddingTruncatesFractionalIdsLikeKerasCast()
    {
        // Keras casts float ids to int32 (toward zero) and masks on the uncast value != 0.
        LayerConfig config;
        config.name = "tokens";
        config.className = "Embedding";
        config.config
            = {{"name", "tokens"}, {"input_dim", 3}, {"output_dim", 1}, {"mask_zero", true}};
        config.weights.push_back(Tensor({3, 1}, std::vector<float> {10.0f, 20.0f, 30.0f}));
        const auto layer = makeLayer(config);
        CallArgs args;
        args.tensors["inputs"] = {Tensor({1, 4}, std::vector<float> {1.9f, 2.2f, 0.6f, 0.0f})};
        const CallResult r = layer->call(args, CallContext());
        QCOMPARE(r.outputs[0].values(), (std::vector<float> {20.0f, 30.0f, 10.0f, 10.0f}));
        QCOMPARE(r.masks[0].values(), (std::vector<float> {1.0f, 1.0f, 1.0f, 0.0f}));
    }

    void absurdConfigIsRefusedBeforeAllocating()
    {
        LayerConfig config;
        config.name = "huge";
        config.className = "LSTM";
        config.config = {{"name", "huge"}, {"units", 4000000000LL}};
        config.weights = {Tensor({2, 8}), Tensor({2, 8}), Tensor({8})};
        QVERIFY_EXCEPTION_THROWN(makeLayer(config), InputFileError);
        config.className = "Embedding";
        config.config = {{"name", "huge"}, {"input_dim", 1LL << 50}, {"output_dim", 1LL << 50}};
        config.weights = {Tensor({2, 2})};
        QVERIFY_EXCEPTION_THROWN(makeLayer(config), InputFileError);
    }

    void operatorNodesAreToldFromLayers()
    {
        LayerConfig op;
        op.name = "add_4";
        op.className = "Add";
        op.registeredName = "Add";
        op.module = "keras.src.ops.numpy";
        op.config = {{"name", "add_4"}};
        const auto layer = makeLayer(op);
        QCOMPARE(layer->callSignature(), (std::vector<std::string> {"x1", "x2"}));
    }
};

QTEST_APPLESS_MAIN(TestSeqLayers)
#include "tst_seq_layers.moc"
