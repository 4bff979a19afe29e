#include "core/keras/keras_file.h"

#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "core/io/zip_archive.h"
#include "core/keras/keras_config.h"

namespace attnlens {

namespace {

constexpr std::uintmax_t kMaxConfigBytes = std::uintmax_t(256) << 20;

std::string readHead(const std::filesystem::path &file, std::size_t count)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw InputFileError(file.string() + ": cannot be opened for reading");
    std::string head(count, '\0');
    in.read(head.data(), static_cast<std::streamsize>(count));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head;
}

std::string readText(const std::filesystem::path &file)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        throw InputFileError(file.string() + ": the architecture file does not exist");
    if (std::filesystem::file_size(file, ec) > kMaxConfigBytes)
        throw InputFileError(file.string() + ": the architecture file is too large to be JSON");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw InputFileError(file.string() + ": cannot be opened for reading");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string needsConfig(const std::filesystem::path &file, const std::string &what)
{
    return file.string() + ": is " + what
        + " with weights only; the architecture is not inside. Pass it with --config ARCH.json "
          "(the text of model.to_json() saved to a file)";
}

/// The model's JSON: a root attribute (legacy .h5) or --config.
void loadConfig(KerasFile &out, const std::optional<std::filesystem::path> &configFile)
{
    out.configSource = configFile->string();
    out.config = parseJsonText(readText(*configFile), out.configSource);
}

/// The archive's assets/ files (vocabularies), at most kMaxConfigBytes in all.
void readAssets(const ZipArchive &zip, KerasFile &out)
{
    const std::string prefix = "assets/";
    std::uint64_t total = 0;
    for (const std::string &name : zip.names()) {
        if (name.rfind(prefix, 0) != 0 || name.back() == '/')
            continue;
        total += zip.sizeOf(name);
        if (total > kMaxConfigBytes)
            throw InputFileError(out.configSource
                + ": the archive's assets/ files are larger than 256 MB in all; not a model's "
                  "vocabularies");
        out.assets.emplace(name.substr(prefix.size()), zip.read(name, kMaxConfigBytes));
    }
}

KerasFile openArchive(
    const std::filesystem::path &file, const std::optional<std::filesystem::path> &configFile)
{
    KerasFile out;
    out.format = ModelFormat::KerasArchive;
    out.layout = WeightReader::Layout::Keras3;
    ZipArchive zip(file);
    if (zip.contains("metadata.json")) {
        try {
            const auto metadata = nlohmann::json::parse(zip.read("metadata.json", 1 << 20));
            if (metadata.is_object() && metadata.contains("keras_version")
                && metadata["keras_version"].is_string())
                out.kerasVersion = metadata["keras_version"].get<std::string>();
        } catch (const nlohmann::json::exception &) {
            // The version only refines version-dependent behaviour; go on without it.
        }
    }
    if (configFile) {
        loadConfig(out, configFile);
    } else {
        if (!zip.contains("config.json"))
            throw InputFileError(
                file.string() + ": a zip file without config.json; not a Keras .keras archive");
        out.configSource = file.string() + "!config.json";
        out.config = parseJsonText(zip.read("config.json", kMaxConfigBytes), out.configSource);
    }
    if (!zip.contains("model.weights.h5")) {
        if (zip.contains("model.weights.npz") || zip.contains("model.weights.json"))
            throw UnsupportedModelError(file.string()
                + ": the archive stores its weights as npz or in shards; AttnLens reads only "
                  "model.weights.h5. Save the model with model.save(\"m.keras\") defaults");
        throw InputFileError(file.string()
            + ": the archive has no model.weights.h5; not a "
              "complete Keras .keras model");
    }
    out.weights = std::make_unique<Hdf5File>(
        zip.read("model.weights.h5"), file.string() + "!model.weights.h5");
    readAssets(zip, out);
    return out;
}

bool hasKeras3Groups(const Hdf5File &h5)
{
    if (h5.isGroup("layers") || h5.isGroup("_layer_checkpoint_dependencies"))
        return true;
    for (const std::string &child : h5.children(""))
        if (child.rfind("layers\\", 0) == 0)
            return true;
    return h5.isGroup("vars");
}

KerasFile openHdf5(
    const std::filesystem::path &file, const std::optional<std::filesystem::path> &configFile)
{
    KerasFile out;
    out.weights = std::make_unique<Hdf5File>(file);
    const Hdf5File &h5 = *out.weights;
    if (h5.hasAttribute("", "model_config")) {
        out.format = ModelFormat::LegacyH5;
        out.layout = WeightReader::Layout::Legacy;
        out.legacyRoot = "model_weights";
        out.kerasVersion = h5.string("", "keras_version").value_or("");
        if (configFile) {
            loadConfig(out, configFile);
        } else {
            out.configSource = file.string() + "@model_config";
            out.config
                = parseJsonText(h5.string("", "model_config").value_or(""), out.configSource);
        }
        if (!h5.isGroup("model_weights"))
            throw InputFileError(
                file.string() + ": the model was saved without weights (no model_weights group)");
        return out;
    }
    if (h5.stringList("", "layer_names")) {
        out.format = ModelFormat::LegacyWeightsH5;
        out.layout = WeightReader::Layout::Legacy;
        out.kerasVersion = h5.string("", "keras_version").value_or("");
        if (!configFile)
            throw InputFileError(needsConfig(file, "a Keras save_weights() file"));
        loadConfig(out, configFile);
        return out;
    }
    if (h5.isGroup("model_weights") && h5.stringList("model_weights", "layer_names")) {
        out.format = ModelFormat::LegacyWeightsH5;
        out.layout = WeightReader::Layout::Legacy;
        out.legacyRoot = "model_weights";
        out.kerasVersion = h5.string("model_weights", "keras_version").value_or("");
        if (!configFile)
            throw InputFileError(needsConfig(file, "a Keras HDF5 file"));
        loadConfig(out, configFile);
        return out;
    }
    if (hasKeras3Groups(h5)) {
        out.format = ModelFormat::WeightsH5;
        out.layout = WeightReader::Layout::Keras3;
        if (!configFile)
            throw InputFileError(needsConfig(file, "a Keras 3 .weights.h5 file"));
        loadConfig(out, configFile);
        return out;
    }
    throw InputFileError(file.string()
        + ": is an HDF5 file but not a Keras model (no model_config, layer_names or layers "
          "group; perhaps a PyTorch state dict or other data saved with h5py)");
}

} // namespace

KerasFile openKerasFile(
    const std::filesystem::path &file, const std::optional<std::filesystem::path> &configFile)
{
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        throw InputFileError(file.string() + ": no such file");
    if (std::filesystem::is_directory(file, ec))
        throw InputFileError(file.string()
            + ": is a directory; a TensorFlow SavedModel directory cannot be read, save the "
              "model as .keras or .h5");
    if (std::filesystem::file_size(file, ec) == 0)
        throw InputFileError(file.string() + ": the file is empty");
    const std::string head = readHead(file, 64);
    static const std::string hdf5Magic("\x89HDF\r\n\x1a\n", 8);
    if (head.rfind(hdf5Magic, 0) == 0)
        return openHdf5(file, configFile);
    if (head.rfind("PK\x03\x04", 0) == 0)
        return openArchive(file, configFile);
    if (head.rfind("version https://git-lfs", 0) == 0)
        throw InputFileError(file.string()
            + ": is a Git LFS pointer, not the model: run git lfs pull in the repository to "
              "fetch the real file");
    const auto first = head.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (head[first] == '{' || head[first] == '['))
        throw InputFileError(file.string()
            + ": is JSON, not a model file; pass the weights file as the model and this file "
              "with --config");
    throw InputFileError(file.string()
        + ": not a Keras model (neither HDF5 nor a .keras zip archive by its first bytes)");
}

} // namespace attnlens
