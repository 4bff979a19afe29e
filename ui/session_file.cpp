#include "ui/session_file.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

#include "core/errors.h"
#include "core/io/sha256.h"

namespace attnlens::sessionfile {

namespace {

const QString kFormat = QStringLiteral("attnlens-session");

const std::pair<RangeMode, const char *> kRanges[] = {{RangeMode::PerHead, "head"},
    {RangeMode::SharedHeads, "shared"}, {RangeMode::Fixed01, "fixed"}};
const std::pair<PredictionKind, const char *> kPredictions[]
    = {{PredictionKind::Automatic, "automatic"}, {PredictionKind::Classes, "classes"},
        {PredictionKind::Regression, "regression"}};
const std::pair<Scope, const char *> kScopes[]
    = {{Scope::Sample, "sample"}, {Scope::Group, "group"}};
const std::pair<GroupStatistic, const char *> kStatistics[]
    = {{GroupStatistic::Mean, "mean"}, {GroupStatistic::StandardDeviation, "std"}};

template <typename Enum, std::size_t N>
QString nameOf(const std::pair<Enum, const char *> (&table)[N], Enum value)
{
    for (const auto &[entry, name] : table)
        if (entry == value)
            return QString::fromLatin1(name);
    return QString::fromLatin1(table[0].second);
}

template <typename Enum, std::size_t N>
QStringList namesOf(const std::pair<Enum, const char *> (&table)[N])
{
    QStringList names;
    for (const auto &entry : table)
        names << QStringLiteral("\"%1\"").arg(QString::fromLatin1(entry.second));
    return names;
}

QJsonArray toArray(const std::vector<std::string> &items)
{
    QJsonArray out;
    for (const std::string &item : items)
        out.append(QString::fromStdString(item));
    return out;
}

QJsonObject fileEntry(const QString &path, const QString &sha256, const QDir &folder)
{
    QJsonObject entry {{QStringLiteral("path"), QFileInfo(path).absoluteFilePath()},
        {QStringLiteral("relative"), folder.relativeFilePath(QFileInfo(path).absoluteFilePath())}};
    if (!sha256.isNull())
        entry.insert(QStringLiteral("sha256"), sha256);
    return entry;
}

/// Reads the JSON of one session file, keeping the JSON path of every value so each error says
/// where it is and what it should be.
class SessionReader
{
public:
    explicit SessionReader(QString sessionPath)
        : m_file(std::move(sessionPath))
        , m_folder(QFileInfo(m_file).absoluteDir())
    {
    }

    Session read(const QByteArray &json) const
    {
        QJsonParseError parsed;
        const QJsonDocument document = QJsonDocument::fromJson(json, &parsed);
        if (parsed.error != QJsonParseError::NoError)
            fail(QStringLiteral("$"),
                QStringLiteral("is not valid JSON (%1 at %2)")
                    .arg(parsed.errorString(), lineColumn(json, parsed.offset)),
                QStringLiteral("save the session again from AttnLens (File > Save Session)"));
        if (!document.isObject())
            fail(QStringLiteral("$"), QStringLiteral("is not a JSON object"),
                QStringLiteral("save the session again from AttnLens (File > Save Session)"));
        const QJsonObject root = document.object();
        checkFormat(root);
        Session s;
        const QJsonObject model = object(root, QStringLiteral("model"), QStringLiteral("$"));
        s.modelFile = resolve(model, QStringLiteral("$.model"), tr("model"));
        s.modelSha256 = optionalString(model, QStringLiteral("sha256"), QStringLiteral("$.model"));
        if (root.contains(QStringLiteral("config"))
            && !root.value(QStringLiteral("config")).isNull())
            s.configFile = resolve(object(root, QStringLiteral("config"), QStringLiteral("$")),
                QStringLiteral("$.config"), tr("architecture JSON"));
        forEach(root, QStringLiteral("data"), [&](const QJsonObject &entry, const QString &where) {
            s.dataFiles << resolve(entry, where, tr("data"));
            s.dataSha256 << optionalString(entry, QStringLiteral("sha256"), where);
        });
        forEach(
            root, QStringLiteral("recipes"), [&](const QJsonObject &entry, const QString &where) {
                s.recipeFiles << resolve(entry, where, tr("recipe"));
            });
        readDataOptions(root, s.dataOptions);
        readView(root, s);
        const QJsonObject colours = object(root, QStringLiteral("colours"), QStringLiteral("$"));
        s.colorMap = string(colours, QStringLiteral("map"), QStringLiteral("$.colours"));
        s.range = choice(colours, QStringLiteral("range"), QStringLiteral("$.colours"), kRanges);
        return s;
    }

private:
    static QString tr(const char *text) { return QString::fromUtf8(text); }

    static QString lineColumn(const QByteArray &json, qsizetype offset)
    {
        const QByteArray before = json.left(offset);
        const qsizetype line = before.count('\n') + 1;
        const qsizetype column = offset - (before.lastIndexOf('\n') + 1) + 1;
        return QStringLiteral("line %1, column %2").arg(line).arg(column);
    }

    [[noreturn]] void fail(const QString &where, const QString &what, const QString &next) const
    {
        throw InputFileError(ErrorWhere::ofFile(m_file.toStdString())
            + (": at " + where + ": " + what + "; " + next).toStdString());
    }

    [[noreturn]] void wrongValue(const QString &where, const QString &expected) const
    {
        fail(where, QStringLiteral("expected %1").arg(expected),
            QStringLiteral("fix the value, or save the session again from AttnLens"));
    }

    void checkFormat(const QJsonObject &root) const
    {
        const QString format = root.value(QStringLiteral("format")).toString();
        if (format != kFormat)
            fail(QStringLiteral("$.format"),
                QStringLiteral("this is not an AttnLens session (\"format\" must be \"%1\")")
                    .arg(kFormat),
                QStringLiteral("open a file written by File > Save Session"));
        const QJsonValue version = root.value(QStringLiteral("version"));
        if (!version.isDouble() || version.toDouble() != double(version.toInt())
            || version.toInt() < 1)
            wrongValue(QStringLiteral("$.version"), QStringLiteral("a whole number (1)"));
        if (version.toInt() > kVersion)
            fail(QStringLiteral("$.version"),
                QStringLiteral("the session is version %1, this AttnLens reads version %2")
                    .arg(version.toInt())
                    .arg(kVersion),
                QStringLiteral("open it with a newer AttnLens"));
    }

    QJsonObject object(const QJsonObject &parent, const QString &key, const QString &at) const
    {
        const QJsonValue value = parent.value(key);
        if (!value.isObject())
            wrongValue(at + QLatin1Char('.') + key, QStringLiteral("an object"));
        return value.toObject();
    }

    QString string(const QJsonObject &parent, const QString &key, const QString &at) const
    {
        const QJsonValue value = parent.value(key);
        if (!value.isString())
            wrongValue(at + QLatin1Char('.') + key, QStringLiteral("a string"));
        return value.toString();
    }

    QString optionalString(const QJsonObject &parent, const QString &key, const QString &at) const
    {
        return parent.contains(key) ? string(parent, key, at) : QString();
    }

    std::int64_t integer(
        const QJsonObject &parent, const QString &key, const QString &at, std::int64_t least) const
    {
        const QJsonValue value = parent.value(key);
        const double number = value.toDouble();
        if (!value.isDouble() || number != double(std::int64_t(number)) || number < double(least))
            wrongValue(at + QLatin1Char('.') + key,
                QStringLiteral("a whole number of at least %1").arg(least));
        return std::int64_t(number);
    }

    std::vector<std::string> strings(
        const QJsonObject &parent, const QString &key, const QString &at) const
    {
        const QJsonValue value = parent.value(key);
        if (!value.isArray())
            wrongValue(at + QLatin1Char('.') + key, QStringLiteral("an array of strings"));
        std::vector<std::string> out;
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isString())
                wrongValue(
                    QStringLiteral("%1.%2[%3]").arg(at, key).arg(i), QStringLiteral("a string"));
            out.push_back(array.at(i).toString().toStdString());
        }
        return out;
    }

    template <typename Enum, std::size_t N>
    Enum choice(const QJsonObject &parent, const QString &key, const QString &at,
        const std::pair<Enum, const char *> (&table)[N]) const
    {
        const QString name = string(parent, key, at);
        for (const auto &[entry, text] : table)
            if (name == QLatin1String(text))
                return entry;
        wrongValue(at + QLatin1Char('.') + key,
            QStringLiteral("one of %1, not \"%2\"")
                .arg(namesOf(table).join(QStringLiteral(", ")), name));
    }

    template <typename Each>
    void forEach(const QJsonObject &root, const QString &key, Each each) const
    {
        const QJsonValue value = root.value(key);
        if (!value.isArray())
            wrongValue(QStringLiteral("$.") + key, QStringLiteral("an array of file entries"));
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString where = QStringLiteral("$.%1[%2]").arg(key).arg(i);
            if (!array.at(i).isObject())
                wrongValue(where, QStringLiteral("an object with \"path\" and \"relative\""));
            each(array.at(i).toObject(), where);
        }
    }

    /// The absolute path when it exists, else the relative one from the session's folder.
    QString resolve(const QJsonObject &entry, const QString &where, const QString &what) const
    {
        const QString path = string(entry, QStringLiteral("path"), where);
        const QString relative = optionalString(entry, QStringLiteral("relative"), where);
        if (QFileInfo::exists(path))
            return QFileInfo(path).absoluteFilePath();
        if (!relative.isEmpty() && QFileInfo::exists(m_folder.filePath(relative)))
            return QFileInfo(m_folder.filePath(relative)).absoluteFilePath();
        fail(where,
            QStringLiteral("the %1 file is missing: not at %2%3")
                .arg(what, path,
                    relative.isEmpty() ? QString()
                                       : QStringLiteral(" nor at %1")
                                             .arg(QDir::cleanPath(m_folder.filePath(relative)))),
            QStringLiteral("put the file beside the session under that relative path, or edit "
                           "the path"));
    }

    void readDataOptions(const QJsonObject &root, DatasetOptions &o) const
    {
        const QString at = QStringLiteral("$.data_options");
        const QJsonObject data = object(root, QStringLiteral("data_options"), QStringLiteral("$"));
        o.featureColumns = strings(data, QStringLiteral("features"), at);
        o.idColumn = string(data, QStringLiteral("id_column"), at).toStdString();
        o.targetColumn = string(data, QStringLiteral("target_column"), at).toStdString();
        o.timeColumn = string(data, QStringLiteral("time_column"), at).toStdString();
        o.windowStride = integer(data, QStringLiteral("stride"), at, 1);
        o.predictions = choice(data, QStringLiteral("predictions"), at, kPredictions);
        o.classNames = strings(data, QStringLiteral("classes"), at);
    }

    void readView(const QJsonObject &root, Session &s) const
    {
        const QString at = QStringLiteral("$.view");
        const QJsonObject view = object(root, QStringLiteral("view"), QStringLiteral("$"));
        s.attentionKey = string(view, QStringLiteral("call"), at);
        const QString head = string(view, QStringLiteral("head"), at);
        s.head = HeadChoice::fromKey(head);
        if (s.head.key() != head)
            wrongValue(at + QStringLiteral(".head"),
                QStringLiteral("\"head<N>\" (N from 0), \"mean\" or \"max\", not \"%1\"")
                    .arg(head));
        s.sample
            = int(std::min<std::int64_t>(integer(view, QStringLiteral("sample"), at, 0), INT_MAX));
        s.scope = choice(view, QStringLiteral("scope"), at, kScopes);
        s.group = string(view, QStringLiteral("group"), at).toStdString();
        s.statistic = choice(view, QStringLiteral("statistic"), at, kStatistics);
    }

    QString m_file;
    QDir m_folder;
};

} // namespace

QByteArray toJson(const Session &s, const QString &sessionPath)
{
    const QDir folder = QFileInfo(sessionPath).absoluteDir();
    QJsonArray data;
    for (qsizetype i = 0; i < s.dataFiles.size(); ++i)
        data.append(fileEntry(s.dataFiles[i], s.dataSha256.value(i), folder));
    QJsonArray recipes;
    for (const QString &recipe : s.recipeFiles)
        recipes.append(fileEntry(recipe, QString(), folder));
    const DatasetOptions &o = s.dataOptions;
    const QJsonObject options {{QStringLiteral("features"), toArray(o.featureColumns)},
        {QStringLiteral("id_column"), QString::fromStdString(o.idColumn)},
        {QStringLiteral("target_column"), QString::fromStdString(o.targetColumn)},
        {QStringLiteral("time_column"), QString::fromStdString(o.timeColumn)},
        {QStringLiteral("stride"), qint64(o.windowStride)},
        {QStringLiteral("predictions"), nameOf(kPredictions, o.predictions)},
        {QStringLiteral("classes"), toArray(o.classNames)}};
    const QJsonObject view {{QStringLiteral("call"), s.attentionKey},
        {QStringLiteral("head"), s.head.key()}, {QStringLiteral("sample"), s.sample},
        {QStringLiteral("scope"), nameOf(kScopes, s.scope)},
        {QStringLiteral("group"), QString::fromStdString(s.group)},
        {QStringLiteral("statistic"), nameOf(kStatistics, s.statistic)}};
    const QJsonObject root {{QStringLiteral("format"), kFormat},
        {QStringLiteral("version"), kVersion},
        {QStringLiteral("model"), fileEntry(s.modelFile, s.modelSha256, folder)},
        {QStringLiteral("config"),
            s.configFile.isEmpty() ? QJsonValue()
                                   : QJsonValue(fileEntry(s.configFile, QString(), folder))},
        {QStringLiteral("data"), data}, {QStringLiteral("recipes"), recipes},
        {QStringLiteral("data_options"), options}, {QStringLiteral("view"), view},
        {QStringLiteral("colours"),
            QJsonObject {{QStringLiteral("map"), s.colorMap},
                {QStringLiteral("range"), nameOf(kRanges, s.range)}}}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Session fromJson(const QByteArray &json, const QString &sessionPath)
{
    return SessionReader(sessionPath).read(json);
}

Session read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw InputFileError(ErrorWhere::ofFile(path.toStdString())
            + (": cannot read the session: " + file.errorString()
                + "; check the path (File > Save Session writes sessions)")
                  .toStdString());
    return fromJson(file.readAll(), path);
}

void write(const Session &session, const QString &path)
{
    QSaveFile file(path); // a temporary name beside `path`, renamed on commit()
    const QByteArray json = toJson(session, path);
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit())
        throw OutputError(ErrorWhere::ofFile(path.toStdString())
            + (": cannot write the session: " + file.errorString()
                + " (check free space and permissions)")
                  .toStdString());
}

QStringList verify(const Session &session, const QString &sessionPath)
{
    const QString model = QFileInfo(session.modelFile).fileName();
    if (!session.modelSha256.isEmpty()) {
        const QString now = fileSha256(session.modelFile);
        if (now != session.modelSha256)
            throw InputFileError(ErrorWhere::ofFile(sessionPath.toStdString())
                + QStringLiteral(": the model %1 has changed since the session was saved (its "
                                 "SHA-256 is now %2, the session was saved with %3), so the "
                                 "session's view cannot be shown; open the model itself (File > "
                                 "Open Model) and save a new session")
                      .arg(session.modelFile, now.isEmpty() ? QStringLiteral("unreadable") : now,
                          session.modelSha256)
                      .toStdString());
    }
    QStringList changed;
    for (qsizetype i = 0; i < session.dataFiles.size(); ++i) {
        const QString saved = session.dataSha256.value(i);
        const QString now = saved.isEmpty() ? saved : fileSha256(session.dataFiles[i]);
        if (now != saved)
            changed << QStringLiteral("The data file %1 has changed since the session was saved "
                                      "(SHA-256 now %2, saved %3): the view may differ from the "
                                      "one saved with %4.")
                           .arg(session.dataFiles[i], now, saved, model);
    }
    return changed;
}

QString fileSha256(const QString &file)
{
    struct Stamp
    {
        qint64 size = -1;
        QDateTime modified;
        QString sha256;
    };
    static std::mutex mutex;
    static std::map<QString, Stamp> known;
    const QFileInfo info(file);
    if (!info.isFile())
        return {};
    const std::lock_guard lock(mutex);
    Stamp &stamp = known[info.absoluteFilePath()];
    if (stamp.size != info.size() || stamp.modified != info.lastModified()
        || stamp.sha256.isEmpty()) {
        try {
            stamp.sha256
                = QString::fromStdString(fileSha256Hex(info.absoluteFilePath().toStdString()));
        } catch (const Error &) {
            stamp.sha256.clear();
        }
        stamp.size = info.size();
        stamp.modified = info.lastModified();
    }
    return stamp.sha256;
}

QString autosavePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/session.json");
}

} // namespace attnlens::sessionfile
