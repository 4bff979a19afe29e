// The test build of the open probe (`attnlens --open-probe`, ui/open_probe_child.h) with a fault
// hook: ATTNLENS_PROBE_FAULT=<fault>-<stage> makes the child misbehave just before that reader
// runs, <fault> one of crash (SIGSEGV), abort (SIGABRT), hang (sleeps), refuse (an Error), and
// <stage> model or data. Only tests build this executable; the app's probe has no hook.
#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>

#include <QByteArray>
#include <QtGlobal>

#include "core/errors.h"
#include "ui/open_probe_child.h"

namespace {

void faultHook(attnlens::ProbeStage stage)
{
    const QByteArray fault = qgetenv("ATTNLENS_PROBE_FAULT");
    const QByteArray stageName = stage == attnlens::ProbeStage::Model ? "model" : "data";
    if (!fault.endsWith("-" + stageName))
        return;
    if (fault.startsWith("crash-")) {
        // The default action, not a sanitizer's handler (which would exit with a status): the
        // child dies by the signal under the asan preset too.
        std::signal(SIGSEGV, SIG_DFL);
        std::raise(SIGSEGV);
    }
    if (fault.startsWith("abort-"))
        std::abort();
    if (fault.startsWith("hang-"))
        std::this_thread::sleep_for(std::chrono::hours(1));
    if (fault.startsWith("refuse-"))
        throw attnlens::InputFileError("fault hook: refused the " + stageName.toStdString());
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc != 3 || std::strcmp(argv[1], "--open-probe") != 0) {
        std::cerr << "usage: test_open_probe --open-probe REQUEST\n";
        return 1;
    }
    return attnlens::runOpenProbe(QByteArray(argv[2]), std::cout, faultHook);
}
