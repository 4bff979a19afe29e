#pragma once

#include <functional>
#include <ostream>

#include <QByteArray>

namespace attnlens {

/// The readers the probe process runs, in this order.
enum class ProbeStage
{
    Model, ///< Model::open of the request's model file
    Data   ///< loadDataset of its data files
};

/// The probe process's side of OpenProbe (`attnlens --open-probe REQUEST`): opens the request's
/// model and reads its data files with the same code as JobRunner::load (OpenRequest), and tells
/// the parent on `out`, one line each:
///   "reading model" / "reading data" before that reader runs (so a crash names its stage),
///   then "opened", or "refused model" / "refused data" followed by the reader's message.
/// Returns the exit code: 0 opened, 2 refused (an attnlens::Error), 3 any other failure.
/// `beforeReading` runs before each reader: the test build's fault hook; the app passes none, so
/// nothing in a file or the environment can make the app's probe crash on purpose.
int runOpenProbe(const QByteArray &requestJson, std::ostream &out,
    const std::function<void(ProbeStage)> &beforeReading = {});

} // namespace attnlens
