#include "ui/window_settings.h"

#include <QSettings>

namespace attnlens {

namespace {

constexpr int kMaxRecent = 8;

} // namespace

WindowSettings WindowSettings::load()
{
    const QSettings settings;
    WindowSettings s;
    s.geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    s.windowState = settings.value(QStringLiteral("window/state")).toByteArray();
    s.recentModels = settings.value(QStringLiteral("recent/models")).toStringList();
    s.recentData = settings.value(QStringLiteral("recent/data")).toStringList();
    return s;
}

void WindowSettings::save() const
{
    QSettings settings; // QSettings writes its file under a temporary name too (QSaveFile)
    settings.setValue(QStringLiteral("window/geometry"), geometry);
    settings.setValue(QStringLiteral("window/state"), windowState);
    settings.setValue(QStringLiteral("recent/models"), recentModels);
    settings.setValue(QStringLiteral("recent/data"), recentData);
}

void WindowSettings::addRecent(QStringList &list, const QString &file)
{
    if (file.isEmpty())
        return;
    list.removeAll(file);
    list.prepend(file);
    while (list.size() > kMaxRecent)
        list.removeLast();
}

} // namespace attnlens
