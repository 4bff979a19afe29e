#include "ui/session_autosave.h"

#include <QDir>
#include <QFileInfo>
#include <QTimer>

#include "core/errors.h"
#include "ui/session_file.h"

namespace attnlens {

SessionAutosave::SessionAutosave(QString path, std::function<Session()> current, QObject *parent)
    : QObject(parent)
    , m_path(std::move(path))
    , m_current(std::move(current))
{
    m_timer = new QTimer(this); // owned by this object
    m_timer->setSingleShot(true);
    m_timer->setInterval(kDelayMs);
    connect(m_timer, &QTimer::timeout, this, &SessionAutosave::save);
}

void SessionAutosave::changed()
{
    m_timer->start();
}

QString SessionAutosave::flush()
{
    if (m_timer->isActive()) {
        m_timer->stop();
        save();
    }
    return m_lastError;
}

void SessionAutosave::save()
{
    const Session session = m_current();
    if (session.modelFile.isEmpty() || (m_hasWritten && session == m_written))
        return;
    try {
        QDir().mkpath(QFileInfo(m_path).absolutePath());
        sessionfile::write(session, m_path);
        m_written = session;
        m_hasWritten = true;
        m_lastError.clear();
    } catch (const Error &e) {
        m_lastError = QString::fromUtf8(e.what()); // kept for the status line; retried next time
    }
}

} // namespace attnlens
