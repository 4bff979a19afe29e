#include "ui/session_settings.h"

#include <QSettings>

namespace attnlens::sessionsettings {

namespace {

constexpr int kMaxRecent = 8;

QString rangeKey(RangeMode mode)
{
    switch (mode) {
    case RangeMode::SharedHeads:
        return QStringLiteral("shared");
    case RangeMode::Fixed01:
        return QStringLiteral("fixed");
    case RangeMode::PerHead:
        break;
    }
    return QStringLiteral("head");
}

RangeMode rangeFromKey(const QString &key)
{
    if (key == QLatin1String("shared"))
        return RangeMode::SharedHeads;
    if (key == QLatin1String("fixed"))
        return RangeMode::Fixed01;
    return RangeMode::PerHead;
}

} // namespace

Session load()
{
    QSettings settings;
    Session s;
    s.geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    s.windowState = settings.value(QStringLiteral("window/state")).toByteArray();
    s.modelFile = settings.value(QStringLiteral("files/model")).toString();
    s.configFile = settings.value(QStringLiteral("files/config")).toString();
    s.dataFiles = settings.value(QStringLiteral("files/data")).toStringList();
    s.attentionKey = settings.value(QStringLiteral("view/layer")).toString();
    s.head = HeadChoice::fromKey(settings.value(QStringLiteral("view/head")).toString());
    s.sample = settings.value(QStringLiteral("view/sample"), 0).toInt();
    s.colorMap
        = settings.value(QStringLiteral("view/colorMap"), QStringLiteral("viridis")).toString();
    s.range = rangeFromKey(settings.value(QStringLiteral("view/range")).toString());
    s.recentModels = settings.value(QStringLiteral("recent/models")).toStringList();
    s.recentData = settings.value(QStringLiteral("recent/data")).toStringList();
    return s;
}

void save(const Session &s)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), s.geometry);
    settings.setValue(QStringLiteral("window/state"), s.windowState);
    settings.setValue(QStringLiteral("files/model"), s.modelFile);
    settings.setValue(QStringLiteral("files/config"), s.configFile);
    settings.setValue(QStringLiteral("files/data"), s.dataFiles);
    settings.setValue(QStringLiteral("view/layer"), s.attentionKey);
    settings.setValue(QStringLiteral("view/head"), s.head.key());
    settings.setValue(QStringLiteral("view/sample"), s.sample);
    settings.setValue(QStringLiteral("view/colorMap"), s.colorMap);
    settings.setValue(QStringLiteral("view/range"), rangeKey(s.range));
    settings.setValue(QStringLiteral("recent/models"), s.recentModels);
    settings.setValue(QStringLiteral("recent/data"), s.recentData);
}

void addRecent(QStringList &list, const QString &file)
{
    if (file.isEmpty())
        return;
    list.removeAll(file);
    list.prepend(file);
    while (list.size() > kMaxRecent)
        list.removeLast();
}

} // namespace attnlens::sessionsettings
