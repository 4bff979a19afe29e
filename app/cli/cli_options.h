#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/data/dataset.h"

namespace attnlens::cli {

/// A command line AttnLens cannot act on. Exit code 1.
class UsageError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// Rows [begin, end) of the dataset; a missing bound is the start or the end of the data.
struct RowRange
{
    std::optional<std::int64_t> begin;
    std::optional<std::int64_t> end;
};

/// Parses "A:B", "A:", ":B" (and "A" = A:A+1). Throws UsageError.
RowRange parseRowRange(const std::string &text);

/// Which heads `export` writes.
struct HeadSelection
{
    bool all = true;
    bool mean = false;
    bool max = false;
    std::vector<int> heads; ///< explicit list, when neither all nor mean/max
};

/// Parses "all", "mean", "max" or "0,2,5". Throws UsageError.
HeadSelection parseHeadSelection(const std::string &text);

/// Everything the command line says, checked for usage errors (not for file contents).
struct CliOptions
{
    enum class Command
    {
        Help,
        Version,
        Info,
        Run,
        Export,
        Summarize,
        Merge
    };
    Command command = Command::Help;
    std::filesystem::path model;
    std::optional<std::filesystem::path> config;
    std::vector<std::filesystem::path> recipes; ///< --recipe FILE, repeatable (docs/recipes.md)
    std::vector<std::filesystem::path> data;
    std::filesystem::path out;
    bool json = false;
    RowRange rows;
    std::vector<std::string> layers;
    HeadSelection heads;
    std::string format = "png";
    std::optional<std::filesystem::path> labels;
    int width = 800;
    int height = 600;
    int dpi = 96;
    std::string colormap = "viridis";
    std::string matrix;         ///< "", "csv" or "npy"
    std::int64_t chunkRows = 0; ///< run, summarize: rows computed at a time; 0 = automatic
    std::string by;             ///< summarize: "", "target", "prediction" or "correct"
    /// summarize: also write the summary's figures into this folder (--images DIR)
    std::optional<std::filesystem::path> images;
    std::vector<std::filesystem::path> parts; ///< merge: the SUMMARY.h5 parts
    /// export: the session file whose view to write (--session FILE); it names the model, data,
    /// data options, recipes, call, head, sample or group and colours, so those flags are not
    /// given with it. --out is then a folder or an image file.
    std::optional<std::filesystem::path> session;
    /// run, export, summarize: --features, --id-column, --target-column, --time-column,
    /// --stride; summarize also --classes / --regression.
    DatasetOptions dataOptions;
};

/// Parses argv (without the program name). Throws UsageError naming the offending argument.
CliOptions parseArguments(const std::vector<std::string> &arguments);

/// The usage text printed by --help.
std::string usageText();

} // namespace attnlens::cli
