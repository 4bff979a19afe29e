#include "ui/open_probe_child.h"

#include <exception>

#include "core/errors.h"
#include "ui/open_request.h"

namespace attnlens {

namespace {

const char *stageName(ProbeStage stage)
{
    return stage == ProbeStage::Model ? "model" : "data";
}

// The line goes out at once: if the reader then crashes, the parent still learns which one.
void announce(ProbeStage stage, std::ostream &out, const std::function<void(ProbeStage)> &hook)
{
    out << "reading " << stageName(stage) << std::endl;
    if (hook)
        hook(stage);
}

} // namespace

int runOpenProbe(const QByteArray &requestJson, std::ostream &out,
    const std::function<void(ProbeStage)> &beforeReading)
{
    ProbeStage stage = ProbeStage::Model;
    try {
        const OpenRequest request = OpenRequest::fromJson(requestJson);
        announce(stage, out, beforeReading);
        const std::shared_ptr<const Model> model = request.openModel();
        if (!request.dataFiles.isEmpty()) {
            stage = ProbeStage::Data;
            announce(stage, out, beforeReading);
            request.readData(*model);
        }
        out << "opened" << std::endl;
        return 0;
    } catch (const Error &e) {
        out << "refused " << stageName(stage) << '\n' << e.what() << std::endl;
        return 2;
    } catch (const std::exception &e) {
        // Out of memory and the like: the app's own read says so in its words.
        out << "failed " << stageName(stage) << '\n' << e.what() << std::endl;
        return 3;
    }
}

} // namespace attnlens
