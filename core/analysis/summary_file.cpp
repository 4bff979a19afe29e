#include "core/analysis/summary_file.h"

#include <algorithm>

#include "core/errors.h"
#include "core/io/hdf5_file.h"
#include "core/io/hdf5_writer.h"

namespace attnlens {

namespace {

std::string pathName(std::string group)
{
    std::replace(group.begin(), group.end(), '/', '_');
    return group;
}

void writeMoments(Hdf5Writer &out, const std::string &base, const Shape &shape,
    const std::vector<float> &mean, const std::vector<float> &std, const std::vector<double> &sum,
    const std::vector<double> &sumsq)
{
    out.writeFloats(base + "/mean", shape, mean.data());
    out.writeFloats(base + "/std", shape, std.data());
    out.writeDoubles(base + "/sum", shape, sum.data());
    out.writeDoubles(base + "/sumsq", shape, sumsq.data());
}

void writeCall(Hdf5Writer &out, const std::string &group, const CallAccumulator &call)
{
    const std::int64_t h = call.heads();
    const std::int64_t tq = call.queryLength();
    const std::int64_t tk = call.keyLength();
    const std::string attention = group + "/attention/" + call.key();
    writeMoments(out, attention, {h, tq, tk}, call.mean(), call.standardDeviation(), call.sum(),
        call.sumOfSquares());
    writeMoments(out, attention + "/head_mean", {tq, tk}, call.headMeanMean(),
        call.headMeanStandardDeviation(), call.headMeanSum(), call.headMeanSumOfSquares());
    writeMoments(out, attention + "/head_max", {tq, tk}, call.headMaxMean(),
        call.headMaxStandardDeviation(), call.headMaxSum(), call.headMaxSumOfSquares());
    const std::string heads = group + "/heads/" + call.key();
    const char *names[] = {"entropy", "max_weight", "first_weight", "last_weight"};
    for (int which = 0; which < 4; ++which)
        out.writeFloats(heads + "/" + names[which], {h}, call.headStatistic(which).data());
    out.writeDoubles(heads + "/statistic_sums", {4, h}, call.headStatisticSums().data());
    out.writeFloats(group + "/received/" + call.key(), {h, tk}, call.received().data());
    out.writeFloats(
        group + "/received_over_heads/" + call.key(), {tk}, call.receivedOverHeads().data());
}

[[noreturn]] void notASummary(const std::filesystem::path &file, const std::string &what)
{
    throw InputFileError(ErrorWhere::ofFile(file.string()) + ": " + what
        + "; is it a SUMMARY.h5 written by attnlens-cli summarize?");
}

std::vector<std::string> listAttribute(
    const Hdf5File &in, const std::filesystem::path &file, const std::string &name)
{
    const auto values = in.stringList("/", name);
    if (!values)
        notASummary(file, "the attribute '" + name + "' is missing");
    return *values;
}

std::vector<double> readExactly(const Hdf5File &in, const std::string &path, const Shape &shape)
{
    Shape actual;
    std::vector<double> values = in.readDoubles(path, &actual);
    if (actual != shape)
        throw InputFileError(ErrorWhere::ofFile(in.displayName()) + ": " + path + " has shape "
            + shapeToString(actual) + "; the summary's calls need " + shapeToString(shape) + ".");
    return values;
}

void readCall(const Hdf5File &in, const std::string &group, CallAccumulator &call)
{
    const std::int64_t h = call.heads();
    const Shape maps {h, call.queryLength(), call.keyLength()};
    const Shape map {call.queryLength(), call.keyLength()};
    const std::string a = group + "/attention/" + call.key();
    const auto count = static_cast<std::int64_t>(readExactly(in, group + "/count", {})[0]);
    call.restore(count, readExactly(in, a + "/sum", maps), readExactly(in, a + "/sumsq", maps),
        readExactly(in, a + "/head_mean/sum", map), readExactly(in, a + "/head_mean/sumsq", map),
        readExactly(in, a + "/head_max/sum", map), readExactly(in, a + "/head_max/sumsq", map),
        readExactly(in, group + "/heads/" + call.key() + "/statistic_sums", {4, h}));
}

/// The attention calls as the file describes them (key, heads and lengths from the shapes).
std::vector<AttentionLayerInfo> callsOf(const Hdf5File &in, const std::filesystem::path &file)
{
    const std::vector<std::string> keys = listAttribute(in, file, "calls");
    const std::vector<std::string> kinds = listAttribute(in, file, "call_kind");
    if (kinds.size() != keys.size())
        notASummary(file, "'calls' and 'call_kind' differ in length");
    std::vector<AttentionLayerInfo> calls;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        Shape shape;
        in.readDoubles("all/attention/" + keys[i] + "/sum", &shape);
        if (shape.size() != 3 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1)
            notASummary(file, "all/attention/" + keys[i] + "/sum is not (heads, T_query, T_key)");
        AttentionLayerInfo call;
        call.key = keys[i];
        call.layerName = keys[i];
        call.heads = static_cast<int>(shape[0]);
        call.queryLength = shape[1];
        call.keyLength = shape[2];
        call.selfAttention = kinds[i] == "self";
        calls.push_back(call);
    }
    return calls;
}

} // namespace

void writeSummary(const std::filesystem::path &file, const DatasetSummary &summary,
    const SummaryProvenance &provenance)
{
    Hdf5Writer out(file);
    out.writeString("/", "model_file", provenance.modelFile);
    out.writeString("/", "model_sha256", provenance.modelSha256);
    out.writeStrings("/", "data_files", provenance.dataFiles);
    out.writeString("/", "by", provenance.by);
    out.writeString("/", "attnlens_version", ATTNLENS_VERSION);
    std::vector<std::string> keys, kinds, groups;
    for (const AttentionLayerInfo &call : summary.calls()) {
        keys.push_back(call.key);
        kinds.push_back(call.selfAttention ? "self" : "cross");
    }
    for (const GroupSummary *g : summary.groups())
        groups.push_back(g->name());
    out.writeStrings("/", "calls", keys);
    out.writeStrings("/", "call_kind", kinds);
    out.writeStrings("/", "groups", groups);
    out.writeString("/", "rollout", summary.rolloutRefusal());
    out.writeInt64Attribute("/", "rows", summary.groups().front()->count());
    for (const GroupSummary *g : summary.groups()) {
        const std::string path = pathName(g->name());
        out.writeInt64(path + "/count", g->count());
        for (const CallAccumulator &call : g->calls())
            writeCall(out, path, call);
        if (g->rolloutLength() > 0) {
            const Shape shape {g->rolloutLength(), g->rolloutLength()};
            out.writeFloats(path + "/rollout", shape, g->rolloutMean().data());
            out.writeDoubles(path + "/rollout_sum", shape, g->rolloutSum().data());
        }
    }
    out.commit();
}

SummaryFile readSummary(const std::filesystem::path &file)
{
    const Hdf5File in(file);
    SummaryProvenance provenance;
    auto text = [&](const char *name) {
        const auto value = in.string("/", name);
        if (!value)
            notASummary(file, std::string("the attribute '") + name + "' is missing");
        return *value;
    };
    provenance.modelFile = text("model_file");
    provenance.modelSha256 = text("model_sha256");
    provenance.by = text("by");
    provenance.dataFiles = listAttribute(in, file, "data_files");
    if (!in.isGroup("all"))
        notASummary(file, "there is no group /all");
    DatasetSummary summary(callsOf(in, file));
    for (const std::string &name : listAttribute(in, file, "groups")) {
        const std::string path = pathName(name);
        if (!in.isGroup(path))
            notASummary(file, "the group '" + name + "' is listed but missing");
        GroupSummary &g = summary.group(name);
        for (CallAccumulator &call : g.calls())
            readCall(in, path, call);
        const auto count = static_cast<std::int64_t>(readExactly(in, path + "/count", {})[0]);
        std::vector<double> rollout;
        if (g.rolloutLength() > 0)
            rollout
                = readExactly(in, path + "/rollout_sum", {g.rolloutLength(), g.rolloutLength()});
        g.restore(count, std::move(rollout));
    }
    return {std::move(summary), std::move(provenance)};
}

SummaryFile mergeSummaries(const std::vector<std::filesystem::path> &parts)
{
    if (parts.empty())
        throw InputFileError("merge: no summary files given.");
    SummaryFile merged = readSummary(parts.front());
    for (std::size_t i = 1; i < parts.size(); ++i) {
        SummaryFile part = readSummary(parts[i]);
        const ErrorWhere where = ErrorWhere::ofFile(parts[i].string());
        if (part.provenance.modelSha256 != merged.provenance.modelSha256)
            throw InputFileError(where + ": made by another model (sha256 "
                + part.provenance.modelSha256.substr(0, 12) + "..., not "
                + merged.provenance.modelSha256.substr(0, 12)
                + "...); merge only parts of one model.");
        if (part.provenance.by != merged.provenance.by)
            throw InputFileError(where + ": grouped by '" + part.provenance.by + "', the first "
                + "part by '" + merged.provenance.by
                + "'; summarize every part with the same --by.");
        try {
            merged.summary.merge(part.summary);
        } catch (const ShapeError &e) {
            throw InputFileError(where + ": " + e.what());
        }
        for (const std::string &f : part.provenance.dataFiles)
            if (std::find(merged.provenance.dataFiles.begin(), merged.provenance.dataFiles.end(), f)
                == merged.provenance.dataFiles.end())
                merged.provenance.dataFiles.push_back(f);
    }
    return merged;
}

} // namespace attnlens
