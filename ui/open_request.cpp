#include "ui/open_request.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/errors.h"

namespace attnlens {

namespace {

std::filesystem::path toPath(const QString &file)
{
    return std::filesystem::path(file.toStdString());
}

QJsonArray toArray(const std::vector<std::string> &items)
{
    QJsonArray array;
    for (const std::string &item : items)
        array.append(QString::fromStdString(item));
    return array;
}

std::vector<std::string> toStrings(const QJsonValue &value)
{
    std::vector<std::string> items;
    for (const QJsonValue &item : value.toArray())
        items.push_back(item.toString().toStdString());
    return items;
}

QJsonObject toObject(const DatasetOptions &o)
{
    QJsonArray positions;
    for (const int position : o.featureColumnPositions)
        positions.append(position);
    return QJsonObject {{QStringLiteral("features"), toArray(o.featureColumns)},
        {QStringLiteral("featurePositions"), positions},
        {QStringLiteral("id"), QString::fromStdString(o.idColumn)},
        {QStringLiteral("target"), QString::fromStdString(o.targetColumn)},
        {QStringLiteral("time"), QString::fromStdString(o.timeColumn)},
        {QStringLiteral("stride"), static_cast<qint64>(o.windowStride)},
        {QStringLiteral("sequenceLength"), static_cast<qint64>(o.sequenceLength)},
        {QStringLiteral("memoryCap"), static_cast<qint64>(o.memoryCapBytes)},
        {QStringLiteral("predictions"), static_cast<int>(o.predictions)},
        {QStringLiteral("classes"), toArray(o.classNames)}};
}

DatasetOptions toOptions(const QJsonObject &object)
{
    DatasetOptions o;
    o.featureColumns = toStrings(object.value(QStringLiteral("features")));
    for (const QJsonValue &position : object.value(QStringLiteral("featurePositions")).toArray())
        o.featureColumnPositions.push_back(position.toInt());
    o.idColumn = object.value(QStringLiteral("id")).toString().toStdString();
    o.targetColumn = object.value(QStringLiteral("target")).toString().toStdString();
    o.timeColumn = object.value(QStringLiteral("time")).toString().toStdString();
    o.windowStride = object.value(QStringLiteral("stride")).toInteger(o.windowStride);
    o.sequenceLength = object.value(QStringLiteral("sequenceLength")).toInteger();
    o.memoryCapBytes = object.value(QStringLiteral("memoryCap")).toInteger(o.memoryCapBytes);
    o.predictions
        = static_cast<PredictionKind>(object.value(QStringLiteral("predictions")).toInt());
    o.classNames = toStrings(object.value(QStringLiteral("classes")));
    return o;
}

} // namespace

std::shared_ptr<const Model> OpenRequest::openModel() const
{
    std::optional<std::filesystem::path> config;
    if (!configFile.isEmpty())
        config = toPath(configFile);
    LoadOptions load;
    for (const QString &file : recipeFiles)
        load.recipeFiles.push_back(toPath(file));
    return Model::open(toPath(modelFile), config, load);
}

Dataset OpenRequest::readData(const Model &model) const
{
    std::vector<std::filesystem::path> paths;
    for (const QString &file : dataFiles)
        paths.push_back(toPath(file));
    return loadDataset(paths, model.inputs(), dataOptions);
}

QByteArray OpenRequest::toJson() const
{
    const QJsonObject object {{QStringLiteral("model"), modelFile},
        {QStringLiteral("config"), configFile},
        {QStringLiteral("data"), QJsonArray::fromStringList(dataFiles)},
        {QStringLiteral("options"), toObject(dataOptions)},
        {QStringLiteral("recipes"), QJsonArray::fromStringList(recipeFiles)}};
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

OpenRequest OpenRequest::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject() || !document.object().value(QStringLiteral("model")).isString())
        throw Error("not an open request: " + parseError.errorString().toStdString());
    const QJsonObject object = document.object();
    OpenRequest request;
    request.modelFile = object.value(QStringLiteral("model")).toString();
    request.configFile = object.value(QStringLiteral("config")).toString();
    for (const QJsonValue &file : object.value(QStringLiteral("data")).toArray())
        request.dataFiles.append(file.toString());
    request.dataOptions = toOptions(object.value(QStringLiteral("options")).toObject());
    for (const QJsonValue &file : object.value(QStringLiteral("recipes")).toArray())
        request.recipeFiles.append(file.toString());
    return request;
}

} // namespace attnlens
