#include "core/data/dataset.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>

#include "core/data/dataset_part.h"
#include "core/data/h5_data_reader.h"
#include "core/data/npy_reader.h"
#include "core/data/text_util.h"
#include "core/errors.h"

namespace attnlens {

namespace {

enum class FileKind
{
    Csv,
    Npy,
    Npz,
    H5
};

FileKind kindOf(const std::filesystem::path &file)
{
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
        [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".npy")
        return FileKind::Npy;
    if (ext == ".npz")
        return FileKind::Npz;
    if (ext == ".h5" || ext == ".hdf5" || ext == ".he5")
        return FileKind::H5;
    if (ext == ".csv" || ext == ".tsv" || ext == ".txt")
        return FileKind::Csv;
    // Unknown extension: look at the first bytes.
    std::ifstream in(file, std::ios::binary);
    char magic[8] = {};
    in.read(magic, sizeof(magic));
    if (std::memcmp(magic, "\x93NUMPY", 6) == 0)
        return FileKind::Npy;
    if (std::memcmp(magic, "PK", 2) == 0)
        return FileKind::Npz;
    if (std::memcmp(magic, "\x89HDF", 4) == 0)
        return FileKind::H5;
    return FileKind::Csv;
}

/// Names that are not input arrays in .npz and .h5 files (see README.md).
bool isMetadataName(const std::string &name)
{
    static const char *const names[]
        = {"feature_names", "row_labels", "targets", "time_labels", "target_name"};
    for (const char *n : names) {
        const std::size_t len = std::strlen(n);
        if (name == n
            || (name.size() > len + 1 && name.compare(name.size() - len, len, n) == 0
                && name[name.size() - len - 1] == '_'))
            return true;
    }
    return false;
}

std::string inputNames(const std::vector<InputInfo> &inputs)
{
    std::string out;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        out += (i > 0 ? ", '" : "'") + inputs[i].name + "' " + shapeToString(inputs[i].shape);
    return out;
}

/// Arrays of an .npz or .h5 file, with names, behind one interface.
class ArraySource
{
public:
    virtual ~ArraySource() = default;
    virtual std::vector<std::string> names() const = 0;
    virtual ArrayData read(const std::string &name) = 0;
    virtual std::optional<std::vector<std::string>> attribute(
        const std::string &, const std::string &) const
    {
        return std::nullopt;
    }
};

class NpzSource : public ArraySource
{
public:
    NpzSource(const std::filesystem::path &file, std::int64_t cap)
        : m_arrays(readNpz(file, cap))
    {
    }
    std::vector<std::string> names() const override
    {
        std::vector<std::string> out;
        for (const auto &a : m_arrays)
            out.push_back(a.first);
        return out;
    }
    ArrayData read(const std::string &name) override
    {
        for (auto &a : m_arrays)
            if (a.first == name)
                return std::move(a.second);
        return {};
    }

private:
    std::vector<std::pair<std::string, ArrayData>> m_arrays;
};

class H5Source : public ArraySource
{
public:
    H5Source(const std::filesystem::path &file, std::int64_t cap)
        : m_reader(file, cap)
    {
    }
    std::vector<std::string> names() const override { return m_reader.datasets(); }
    ArrayData read(const std::string &name) override { return m_reader.read(name); }
    std::optional<std::vector<std::string>> attribute(
        const std::string &dataset, const std::string &name) const override
    {
        return m_reader.stringAttribute(dataset, name);
    }

private:
    H5DataReader m_reader;
};

std::string baseName(const std::string &path)
{
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// Text metadata array `name` (or "<input>_<name>"), converted to strings.
std::optional<std::vector<std::string>> metadata(ArraySource &source,
    const std::vector<std::string> &names, const std::string &name, const std::string &where)
{
    for (const std::string &n : names) {
        if (n != name)
            continue;
        ArrayData a = source.read(n);
        std::vector<std::string> out;
        if (a.isText) {
            out = std::move(a.strings);
        } else {
            for (const float v : a.values)
                out.push_back(formatNumber(v));
        }
        for (std::size_t i = 0; i < out.size(); ++i)
            if (findInvalidUtf8(out[i]) != std::string::npos)
                throw InputFileError(where + ": entry " + std::to_string(i) + " of '" + name
                    + "' is not UTF-8 text");
        return out;
    }
    return std::nullopt;
}

/// Inputs `wanted` read from an .npz or .h5 file holding arrays named after them.
DatasetPart arrayPart(const std::filesystem::path &file, ArraySource &source,
    const std::vector<InputInfo> &inputs, const std::vector<int> &wanted)
{
    const std::string where = file.string();
    const std::vector<std::string> names = source.names();
    std::vector<std::string> arrays;
    for (const std::string &n : names)
        if (!isMetadataName(baseName(n)))
            arrays.push_back(n);
    DatasetPart part;
    for (const int index : wanted) {
        const InputInfo &input = inputs[static_cast<std::size_t>(index)];
        std::string chosen;
        for (const std::string &n : arrays)
            if (n == input.name || baseName(n) == input.name)
                chosen = n;
        if (chosen.empty() && wanted.size() == 1 && arrays.size() == 1)
            chosen = arrays.front();
        if (chosen.empty()) {
            std::string list;
            for (const std::string &n : arrays)
                list += (list.empty() ? "'" : ", '") + n + "'";
            throw InputFileError(where + " has no array named '" + input.name
                + "' for the model input of that name (it holds " + (list.empty() ? "none" : list)
                + "); name the arrays after the inputs: " + inputNames(inputs));
        }
        ArrayData array = source.read(chosen);
        if (array.isText)
            throw InputFileError(
                where + ": array '" + chosen + "' holds text; model inputs must be numbers");
        Tensor t = fitArray(std::move(array), input, where + ": array '" + chosen + "'");
        std::vector<std::string> featureNames;
        if (auto a = source.attribute(chosen, "feature_names"))
            featureNames = *a;
        else if (auto m = metadata(source, names, input.name + "_feature_names", where))
            featureNames = *m;
        else if (wanted.size() == 1 || inputs.size() == 1) {
            if (auto m2 = metadata(source, names, "feature_names", where))
                featureNames = *m2;
        }
        if (!featureNames.empty() && std::int64_t(featureNames.size()) != t.dim(-1))
            throw InputFileError(where + ": " + std::to_string(featureNames.size())
                + " feature names for array '" + chosen + "', whose last axis has "
                + std::to_string(t.dim(-1)) + " entries");
        std::vector<std::string> timeLabels;
        if (auto a = source.attribute(chosen, "time_labels"))
            timeLabels = *a;
        else if (auto m = metadata(source, names, input.name + "_time_labels", where))
            timeLabels = *m;
        else if (auto m2 = metadata(source, names, "time_labels", where))
            timeLabels = *m2;
        if (!timeLabels.empty() && (t.rank() != 3 || std::int64_t(timeLabels.size()) != t.dim(1)))
            timeLabels.clear(); // they belong to another input
        if (part.rows < 0)
            part.rows = t.dim(0);
        else if (part.rows != t.dim(0))
            throw ShapeError(where + ": array '" + chosen + "' has " + std::to_string(t.dim(0))
                + " samples, the arrays before it " + std::to_string(part.rows)
                + "; every input needs the same number of samples");
        part.notes.push_back(where + ": input '" + input.name + "' from array '" + chosen + "' "
            + shapeToString(t.shape()));
        flagBadValues(t, input, file, part.problems);
        part.inputIndices.push_back(index);
        part.inputs.push_back(std::move(t));
        part.featureNames.push_back(std::move(featureNames));
        part.timeLabels.push_back(std::move(timeLabels));
    }
    if (auto labels = metadata(source, names, "row_labels", where)) {
        if (std::int64_t(labels->size()) != part.rows)
            throw InputFileError(where + ": 'row_labels' has " + std::to_string(labels->size())
                + " entries for " + std::to_string(part.rows) + " samples");
        part.sampleLabels = std::move(*labels);
        part.sampleLabelName = "row_labels";
    }
    if (auto targets = metadata(source, names, "targets", where)) {
        if (std::int64_t(targets->size()) != part.rows)
            throw InputFileError(where + ": 'targets' has " + std::to_string(targets->size())
                + " entries for " + std::to_string(part.rows) + " samples");
        part.targets = std::move(*targets);
        part.targetName = "target";
        if (auto name = source.attribute("targets", "name"); name && !name->empty())
            part.targetName = name->front();
        else if (auto n2 = metadata(source, names, "target_name", where); n2 && !n2->empty())
            part.targetName = n2->front();
    }
    return part;
}

/// True when input `input` takes one CSV column per sample: a number input (None, 1), or a text
/// input of one cell, (None, 1) or (None,) (a StringLookup per column, as in Keras's
/// structured-data examples).
bool takesOneColumn(const InputInfo &input)
{
    if (input.encoder)
        return input.textShape.size() == 1
            || (input.textShape.size() == 2 && input.textShape[1] == 1);
    return input.shape.size() == 2 && input.shape[1] == 1;
}

/// True when every wanted input takes one column: a model with one input per feature
/// (KerasFactory's BaseFeedForwardModel, Keras's structured-data models) reads them from one
/// CSV, column by name.
bool oneColumnEach(const std::vector<InputInfo> &inputs, const std::vector<int> &wanted)
{
    return std::all_of(wanted.begin(), wanted.end(),
        [&](int i) { return takesOneColumn(inputs[static_cast<std::size_t>(i)]); });
}

/// One CSV for number inputs that each take one column, `columns[k]` for `wanted[k]`, read as
/// one (N, F) input with every CSV rule (ids, target, problems), then split into F (N, 1) inputs.
DatasetPart numberColumnsPart(const std::filesystem::path &file,
    const std::vector<InputInfo> &inputs, const std::vector<int> &wanted,
    const std::vector<std::string> &columns, const DatasetOptions &options)
{
    InputInfo combined;
    combined.shape = {-1, static_cast<std::int64_t>(wanted.size())};
    DatasetOptions byName = options;
    byName.featureColumns = columns;
    byName.featureColumnPositions.clear();
    for (const int i : wanted)
        combined.name += (combined.name.empty() ? "" : "+") + inputs[std::size_t(i)].name;
    DatasetPart whole = csvPart(file, combined, wanted.front(), byName);
    const Tensor all = std::move(whole.inputs.front());
    const std::vector<std::string> names = whole.featureNames.front();
    const std::int64_t rows = all.dim(0);
    const auto width = static_cast<std::int64_t>(wanted.size());
    DatasetPart part = std::move(whole);
    part.inputIndices.clear();
    part.inputs.clear();
    part.featureNames.clear();
    part.timeLabels.clear();
    for (std::int64_t c = 0; c < width; ++c) {
        const InputInfo &input = inputs[std::size_t(wanted[std::size_t(c)])];
        Tensor column({rows, 1});
        for (std::int64_t r = 0; r < rows; ++r)
            column.data()[r] = all.data()[r * width + c];
        if (input.integerIds)
            flagBadValues(column, input, file, part.problems);
        part.inputIndices.push_back(wanted[static_cast<std::size_t>(c)]);
        part.inputs.push_back(std::move(column));
        part.featureNames.push_back(
            {static_cast<std::size_t>(c) < names.size() ? names[static_cast<std::size_t>(c)]
                                                        : input.name});
        part.timeLabels.emplace_back();
    }
    return part;
}

/// One CSV for inputs that each take one column (number or text): the columns named after the
/// inputs, or the ones DatasetOptions chooses, in input order. Number columns are read together
/// (numberColumnsPart); each text column goes through its input's encoder.
DatasetPart csvColumnsPart(const std::filesystem::path &file, const std::vector<InputInfo> &inputs,
    const std::vector<int> &wanted, const DatasetOptions &options)
{
    std::vector<std::string> columns;
    if (!options.featureColumns.empty()) {
        if (options.featureColumns.size() != wanted.size())
            throw ShapeError(file.string() + ": " + std::to_string(options.featureColumns.size())
                + " feature columns were chosen, but the model has " + std::to_string(wanted.size())
                + " inputs of one column each (" + inputNames(inputs)
                + "); choose one column per input, in input order");
        columns = options.featureColumns;
    } else if (!options.featureColumnPositions.empty()) {
        for (const int position : options.featureColumnPositions)
            columns.push_back(std::to_string(position));
    } else {
        for (const int i : wanted)
            columns.push_back(inputs[std::size_t(i)].name);
    }
    if (columns.size() != wanted.size())
        throw ShapeError(file.string() + ": " + std::to_string(columns.size())
            + " feature columns were chosen, but the model has " + std::to_string(wanted.size())
            + " inputs of one column each; choose one column per input, in input order");
    std::vector<int> numbers;
    std::vector<std::string> numberColumns;
    std::vector<std::size_t> texts;
    for (std::size_t k = 0; k < wanted.size(); ++k) {
        if (inputs[std::size_t(wanted[k])].encoder) {
            texts.push_back(k);
        } else {
            numbers.push_back(wanted[k]);
            numberColumns.push_back(columns[k]);
        }
    }
    std::optional<DatasetPart> merged;
    if (!numbers.empty())
        merged = numberColumnsPart(file, inputs, numbers, numberColumns, options);
    for (const std::size_t k : texts) {
        DatasetOptions one = options;
        one.featureColumns = {columns[k]};
        one.featureColumnPositions.clear();
        DatasetPart part = csvPart(file, inputs[std::size_t(wanted[k])], wanted[k], one);
        if (!merged) {
            merged = std::move(part);
            continue;
        }
        // A text input's column is never the target the number columns' rule guessed.
        if (merged->targetName == part.featureNames.front().front()) {
            merged->targets.clear();
            merged->targetName.clear();
            merged->chosen.targetColumn = "-";
        }
        merged->inputIndices.push_back(part.inputIndices.front());
        merged->inputs.push_back(std::move(part.inputs.front()));
        merged->featureNames.push_back(std::move(part.featureNames.front()));
        merged->timeLabels.emplace_back();
        merged->problems.insert(merged->problems.end(), part.problems.begin(), part.problems.end());
        merged->notes.push_back(part.notes.front());
        if (merged->targets.empty() && !part.targets.empty()) {
            merged->targets = std::move(part.targets);
            merged->targetName = part.targetName;
            merged->chosen.targetColumn = part.chosen.targetColumn;
        }
    }
    std::stable_sort(merged->problems.begin(), merged->problems.end(),
        [](const SampleProblem &a, const SampleProblem &b) { return a.sample < b.sample; });
    // featureNames follow inputIndices; chosen.featureColumns is in input order.
    merged->chosen.featureColumns.assign(wanted.size(), {});
    for (std::size_t k = 0; k < wanted.size(); ++k)
        for (std::size_t j = 0; j < merged->inputIndices.size(); ++j)
            if (merged->inputIndices[j] == wanted[k])
                merged->chosen.featureColumns[k] = merged->featureNames[j].front();
    return std::move(*merged);
}

DatasetPart filePart(const std::filesystem::path &file, const std::vector<InputInfo> &inputs,
    const std::vector<int> &wanted, const DatasetOptions &options)
{
    if (!std::filesystem::exists(file))
        throw InputFileError(file.string() + ": no such file; check the path");
    switch (kindOf(file)) {
    case FileKind::Csv:
        if (wanted.size() > 1 && oneColumnEach(inputs, wanted))
            return csvColumnsPart(file, inputs, wanted, options);
        if (wanted.size() != 1)
            throw ShapeError(file.string() + ": the model has " + std::to_string(wanted.size())
                + " inputs (" + inputNames(inputs)
                + ") and a CSV holds one: give one file per input, or one .npz/.h5 holding "
                  "arrays named after the inputs");
        return csvPart(file, inputs[static_cast<std::size_t>(wanted[0])], wanted[0], options);
    case FileKind::Npy: {
        if (wanted.size() != 1)
            throw ShapeError(file.string() + ": the model has " + std::to_string(wanted.size())
                + " inputs (" + inputNames(inputs)
                + ") and a .npy holds one array: give one file per input, or one .npz/.h5");
        const InputInfo &input = inputs[static_cast<std::size_t>(wanted[0])];
        ArrayData array = readNpy(file, options.memoryCapBytes);
        if (array.isText)
            throw InputFileError(file.string() + ": the array holds text (" + array.dtype
                + "); model inputs must be numbers");
        DatasetPart part;
        Tensor t = fitArray(std::move(array), input, file.string());
        part.rows = t.dim(0);
        part.notes.push_back(
            file.string() + ": input '" + input.name + "' " + shapeToString(t.shape()));
        flagBadValues(t, input, file, part.problems);
        part.inputIndices.push_back(wanted[0]);
        part.inputs.push_back(std::move(t));
        part.featureNames.emplace_back();
        part.timeLabels.emplace_back();
        return part;
    }
    case FileKind::Npz: {
        NpzSource source(file, options.memoryCapBytes);
        return arrayPart(file, source, inputs, wanted);
    }
    case FileKind::H5: {
        H5Source source(file, options.memoryCapBytes);
        return arrayPart(file, source, inputs, wanted);
    }
    }
    return {};
}

} // namespace

std::string SampleProblem::message() const
{
    std::string out = file.string();
    if (line > 0) {
        out += ":" + std::to_string(line);
        if (column > 0)
            out += ":" + std::to_string(column);
    }
    out += " (sample " + std::to_string(sample);
    if (!columnName.empty())
        out += ", column '" + columnName + "'";
    return out + "): " + reason;
}

std::int64_t Dataset::sampleCount() const
{
    return inputs.empty() ? 0 : inputs.front().dim(0);
}

std::int64_t Dataset::usableSampleCount() const
{
    return static_cast<std::int64_t>(std::count(sampleUsable.begin(), sampleUsable.end(), true));
}

std::vector<std::int64_t> Dataset::usableSampleIndices() const
{
    std::vector<std::int64_t> out;
    for (std::size_t r = 0; r < sampleUsable.size(); ++r)
        if (sampleUsable[r])
            out.push_back(static_cast<std::int64_t>(r));
    return out;
}

std::vector<Tensor> Dataset::inputsOf(const std::vector<std::int64_t> &samples) const
{
    const std::int64_t n = sampleCount();
    for (const std::int64_t s : samples)
        if (s < 0 || s >= n)
            throw ShapeError("sample " + std::to_string(s) + " is out of range; the data has "
                + std::to_string(n) + " samples");
    std::vector<Tensor> out;
    out.reserve(inputs.size());
    for (const Tensor &t : inputs) {
        Shape shape = t.shape();
        const std::int64_t per = shape[0] == 0 ? 0 : t.size() / shape[0];
        shape[0] = static_cast<std::int64_t>(samples.size());
        Tensor u = Tensor::uninitialized(shape);
        for (std::size_t i = 0; i < samples.size(); ++i)
            std::copy_n(
                t.data() + samples[i] * per, per, u.data() + static_cast<std::int64_t>(i) * per);
        out.push_back(std::move(u));
    }
    return out;
}

std::vector<Tensor> Dataset::usableInputs() const
{
    if (usableSampleCount() == sampleCount())
        return inputs;
    return inputsOf(usableSampleIndices());
}

Tensor fitArray(ArrayData &&array, const InputInfo &input, const std::string &where)
{
    const Shape &want = input.shape; // (-1, d1, ..., dk)
    const Shape &have = array.shape;
    const std::size_t k = want.size() - 1;
    auto matches = [&](std::size_t haveFrom, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            const std::int64_t w = want[1 + i];
            if (w >= 0 && have[haveFrom + i] != w)
                return false;
        }
        return true;
    };
    Shape shape;
    if (have.size() == k + 1 && matches(1, k)) {
        shape = have; // (N, ...)
    } else if (k >= 1 && have.size() == k && want.back() == 1 && matches(1, k - 1)) {
        shape = have; // (N, ..., ) for an input ending in an axis of 1
        shape.push_back(1);
    } else if (have.size() == k && matches(0, k) && k >= 1) {
        shape = have; // one sample without the batch axis
        shape.insert(shape.begin(), 1);
    } else {
        std::string why;
        if (have.size() != k + 1) {
            why = "it has " + std::to_string(have.size()) + " axes, the input "
                + std::to_string(k + 1) + " with the batch axis";
        } else {
            for (std::size_t i = 0; i < k; ++i)
                if (want[1 + i] >= 0 && have[1 + i] != want[1 + i]) {
                    why = "axis " + std::to_string(i + 1) + " has " + std::to_string(have[1 + i])
                        + ", the model takes " + std::to_string(want[1 + i]);
                    if (i + 1 == k && k == 1)
                        why += " features";
                    else if (i + 1 == k)
                        why += " channels";
                    else if (i == 0)
                        why += " time steps";
                    break;
                }
        }
        throw ShapeError(where + " has shape " + shapeToString(have) + ", but input '" + input.name
            + "' takes " + shapeToString(want) + ": " + why);
    }
    return Tensor(std::move(shape), std::move(array.values));
}

void flagBadValues(const Tensor &tensor, const InputInfo &input, const std::filesystem::path &file,
    std::vector<SampleProblem> &problems)
{
    const std::int64_t n = tensor.rank() == 0 ? 0 : tensor.dim(0);
    const std::int64_t per = n == 0 ? 0 : tensor.size() / n;
    const float *v = tensor.data();
    for (std::int64_t r = 0; r < n; ++r) {
        for (std::int64_t i = 0; i < per; ++i) {
            const float x = v[r * per + i];
            std::string reason;
            if (std::isnan(x))
                reason = "missing value (NaN) at position " + std::to_string(i) + " of the sample";
            else if (input.integerIds && (x < 0 || std::floor(x) != x))
                reason = "token id " + formatNumber(x) + " at position " + std::to_string(i)
                    + " is not a non-negative integer";
            if (!reason.empty()) {
                problems.push_back({r, 0, 0, {}, reason, file});
                break;
            }
        }
    }
}

Dataset loadDataset(const std::vector<std::filesystem::path> &files,
    const std::vector<InputInfo> &inputs, const DatasetOptions &options)
{
    if (inputs.empty())
        throw ShapeError("the model has no inputs");
    if (files.empty())
        throw InputFileError("no data file was given; give a .csv, .npy, .npz or .h5 file");

    // Which inputs each file provides.
    std::vector<std::vector<int>> wanted(files.size());
    if (files.size() == 1) {
        for (std::size_t i = 0; i < inputs.size(); ++i)
            wanted[0].push_back(static_cast<int>(i));
    } else if (files.size() == inputs.size()) {
        std::vector<int> byStem(files.size(), -1);
        bool allNamed = true;
        for (std::size_t f = 0; f < files.size(); ++f) {
            for (std::size_t i = 0; i < inputs.size(); ++i)
                if (files[f].stem().string() == inputs[i].name)
                    byStem[f] = static_cast<int>(i);
            allNamed = allNamed && byStem[f] >= 0;
        }
        std::vector<int> sorted = byStem;
        std::sort(sorted.begin(), sorted.end());
        allNamed = allNamed && std::unique(sorted.begin(), sorted.end()) == sorted.end();
        for (std::size_t f = 0; f < files.size(); ++f)
            wanted[f].push_back(allNamed ? byStem[f] : static_cast<int>(f));
    } else {
        throw ShapeError(std::to_string(files.size()) + " data files were given for a model with "
            + std::to_string(inputs.size()) + " input(s) (" + inputNames(inputs)
            + "): give one file per input, or one .npz/.h5 holding them all");
    }

    if (options.windowStride < 1)
        throw InputFileError("window stride " + std::to_string(options.windowStride)
            + ": the stride is the number of CSV rows from one window's first row to the next "
              "window's and must be at least 1 (1 = every window, the window length = windows "
              "that do not overlap)");

    Dataset data;
    data.files = files;
    data.chosen = options;
    data.inputs.resize(inputs.size());
    data.featureNames.resize(inputs.size());
    data.timeLabels.resize(inputs.size());
    data.vocabularies.resize(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (inputs[i].encoder)
            data.vocabularies[i] = inputs[i].encoder->vocabulary();
    std::int64_t rows = -1;
    std::string rowsFrom;
    for (std::size_t f = 0; f < files.size(); ++f) {
        DatasetPart part = filePart(files[f], inputs, wanted[f], options);
        if (rows >= 0 && part.rows != rows)
            throw ShapeError(files[f].string() + " has " + std::to_string(part.rows)
                + " samples but " + rowsFrom + " has " + std::to_string(rows)
                + "; every input needs the same number of samples");
        rows = part.rows;
        rowsFrom = files[f].string();
        for (std::size_t i = 0; i < part.inputIndices.size(); ++i) {
            const auto index = static_cast<std::size_t>(part.inputIndices[i]);
            data.inputs[index] = std::move(part.inputs[i]);
            data.featureNames[index] = std::move(part.featureNames[i]);
            data.timeLabels[index] = std::move(part.timeLabels[i]);
        }
        if (data.sampleLabels.empty() && !part.sampleLabels.empty()) {
            data.sampleLabels = std::move(part.sampleLabels);
            data.sampleLabelName = part.sampleLabelName;
        }
        if (data.targets.empty() && !part.targets.empty()) {
            data.targets = std::move(part.targets);
            data.targetName = part.targetName;
        }
        if (data.timeValues.empty() && !part.timeValues.empty()) {
            data.timeValues = std::move(part.timeValues);
            data.windowStart = std::move(part.windowStart);
        }
        if (data.columns.empty() && !part.columns.empty()) {
            data.columns = std::move(part.columns);
            data.chosen.featureColumns = std::move(part.chosen.featureColumns);
            data.chosen.featureColumnPositions.clear();
            data.chosen.idColumn = part.chosen.idColumn;
            data.chosen.targetColumn = part.chosen.targetColumn;
            data.chosen.timeColumn = part.chosen.timeColumn;
        }
        data.problems.insert(data.problems.end(), part.problems.begin(), part.problems.end());
        data.notes.insert(data.notes.end(), part.notes.begin(), part.notes.end());
    }
    if (data.sampleLabels.empty()) {
        data.sampleLabelName = "row";
        data.sampleLabels.resize(static_cast<std::size_t>(rows));
        for (std::int64_t r = 0; r < rows; ++r)
            data.sampleLabels[static_cast<std::size_t>(r)] = std::to_string(r);
    }
    std::stable_sort(data.problems.begin(), data.problems.end(),
        [](const SampleProblem &a, const SampleProblem &b) { return a.sample < b.sample; });
    data.sampleUsable.assign(static_cast<std::size_t>(rows), true);
    for (const SampleProblem &p : data.problems)
        data.sampleUsable[static_cast<std::size_t>(p.sample)] = false;
    const std::int64_t bad = rows - data.usableSampleCount();
    if (rows > 0 && bad == rows)
        throw InputFileError("no sample can be used: every one has a problem; the first is "
            + data.problems.front().message());
    if (bad > 0)
        data.notes.push_back(std::to_string(bad) + " of " + std::to_string(rows)
            + " samples have problems (missing values, text, ragged lines) and are skipped");
    return data;
}

} // namespace attnlens
