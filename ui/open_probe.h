#pragma once

#include <functional>

#include <QString>

#include "ui/open_request.h"

namespace attnlens {

/// Opens a model and its data files in a child process before the app opens them itself
/// (issue 15): a crash or a hang inside a reader (HDF5, libzip, or ours) then costs that process,
/// not the window and the work open in it. The child is `program --open-probe REQUEST`
/// (runOpenProbe): the attnlens executable itself; tests run a build of it with a fault hook.
class OpenProbe
{
public:
    static constexpr int kDefaultTimeoutMs = 120000;

    /// No probe: check() returns at once and the readers run in-process only.
    OpenProbe() = default;
    explicit OpenProbe(QString program, int timeoutMs = kDefaultTimeoutMs);

    bool isEnabled() const { return !m_program.isEmpty(); }

    /// Runs the child on `request` and waits for it, polling `stale` meanwhile.
    /// Returns when the child opened every file, refused only the data (the caller's own read
    /// then refuses it the same way, through its data path), or could not be started (a
    /// warning; the caller still reads in-process).
    /// Throws InputFileError with the reader's own message when the child refused the model;
    /// InputFileError "<file> crashed the <kind> reader; it was not opened" when the child died
    /// by a signal; InputFileError "... did not finish ..." when it ran longer than the timeout
    /// (it is killed); Cancelled when `stale()` turns true (it is killed).
    void check(const OpenRequest &request, const std::function<bool()> &stale) const;

private:
    QString m_program;
    int m_timeoutMs = kDefaultTimeoutMs;
};

} // namespace attnlens
