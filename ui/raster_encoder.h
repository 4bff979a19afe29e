#pragma once

#include <deque>

#include <QFuture>
#include <QImage>
#include <QString>
#include <QThreadPool>

#include "ui/image_export.h"

namespace attnlens {

/// Encodes rendered PNG/JPG images on two worker threads while the caller renders the next one;
/// at most four images are in flight, so memory stays bounded. Not copyable; the destructor
/// waits for every job (their errors are then dropped: call finish() to see them).
class RasterEncoder
{
public:
    RasterEncoder();
    ~RasterEncoder();
    RasterEncoder(const RasterEncoder &) = delete;
    RasterEncoder &operator=(const RasterEncoder &) = delete;

    /// Queues imageexport::saveRaster(image, path, format, metadata); blocks while four jobs
    /// are pending.
    void push(QImage image, QString path, ImageFormat format, ImageMetadata metadata);
    /// Waits for every queued job.
    void drain();
    /// Waits for every queued job, then throws OutputError with the first job's error
    /// (one sentence naming the file), if any.
    void finish();

private:
    void takeFront();

    QThreadPool m_pool;
    std::deque<QFuture<QString>> m_pending;
    QString m_error;
};

} // namespace attnlens
