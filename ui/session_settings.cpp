#include "ui/session_settings.h"

#include <algorithm>

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

QString predictionsKey(PredictionKind kind)
{
    switch (kind) {
    case PredictionKind::Classes:
        return QStringLiteral("classes");
    case PredictionKind::Regression:
        return QStringLiteral("regression");
    case PredictionKind::Automatic:
        break;
    }
    return QStringLiteral("automatic");
}

PredictionKind predictionsFromKey(const QString &key)
{
    if (key == QLatin1String("classes"))
        return PredictionKind::Classes;
    if (key == QLatin1String("regression"))
        return PredictionKind::Regression;
    return PredictionKind::Automatic;
}

QStringList toStringList(const std::vector<std::string> &items)
{
    QStringList out;
    for (const std::string &item : items)
        out << QString::fromStdString(item);
    return out;
}

std::vector<std::string> fromStringList(const QStringList &items)
{
    std::vector<std::string> out;
    for (const QString &item : items)
        out.push_back(item.toStdString());
    return out;
}

// The data options under "data/": the column choices, the stride and how predictions are read.
DatasetOptions loadDataOptions(const QSettings &settings)
{
    DatasetOptions o;
    o.featureColumns
        = fromStringList(settings.value(QStringLiteral("data/features")).toStringList());
    o.idColumn = settings.value(QStringLiteral("data/idColumn")).toString().toStdString();
    o.targetColumn = settings.value(QStringLiteral("data/targetColumn")).toString().toStdString();
    o.timeColumn = settings.value(QStringLiteral("data/timeColumn")).toString().toStdString();
    o.windowStride
        = std::max<qint64>(1, settings.value(QStringLiteral("data/stride"), 1).toLongLong());
    o.predictions
        = predictionsFromKey(settings.value(QStringLiteral("data/predictions")).toString());
    o.classNames = fromStringList(settings.value(QStringLiteral("data/classNames")).toStringList());
    return o;
}

void saveDataOptions(QSettings &settings, const DatasetOptions &o)
{
    settings.setValue(QStringLiteral("data/features"), toStringList(o.featureColumns));
    settings.setValue(QStringLiteral("data/idColumn"), QString::fromStdString(o.idColumn));
    settings.setValue(QStringLiteral("data/targetColumn"), QString::fromStdString(o.targetColumn));
    settings.setValue(QStringLiteral("data/timeColumn"), QString::fromStdString(o.timeColumn));
    settings.setValue(QStringLiteral("data/stride"), static_cast<qint64>(o.windowStride));
    settings.setValue(QStringLiteral("data/predictions"), predictionsKey(o.predictions));
    settings.setValue(QStringLiteral("data/classNames"), toStringList(o.classNames));
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
    s.dataOptions = loadDataOptions(settings);
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
    saveDataOptions(settings, s.dataOptions);
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
