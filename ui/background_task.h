#pragma once

#include <exception>
#include <functional>
#include <new>
#include <optional>
#include <utility>

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>

#include "core/runtime/model.h"

namespace attnlens {

/// What a background job hands back to the GUI thread: a value, or why there is none.
template <typename T>
struct TaskResult
{
    std::optional<T> value;
    QString error;          ///< the engine's message when the job threw
    bool cancelled = false; ///< the job was superseded (RunOptions::progress returned false)
};

/// Runs `work` on Qt's thread pool and calls `done` with its TaskResult on `context`'s thread.
/// Exceptions never cross threads: they are caught inside the job and become TaskResult::error
/// (Qt would otherwise wrap them in QUnhandledException). `done` is not called if `context` dies.
template <typename T>
void runInBackground(
    QObject *context, std::function<T()> work, std::function<void(TaskResult<T>)> done)
{
    auto *watcher = new QFutureWatcher<TaskResult<T>>(context); // owned by context
    QObject::connect(
        watcher, &QFutureWatcherBase::finished, context, [watcher, done = std::move(done)] {
            TaskResult<T> result = watcher->result();
            watcher->deleteLater();
            done(std::move(result));
        });
    watcher->setFuture(QtConcurrent::run([work = std::move(work)]() -> TaskResult<T> {
        TaskResult<T> result;
        try {
            result.value = work();
        } catch (const Cancelled &) {
            result.cancelled = true;
        } catch (const std::bad_alloc &) {
            result.error = QStringLiteral(
                "There was not enough memory for this. Close other programs, or open shorter "
                "inputs or fewer rows.");
        } catch (const std::exception &e) {
            result.error = QString::fromUtf8(e.what());
        } catch (...) {
            result.error = QStringLiteral("unexpected error of unknown type");
        }
        return result;
    }));
}

} // namespace attnlens
