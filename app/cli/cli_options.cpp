#include "app/cli/cli_options.h"

#include <algorithm>
#include <charconv>

#include "app/cli/data_flags.h"
#include "ui/color_maps.h"

namespace attnlens::cli {

namespace {

std::int64_t parseInteger(const std::string &text, const std::string &what)
{
    std::int64_t value = 0;
    const char *first = text.data();
    const char *last = text.data() + text.size();
    const auto [ptr, code] = std::from_chars(first, last, value);
    if (text.empty() || code != std::errc() || ptr != last)
        throw UsageError(what + ": '" + text + "' is not an integer");
    return value;
}

} // namespace

RowRange parseRowRange(const std::string &text)
{
    const std::string what = "--rows";
    RowRange range;
    const auto colon = text.find(':');
    if (colon == std::string::npos) {
        const std::int64_t row = parseInteger(text, what);
        range.begin = row;
        range.end = row + 1;
    } else {
        const std::string a = text.substr(0, colon);
        const std::string b = text.substr(colon + 1);
        if (!a.empty())
            range.begin = parseInteger(a, what);
        if (!b.empty())
            range.end = parseInteger(b, what);
    }
    if ((range.begin && *range.begin < 0) || (range.end && *range.end < 0))
        throw UsageError("--rows " + text + ": row numbers start at 0 and cannot be negative");
    if (range.begin && range.end && *range.end <= *range.begin)
        throw UsageError("--rows " + text + ": the range A:B must have B > A (B is excluded)");
    return range;
}

HeadSelection parseHeadSelection(const std::string &text)
{
    HeadSelection selection;
    if (text == "all")
        return selection;
    selection.all = false;
    if (text == "mean") {
        selection.mean = true;
        return selection;
    }
    if (text == "max") {
        selection.max = true;
        return selection;
    }
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, comma - start);
        const auto head = parseInteger(item, "--heads (all, mean, max or a list like 0,2,5)");
        if (head < 0 || head > 100000)
            throw UsageError("--heads: head " + item + " is out of range");
        selection.heads.push_back(int(head));
        start = comma + 1;
    }
    return selection;
}

std::string usageText()
{
    return "Usage:\n"
           "  attnlens-cli info   MODEL [--config ARCH.json] [--json]\n"
           "  attnlens-cli run    MODEL [--config ARCH.json] --data FILE [--data FILE ...]\n"
           "                      [DATA OPTIONS] [--rows A:B] [--chunk-rows N] --out RESULT.h5\n"
           "  attnlens-cli export MODEL [--config ARCH.json] --data FILE [--data FILE ...] --out "
           "DIR\n"
           "                      [DATA OPTIONS]\n"
           "                      [--layer NAME ...] [--heads all|mean|max|0,2,5] [--rows A:B]\n"
           "                      [--format png|jpg|pdf|svg] [--labels FILE] [--size WxH] [--dpi "
           "N]\n"
           "                      [--colormap NAME] [--matrix csv|npy]\n"
           "  attnlens-cli export --session FILE --out DIR|IMAGE [--format png|jpg|pdf|svg]\n"
           "                      [--size WxH] [--dpi N] [--matrix csv|npy]\n"
           "  attnlens-cli summarize MODEL [--config ARCH.json] --data FILE [--data FILE ...]\n"
           "                      [DATA OPTIONS] [--classes NAMES | --regression]\n"
           "                      [--rows A:B] [--by target|prediction|correct] [--chunk-rows N]\n"
           "                      --out SUMMARY.h5 [--images DIR [--heads ...] [--format ...]\n"
           "                      [--size WxH] [--dpi N] [--colormap NAME]]\n"
           "  attnlens-cli merge  PART.h5 [PART.h5 ...] --out SUMMARY.h5\n"
           "  attnlens-cli --help | --version\n"
           "\n"
           "MODEL is a .keras file, a legacy .h5 file, or a weights-only file with --config (the\n"
           "architecture JSON from model.to_json()). --data takes .csv/.tsv, .npy, .npz or .h5 "
           "files:\n"
           "repeat it in the order of the model inputs, or give one .h5/.npz naming each input.\n"
           "--recipe FILE (any command that opens a model, repeatable) says what a custom layer\n"
           "class computes; recipes are also read from $XDG_CONFIG_HOME/attnlens/recipes\n"
           "(docs/recipes.md).\n"
           "--rows A:B selects dataset rows A..B-1 (also A: and :B); rows with missing values are\n"
           "skipped with a note.\n"
           "\n"
           "info    the layers, inputs and attention layers (heads, key_dim, value_dim, lengths).\n"
           "run     writes RESULT.h5: /outputs/<i> (N, ...), /attention/<layer> (N, heads, "
           "T_query,\n"
           "        T_key), attribute 'rows' (the dataset rows written), /rows/id (their ids) and\n"
           "        /rows/target (their targets, when the data has them), model file, sha256, "
           "version.\n"
           "        Rows are computed and written --chunk-rows at a time (default: about 64 MiB\n"
           "        of results), so memory stays bounded however many rows there are.\n"
           "export  one image per row, attention layer and head choice, named\n"
           "        r<row>_L<layer>-<name>_<head>.<format>. Defaults: --heads all --format png\n"
           "        --size 800x600 --dpi 96 --colormap viridis. --matrix also writes the numbers.\n"
           "        Feature weights (VariableSelection, ColumnAttention, ...) become bar charts\n"
           "        r<row>_W<n>-<layer>.<format> (W<n>-<layer> once when learned constants);\n"
           "        --layer also names them.\n"
           "        --session FILE writes exactly the view a session file names (File > Save\n"
           "        Session: model, data, data options, recipes, call, head, sample or group,\n"
           "        colour map and range): one image, into DIR under the export's name or as\n"
           "        IMAGE (format from its extension). A changed model is refused.\n"
           "        Colour maps: "
        + attnlens::colormaps::names().join(QStringLiteral(", ")).toStdString()
        + "\n"
          "summarize  the statistics of the attention over the data, per group of samples:\n"
          "        /all, and with --by target /target=<class>, --by prediction\n"
          "        /prediction=<class>, --by correct /correct and /misclassified. Each group\n"
          "        has count, attention/<call>/{mean,std,sum,sumsq} (heads, T_query, T_key),\n"
          "        the same for the mean and max over heads, heads/<call>/{entropy,max_weight,\n"
          "        first_weight,last_weight} (heads), received/<call> (heads, T_key) and, when\n"
          "        the calls chain, rollout (T, T). Memory does not grow with the rows.\n"
          "        --images DIR also draws, per group, call and head, the mean map\n"
          "        <group>_L<n>-<call>_<head>, its _std and its _received bars, and\n"
          "        <group>_rollout when the calls chain.\n"
          "merge   adds summaries of disjoint rows of one model (e.g. shards of a cluster\n"
          "        job) into one, equal to one summarize over their union.\n"
          "\n"
        + dataFlagsHelp()
        + "\n"
          "Exit codes: 0 success, 1 usage error, 2 bad input file, 3 model AttnLens cannot run,\n"
          "4 output cannot be written, 5 internal error (a bug: please report it),\n"
          "130 interrupted (Ctrl-C).\n";
}

CliOptions parseArguments(const std::vector<std::string> &arguments)
{
    CliOptions options;
    if (arguments.empty())
        throw UsageError(
            "no command given (info, run, export, summarize or merge); see attnlens-cli --help");
    if (std::find(arguments.begin(), arguments.end(), "--help") != arguments.end()
        || std::find(arguments.begin(), arguments.end(), "-h") != arguments.end()) {
        options.command = CliOptions::Command::Help;
        return options;
    }
    if (std::find(arguments.begin(), arguments.end(), "--version") != arguments.end()) {
        options.command = CliOptions::Command::Version;
        return options;
    }
    const std::string &command = arguments.front();
    if (command == "info")
        options.command = CliOptions::Command::Info;
    else if (command == "run")
        options.command = CliOptions::Command::Run;
    else if (command == "export")
        options.command = CliOptions::Command::Export;
    else if (command == "summarize")
        options.command = CliOptions::Command::Summarize;
    else if (command == "merge")
        options.command = CliOptions::Command::Merge;
    else
        throw UsageError(
            "unknown command '" + command + "' (expected info, run, export, summarize or merge)");

    const bool isInfo = options.command == CliOptions::Command::Info;
    const bool isExport = options.command == CliOptions::Command::Export;
    const bool isRun = options.command == CliOptions::Command::Run;
    const bool isSummarize = options.command == CliOptions::Command::Summarize;
    const bool isMerge = options.command == CliOptions::Command::Merge;
    bool haveModel = false;
    bool haveOut = false;
    std::vector<std::string> sessionConflicts; // flags a session file decides itself
    for (std::size_t i = 1; i < arguments.size(); ++i) {
        const std::string &argument = arguments[i];
        auto value = [&]() -> const std::string & {
            if (i + 1 >= arguments.size())
                throw UsageError(argument + " needs a value");
            return arguments[++i];
        };
        auto onlyFor = [&](bool allowed) {
            if (!allowed)
                throw UsageError(argument + " is not an option of '" + command + "'");
        };
        static const std::vector<std::string> decidedBySession {"--config", "--recipe", "--data",
            "--rows", "--layer", "--heads", "--labels", "--colormap"};
        if (std::find(decidedBySession.begin(), decidedBySession.end(), argument)
                != decidedBySession.end()
            || isDataFlag(argument))
            sessionConflicts.push_back(argument);
        if (argument == "--session") {
            onlyFor(isExport);
            options.session = value();
        } else if (argument == "--config") {
            onlyFor(!isMerge);
            options.config = value();
        } else if (argument == "--recipe") {
            onlyFor(!isMerge);
            options.recipes.emplace_back(value());
        } else if (argument == "--json") {
            onlyFor(isInfo);
            options.json = true;
        } else if (argument == "--data") {
            onlyFor(!isInfo && !isMerge);
            options.data.emplace_back(value());
        } else if (argument == "--out") {
            onlyFor(!isInfo);
            options.out = value();
            haveOut = true;
        } else if (argument == "--rows") {
            onlyFor(!isInfo && !isMerge);
            options.rows = parseRowRange(value());
        } else if (isDataFlag(argument)) {
            onlyFor(argument == "--classes" || argument == "--regression" ? isSummarize
                                                                          : !isInfo && !isMerge);
            applyDataFlag(argument, value, options.dataOptions);
        } else if (argument == "--layer") {
            onlyFor(isExport);
            options.layers.push_back(value());
        } else if (argument == "--heads") {
            onlyFor(isExport || isSummarize);
            options.heads = parseHeadSelection(value());
        } else if (argument == "--format") {
            onlyFor(isExport || isSummarize);
            options.format = value();
            if (options.format != "png" && options.format != "jpg" && options.format != "pdf"
                && options.format != "svg")
                throw UsageError("--format " + options.format + ": expected png, jpg, pdf or svg");
        } else if (argument == "--labels") {
            onlyFor(isExport);
            options.labels = value();
        } else if (argument == "--size") {
            onlyFor(isExport || isSummarize);
            const std::string text = value();
            const auto x = text.find_first_of("xX");
            if (x == std::string::npos)
                throw UsageError("--size " + text + ": expected WxH, e.g. 800x600");
            options.width = int(parseInteger(text.substr(0, x), "--size width"));
            options.height = int(parseInteger(text.substr(x + 1), "--size height"));
            if (options.width < 50 || options.height < 50 || options.width > 20000
                || options.height > 20000)
                throw UsageError("--size " + text + ": width and height must be 50..20000");
        } else if (argument == "--images") {
            onlyFor(isSummarize);
            options.images = value();
        } else if (argument == "--by") {
            onlyFor(isSummarize);
            options.by = value();
            if (options.by != "target" && options.by != "prediction" && options.by != "correct")
                throw UsageError("--by " + options.by + ": expected target, prediction or correct");
        } else if (argument == "--chunk-rows") {
            onlyFor(isRun || isSummarize);
            options.chunkRows = parseInteger(value(), "--chunk-rows");
            if (options.chunkRows < 1)
                throw UsageError("--chunk-rows must be at least 1");
        } else if (argument == "--dpi") {
            onlyFor(isExport || isSummarize);
            options.dpi = int(parseInteger(value(), "--dpi"));
            if (options.dpi < 24 || options.dpi > 1200)
                throw UsageError("--dpi must be 24..1200");
        } else if (argument == "--colormap") {
            onlyFor(isExport || isSummarize);
            options.colormap = value();
            if (!attnlens::colormaps::isKnown(QString::fromStdString(options.colormap)))
                throw UsageError("--colormap " + options.colormap + ": unknown; choose one of "
                    + attnlens::colormaps::names().join(QStringLiteral(", ")).toStdString());
        } else if (argument == "--matrix") {
            onlyFor(isExport);
            options.matrix = value();
            if (options.matrix != "csv" && options.matrix != "npy")
                throw UsageError("--matrix " + options.matrix + ": expected csv or npy");
        } else if (argument.size() > 1 && argument[0] == '-') {
            throw UsageError("unknown option " + argument);
        } else if (isMerge) {
            options.parts.emplace_back(argument);
        } else if (!haveModel) {
            options.model = argument;
            haveModel = true;
        } else {
            throw UsageError("unexpected argument '" + argument + "' (only one MODEL)");
        }
    }
    if (isMerge) {
        if (options.parts.empty())
            throw UsageError("merge: no PART.h5 given");
        if (!haveOut)
            throw UsageError("merge: --out is missing");
        return options;
    }
    if (options.session) {
        if (haveModel)
            sessionConflicts.insert(sessionConflicts.begin(), "MODEL");
        if (!sessionConflicts.empty())
            throw UsageError("export --session: the session file decides "
                + sessionConflicts.front()
                + "; give only --out, --format, --size, --dpi and --matrix with it");
        if (!haveOut)
            throw UsageError("export: --out is missing");
        return options;
    }
    if (!haveModel)
        throw UsageError(command + ": MODEL is missing");
    if (!isInfo && options.data.empty())
        throw UsageError(command + ": --data FILE is missing");
    if (!isInfo && !haveOut)
        throw UsageError(command + ": --out is missing");
    return options;
}

} // namespace attnlens::cli
