#include "ui/raster_encoder.h"

#include <QtConcurrent/QtConcurrentRun>

#include "core/errors.h"

namespace attnlens {

namespace {

constexpr int kThreads = 2;
constexpr std::size_t kInFlight = 4;

} // namespace

RasterEncoder::RasterEncoder()
{
    m_pool.setMaxThreadCount(kThreads);
}

RasterEncoder::~RasterEncoder()
{
    drain();
}

void RasterEncoder::push(QImage image, QString path, ImageFormat format, ImageMetadata metadata)
{
    while (m_pending.size() >= kInFlight)
        takeFront();
    m_pending.push_back(QtConcurrent::run(&m_pool,
        [image = std::move(image), path = std::move(path), format,
            metadata = std::move(metadata)]() {
            QString error;
            imageexport::saveRaster(image, path, format, metadata, &error);
            return error;
        }));
}

void RasterEncoder::drain()
{
    while (!m_pending.empty())
        takeFront();
}

void RasterEncoder::finish()
{
    drain();
    if (!m_error.isEmpty())
        throw OutputError(m_error.toStdString());
}

void RasterEncoder::takeFront()
{
    const QString error = m_pending.front().result();
    m_pending.pop_front();
    if (m_error.isEmpty() && !error.isEmpty())
        m_error = error;
}

} // namespace attnlens
