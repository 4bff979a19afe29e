#pragma once

#include <functional>

#include <QObject>
#include <QString>

#include "ui/session.h"

class QTimer;

namespace attnlens {

/// Saves the session a short while after every change (changed()), so a killed app starts
/// again where it was: `current()` is asked for the session when the timer fires, and it is
/// written atomically (sessionfile::write) to `path`. Several changes within the delay give
/// one write; a session equal to the last one written is not written again.
class SessionAutosave : public QObject
{
    Q_OBJECT
public:
    SessionAutosave(QString path, std::function<Session()> current, QObject *parent = nullptr);

    /// The session changed: write it after the delay (restarted by further changes).
    void changed();
    /// Writes now if a change is pending (the window is closing). Errors are returned, not
    /// thrown: empty on success.
    QString flush();
    QString path() const { return m_path; }
    /// The error of the last write, empty when it succeeded.
    QString lastError() const { return m_lastError; }

    static constexpr int kDelayMs = 250;

private:
    void save();

    QString m_path;
    std::function<Session()> m_current;
    QTimer *m_timer = nullptr;
    Session m_written;
    bool m_hasWritten = false;
    QString m_lastError;
};

} // namespace attnlens
