// Engine benchmark: forward latency (batch 1) and throughput (batch 64) with attention captured,
// for the ts_encoder fixture and for a transformer encoder of 4 blocks at T=512, d_model=256,
// 8 heads (key_dim 32, feed-forward 1024). The large model is written by this program as a Keras 3
// legacy .h5 file (model_config + model_weights, random weights), so the engine reads it through
// the same code path as a user's file.
//
// Usage: bench_engine [TS_ENCODER_DIR] [--threads N] [--seconds S] [--model all|ts|large]
//                     [--mode all|latency|throughput]
//        bench_engine [--steps T] --write-model FILE.h5 [--write-npy FILE.npy --samples N]
//   TS_ENCODER_DIR defaults to tests/data/keras/ts_encoder relative to the working directory.
//   --write-model writes the large encoder (with T = --steps, default 512) and exits; with
//   --write-npy also N random samples of its input, float32 (N, T, 16), for `attnlens-cli run`
//   (bench/README.md, "attnlens-cli run against PyTorch").
//   Throughput counts every batch of 64, the first one included (it has to fault in fresh memory
//   for its results), and also reports the first batch and the later ones apart.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <hdf5.h>
#include <nlohmann/json.hpp>

#include "core/runtime/model.h"

using attnlens::Model;
using attnlens::Tensor;
using nlohmann::json;

namespace {

constexpr int kBlocks = 4;
int g_steps = 512; // T of the large encoder (--steps)
constexpr int kModel = 256;
constexpr int kHeads = 8;
constexpr int kKeyDim = kModel / kHeads;
constexpr int kFeedForward = 1024;
constexpr int kChannels = 16;

json tensorRef(const std::string &layer)
{
    return json {{"class_name", "__keras_tensor__"},
        {"config",
            {{"shape", json::array()}, {"dtype", "float32"},
                {"keras_history", json::array({layer, 0, 0})}}}};
}

json layerEntry(const std::string &cls, const std::string &name, json config, json args)
{
    config["name"] = name;
    return json {{"module", "keras.layers"}, {"class_name", cls}, {"config", config},
        {"registered_name", nullptr}, {"name", name},
        {"inbound_nodes",
            args.is_null() ? json::array()
                           : json::array({json {{"args", args}, {"kwargs", json::object()}}})}};
}

struct WeightSpec
{
    std::string layer;
    std::vector<std::pair<std::string, std::vector<hsize_t>>> vars;
};

// Builds the encoder's Keras 3 config and the list of weights each layer owns.
json encoderConfig(std::vector<WeightSpec> &weights)
{
    json layers = json::array();
    layers.push_back(json {{"module", "keras.layers"}, {"class_name", "InputLayer"},
        {"config",
            {{"batch_shape", {nullptr, g_steps, kChannels}}, {"dtype", "float32"},
                {"name", "series"}}},
        {"registered_name", nullptr}, {"name", "series"}, {"inbound_nodes", json::array()}});
    layers.push_back(layerEntry("Dense", "embed",
        {{"units", kModel}, {"activation", "linear"}, {"use_bias", true}},
        json::array({tensorRef("series")})));
    weights.push_back({"embed", {{"kernel", {kChannels, kModel}}, {"bias", {kModel}}}});
    std::string x = "embed";
    for (int b = 0; b < kBlocks; ++b) {
        const std::string p = "block" + std::to_string(b) + "_";
        layers.push_back(layerEntry("MultiHeadAttention", p + "mha",
            {{"num_heads", kHeads}, {"key_dim", kKeyDim}, {"value_dim", kKeyDim}, {"dropout", 0.0},
                {"use_bias", true}, {"output_shape", nullptr}, {"attention_axes", {1}}},
            json::array({tensorRef(x), tensorRef(x)})));
        weights.push_back({p + "mha",
            {{"query/kernel", {kModel, kHeads, kKeyDim}}, {"query/bias", {kHeads, kKeyDim}},
                {"key/kernel", {kModel, kHeads, kKeyDim}}, {"key/bias", {kHeads, kKeyDim}},
                {"value/kernel", {kModel, kHeads, kKeyDim}}, {"value/bias", {kHeads, kKeyDim}},
                {"attention_output/kernel", {kHeads, kKeyDim, kModel}},
                {"attention_output/bias", {kModel}}}});
        layers.push_back(layerEntry("Add", p + "add1", json::object(),
            json::array({json::array({tensorRef(x), tensorRef(p + "mha")})})));
        layers.push_back(layerEntry("LayerNormalization", p + "ln1",
            {{"axis", -1}, {"epsilon", 1e-6}}, json::array({tensorRef(p + "add1")})));
        weights.push_back({p + "ln1", {{"gamma", {kModel}}, {"beta", {kModel}}}});
        layers.push_back(layerEntry("Dense", p + "ff1",
            {{"units", kFeedForward}, {"activation", "gelu"}, {"use_bias", true}},
            json::array({tensorRef(p + "ln1")})));
        weights.push_back(
            {p + "ff1", {{"kernel", {kModel, kFeedForward}}, {"bias", {kFeedForward}}}});
        layers.push_back(layerEntry("Dense", p + "ff2",
            {{"units", kModel}, {"activation", "linear"}, {"use_bias", true}},
            json::array({tensorRef(p + "ff1")})));
        weights.push_back({p + "ff2", {{"kernel", {kFeedForward, kModel}}, {"bias", {kModel}}}});
        layers.push_back(layerEntry("Add", p + "add2", json::object(),
            json::array({json::array({tensorRef(p + "ln1"), tensorRef(p + "ff2")})})));
        layers.push_back(layerEntry("LayerNormalization", p + "ln2",
            {{"axis", -1}, {"epsilon", 1e-6}}, json::array({tensorRef(p + "add2")})));
        weights.push_back({p + "ln2", {{"gamma", {kModel}}, {"beta", {kModel}}}});
        x = p + "ln2";
    }
    layers.push_back(
        layerEntry("GlobalAveragePooling1D", "pool", json::object(), json::array({tensorRef(x)})));
    layers.push_back(
        layerEntry("Dense", "head", {{"units", 1}, {"activation", "linear"}, {"use_bias", true}},
            json::array({tensorRef("pool")})));
    weights.push_back({"head", {{"kernel", {kModel, 1}}, {"bias", {1}}}});
    return json {{"module", "keras.src.models.functional"}, {"class_name", "Functional"},
        {"config",
            {{"name", "encoder4x" + std::to_string(g_steps)}, {"layers", layers},
                {"input_layers", json::array({json::array({"series", 0, 0})})},
                {"output_layers", json::array({json::array({"head", 0, 0})})}}},
        {"registered_name", nullptr}};
}

void writeStringAttr(hid_t obj, const char *name, const std::string &value)
{
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    const char *p = value.c_str();
    H5Awrite(attr, type, &p);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
}

void writeStringListAttr(hid_t obj, const char *name, const std::vector<std::string> &values)
{
    if (values.empty()) { // h5py stores an empty list as float64 (0,), and so does Keras
        const hsize_t zero = 0;
        const double dummy = 0;
        const hid_t space = H5Screate_simple(1, &zero, nullptr);
        const hid_t attr = H5Acreate2(obj, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(attr, H5T_NATIVE_DOUBLE, &dummy);
        H5Aclose(attr);
        H5Sclose(space);
        return;
    }
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    const hsize_t n = values.size();
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    std::vector<const char *> ptrs;
    for (const auto &v : values)
        ptrs.push_back(v.c_str());
    H5Awrite(attr, type, ptrs.data());
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
}

// Writes the encoder as a Keras 3 legacy .h5 with Glorot-like random weights and unit LayerNorm.
void writeEncoder(const std::filesystem::path &file)
{
    std::vector<WeightSpec> weights;
    const json config = encoderConfig(weights);
    const hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    writeStringAttr(f, "model_config", config.dump());
    writeStringAttr(f, "keras_version", "3.15.1");
    writeStringAttr(f, "backend", "numpy");
    const hid_t mw = H5Gcreate2(f, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    std::vector<std::string> names;
    for (const auto &layer : config["config"]["layers"])
        names.push_back(layer["name"].get<std::string>());
    writeStringListAttr(mw, "layer_names", names);
    std::mt19937 rng(7);
    const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    for (const auto &name : names) {
        const hid_t g = H5Gcreate2(mw, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        std::vector<std::string> weightNames;
        for (const auto &spec : weights) {
            if (spec.layer != name)
                continue;
            for (const auto &[var, dims] : spec.vars) {
                const std::string path = name + "/" + var;
                weightNames.push_back(path);
                std::size_t n = 1;
                for (const hsize_t d : dims)
                    n *= d;
                const float fanIn = static_cast<float>(dims.front());
                std::normal_distribution<float> dist(0.0f, 1.0f / std::sqrt(fanIn));
                std::vector<float> values(n);
                const bool gamma = var == "gamma";
                const bool bias = var.find("bias") != std::string::npos || var == "beta";
                for (float &v : values)
                    v = gamma ? 1.0f : (bias ? 0.01f * dist(rng) : dist(rng));
                const hid_t space
                    = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
                const hid_t ds = H5Dcreate2(
                    g, path.c_str(), H5T_IEEE_F32LE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
                H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
                H5Dclose(ds);
                H5Sclose(space);
            }
        }
        writeStringListAttr(g, "weight_names", weightNames);
        H5Gclose(g);
    }
    H5Pclose(lcpl);
    H5Gclose(mw);
    H5Fclose(f);
}

// Writes `samples` standard-normal samples of shape (T, 16) as a little-endian float32 .npy.
void writeSamples(const std::filesystem::path &file, std::int64_t samples)
{
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': ("
        + std::to_string(samples) + ", " + std::to_string(g_steps) + ", "
        + std::to_string(kChannels) + "), }";
    header.append(63 - (10 + header.size()) % 64, ' ');
    header += '\n'; // magic, version, length and header: a multiple of 64 bytes
    std::FILE *out = std::fopen(file.c_str(), "wb");
    if (!out)
        throw std::runtime_error("cannot write " + file.string());
    const unsigned short length = static_cast<unsigned short>(header.size());
    std::fwrite("\x93NUMPY\x01\x00", 1, 8, out);
    std::fwrite(&length, 2, 1, out);
    std::fwrite(header.data(), 1, header.size(), out);
    std::mt19937 rng(11);
    std::normal_distribution<float> dist;
    std::vector<float> values(static_cast<std::size_t>(samples) * g_steps * kChannels);
    for (float &v : values)
        v = dist(rng);
    std::fwrite(values.data(), sizeof(float), values.size(), out);
    std::fclose(out);
}

Tensor randomInput(const attnlens::Shape &perSample, std::int64_t batch)
{
    attnlens::Shape shape {batch};
    shape.insert(shape.end(), perSample.begin() + 1, perSample.end());
    Tensor t(shape);
    std::mt19937 rng(11);
    std::normal_distribution<float> dist;
    for (float &v : t.values())
        v = dist(rng);
    return t;
}

double attentionFlopsPerSample(const Model &model)
{
    // GEMM FLOPs only: projections, Q.K^T, P.V, output projection of every attention call, plus
    // every Dense layer (2 * rows * in * out). Good enough to compare with the CPU's peak.
    double flops = 0;
    for (const auto &a : model.attentionLayers()) {
        const double t = static_cast<double>(a.queryLength), s = static_cast<double>(a.keyLength);
        const double hk = a.heads * a.keyDim, hv = a.heads * a.valueDim;
        flops += 2 * t * s * hk + 2 * t * s * hv;
    }
    for (const auto &l : model.layers()) {
        if (l.className != "Dense" && l.className != "MultiHeadAttention")
            continue;
        double rows = 1;
        for (std::size_t i = 1; i + 1 < l.outputShape.size(); ++i)
            rows *= static_cast<double>(l.outputShape[i]);
        flops += 2 * rows * static_cast<double>(l.parameters);
    }
    return flops;
}

struct Timing
{
    double latencyMs = 0;        ///< median of batch-1 passes
    double samplesPerSecond = 0; ///< all batches of 64, the first (cold) one included
    double firstBatchSeconds = 0;
    double laterSamplesPerSecond = 0; ///< batches of 64 after the first
};

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

void measureLatency(const Model &model, double seconds, Timing &t)
{
    const std::vector<Tensor> one {randomInput(model.inputs()[0].shape, 1)};
    attnlens::RunOptions opts;
    opts.captureAttention = true;
    model.run(one, opts); // warm-up
    std::vector<double> times;
    const auto start = Clock::now();
    while (secondsSince(start) < seconds || times.size() < 5) {
        const auto t0 = Clock::now();
        const auto r = model.run(one, opts);
        times.push_back(secondsSince(t0) * 1e3);
        if (r.attention.empty())
            std::fprintf(stderr, "no attention captured\n");
    }
    std::sort(times.begin(), times.end());
    t.latencyMs = times[times.size() / 2];
}

void measureThroughput(const Model &model, double seconds, Timing &t)
{
    const std::vector<Tensor> batch {randomInput(model.inputs()[0].shape, 64)};
    attnlens::RunOptions opts;
    opts.captureAttention = true;
    int reps = 0;
    const auto b0 = Clock::now();
    while (secondsSince(b0) < seconds || reps < 3) {
        model.run(batch, opts);
        if (++reps == 1)
            t.firstBatchSeconds = secondsSince(b0);
    }
    const double elapsed = secondsSince(b0);
    t.samplesPerSecond = 64.0 * reps / elapsed;
    t.laterSamplesPerSecond = 64.0 * (reps - 1) / (elapsed - t.firstBatchSeconds);
}

} // namespace

int main(int argc, char **argv)
{
    std::filesystem::path tsDir = "tests/data/keras/ts_encoder";
    double seconds = 2.0;
    std::string only = "all"; // all | ts | large
    std::string mode = "all"; // all | latency | throughput
    std::filesystem::path modelOut;
    std::filesystem::path samplesOut;
    std::int64_t samples = 64;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = std::stod(argv[++i]);
        else if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (std::strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
            mode = argv[++i];
        else if (std::strcmp(argv[i], "--steps") == 0 && i + 1 < argc)
            g_steps = std::stoi(argv[++i]);
        else if (std::strcmp(argv[i], "--write-model") == 0 && i + 1 < argc)
            modelOut = argv[++i];
        else if (std::strcmp(argv[i], "--write-npy") == 0 && i + 1 < argc)
            samplesOut = argv[++i];
        else if (std::strcmp(argv[i], "--samples") == 0 && i + 1 < argc)
            samples = std::stoll(argv[++i]);
        else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            Eigen::setNbThreads(std::stoi(argv[++i]));
        else
            tsDir = argv[i];
    }
    if (!modelOut.empty()) { // the large encoder, for measuring attnlens-cli with it
        writeEncoder(modelOut);
        if (!samplesOut.empty())
            writeSamples(samplesOut, samples);
        return 0;
    }
    std::printf("Eigen threads: %d\n", Eigen::nbThreads());
    try {
        const auto encoderFile
            = std::filesystem::temp_directory_path() / "attnlens_bench_encoder4x512.h5";
        writeEncoder(encoderFile);
        const std::vector<std::pair<std::string, std::filesystem::path>> models {
            {"ts_encoder (T=48, d=32, 4 heads, 2 blocks)", tsDir / "model.keras"},
            {"encoder 4 blocks, T=" + std::to_string(g_steps) + ", d=256, 8 heads", encoderFile}};
        for (std::size_t m = 0; m < models.size(); ++m) {
            if ((only == "ts" && m != 0) || (only == "large" && m != 1))
                continue;
            const auto &[label, file] = models[m];
            const auto model = Model::open(file);
            const double gflop = attentionFlopsPerSample(*model) / 1e9;
            std::printf("%s\n", label.c_str());
            Timing t;
            if (mode != "throughput") {
                measureLatency(*model, seconds, t);
                std::printf("  latency (batch 1): %.3f ms  (%.1f GFLOP/s)\n", t.latencyMs,
                    gflop / (t.latencyMs / 1e3));
            }
            if (mode != "latency") {
                measureThroughput(*model, seconds, t);
                std::printf("  throughput (batch 64): %.1f samples/s  (%.1f GFLOP/s)\n"
                            "    first batch (cold memory) %.3f s; later batches %.1f samples/s "
                            "(%.1f GFLOP/s)\n",
                    t.samplesPerSecond, gflop * t.samplesPerSecond, t.firstBatchSeconds,
                    t.laterSamplesPerSecond, gflop * t.laterSamplesPerSecond);
            }
        }
        std::filesystem::remove(encoderFile);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_engine: %s\n", e.what());
        return 2;
    }
    return 0;
}
