#include <iostream>

#include "app/cli/commands.h"
#include "app/cli/result_file.h"
#include "app/cli/session.h"
#include "ui/report_exporter.h"

namespace attnlens::cli {

int runRun(const CliOptions &options)
{
    const Session session = openSession(options);
    Progress progress("run");
    RunOptions runOptions;
    runOptions.progress = [&progress](std::int64_t done, std::int64_t total) {
        progress.update(done, total);
        return !interrupted();
    };
    RunResult result;
    try {
        result = session.model->run(session.inputs, runOptions);
    } catch (const Cancelled &) {
        throw Interrupted {};
    }
    if (interrupted())
        throw Interrupted {};
    ResultFileContents contents;
    contents.modelFile = options.model.filename().string();
    contents.modelSha256
        = fileSha256Hex(QString::fromStdString(options.model.string())).toStdString();
    for (const auto &file : options.data)
        contents.dataFiles += (contents.dataFiles.empty() ? "" : ";") + file.filename().string();
    contents.rows = session.rows;
    contents.result = &result;
    writeResultFile(options.out, contents);
    std::cerr << "wrote " << options.out.string() << ": " << session.rows.size() << " rows, "
              << result.attention.size() << " attention layer(s)\n";
    return 0;
}

} // namespace attnlens::cli
