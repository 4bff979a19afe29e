#include "app/cli/data_flags.h"

#include <algorithm>
#include <charconv>

#include "app/cli/cli_options.h"

namespace attnlens::cli {

namespace {

/// "a,b,3" split at commas; an empty item is a UsageError naming `option`.
std::vector<std::string> nameList(const std::string &text, const std::string &option)
{
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = std::min(text.find(',', start), text.size());
        items.push_back(text.substr(start, comma - start));
        if (items.back().empty())
            throw UsageError(option + " '" + text
                + "': an empty name; give comma-separated names or positions, e.g. a,b,3");
        start = comma + 1;
    }
    return items;
}

std::int64_t stride(const std::string &text)
{
    std::int64_t value = 0;
    const auto [ptr, code] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || code != std::errc() || ptr != text.data() + text.size())
        throw UsageError("--stride: '" + text + "' is not an integer");
    if (value < 1)
        throw UsageError("--stride " + text
            + ": the next window starts this many rows later, so it must be at least 1");
    return value;
}

} // namespace

bool isDataFlag(const std::string &argument)
{
    static const char *const flags[] = {"--features", "--id-column", "--target-column",
        "--time-column", "--stride", "--classes", "--regression"};
    return std::find(std::begin(flags), std::end(flags), argument) != std::end(flags);
}

void applyDataFlag(const std::string &argument, const std::function<const std::string &()> &value,
    DatasetOptions &options)
{
    if (argument == "--features") {
        options.featureColumns = nameList(value(), argument);
    } else if (argument == "--stride") {
        options.windowStride = stride(value());
    } else if (argument == "--classes" || argument == "--regression") {
        const auto kind
            = argument == "--classes" ? PredictionKind::Classes : PredictionKind::Regression;
        if (options.predictions != PredictionKind::Automatic && options.predictions != kind)
            throw UsageError("--classes and --regression exclude each other: the output is read "
                             "either as classes or as values");
        options.predictions = kind;
        if (kind == PredictionKind::Classes) {
            options.classNames = nameList(value(), argument);
            if (options.classNames.size() < 2)
                throw UsageError("--classes needs at least two names, e.g. benign,malignant");
        }
    } else {
        std::string &column = argument == "--id-column" ? options.idColumn
            : argument == "--target-column"             ? options.targetColumn
                                                        : options.timeColumn;
        column = value();
        if (column.empty())
            throw UsageError(argument + " needs a column name, or '-' for none");
    }
}

std::string dataFlagsHelp()
{
    return "DATA OPTIONS (CSV files; each defaults to AttnLens's guess; with any of them given,\n"
           "what was chosen and guessed is printed as note: lines):\n"
           "  --features NAMES     feature columns: comma-separated header names or positions\n"
           "                       (counting from 0), fed to the model in this order\n"
           "  --id-column NAME     the column whose values name the samples ('-': number them)\n"
           "  --target-column NAME the target column ('-': none)\n"
           "  --time-column NAME   the column whose values name the time steps on the axes\n"
           "                       ('-': none, the steps are t-(T-1) ... t0)\n"
           "  --stride N           rows as time steps: the next window starts N rows later\n"
           "                       (default 1; N = the window length: windows do not overlap)\n"
           "  --classes NAMES      summarize: read output 0 as classes named NAMES (class 0\n"
           "                       first); --regression: read it as values, not classes\n";
}

} // namespace attnlens::cli
