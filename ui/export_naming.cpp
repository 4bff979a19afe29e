#include "ui/export_naming.h"

#include <algorithm>

namespace attnlens::exportnaming {

namespace {

int digits(qint64 value)
{
    int count = 1;
    for (value = std::max<qint64>(value, 0); value >= 10; value /= 10)
        ++count;
    return count;
}

QString padded(qint64 value, qint64 count, int minimumDigits)
{
    const int width = std::max(minimumDigits, digits(count - 1));
    return QStringLiteral("%1").arg(value, width, 10, QLatin1Char('0'));
}

} // namespace

QString sanitize(const QString &name)
{
    QString result;
    result.reserve(name.size());
    for (const QChar c : name) {
        const bool plain = (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_')
            || c == QLatin1Char('-') || c == QLatin1Char('.');
        result += plain ? c : QLatin1Char('_');
    }
    while (result.startsWith(QLatin1Char('.')))
        result.remove(0, 1);
    return result.isEmpty() ? QStringLiteral("layer") : result;
}

QString headTag(const HeadChoice &head, int headCount)
{
    switch (head.kind) {
    case HeadChoice::Kind::MeanOfHeads:
        return QStringLiteral("mean");
    case HeadChoice::Kind::MaxOfHeads:
        return QStringLiteral("max");
    case HeadChoice::Kind::Head:
        break;
    }
    return QLatin1Char('h') + padded(head.head, headCount, 2);
}

QString fileName(const ExportName &name, const QString &extension)
{
    return QLatin1Char('r') + padded(name.row, name.rowCount, 6) + QStringLiteral("_L")
        + padded(name.attention + 1, name.attentionCount + 1, 2) + QLatin1Char('-')
        + sanitize(name.attentionKey) + QLatin1Char('_') + headTag(name.head, name.headCount)
        + QLatin1Char('.') + extension;
}

QString callTag(int call, int calls, const QString &key)
{
    return QStringLiteral("L%1-%2")
        .arg(call + 1, std::max(2, int(QString::number(calls).size())), 10, QLatin1Char('0'))
        .arg(sanitize(key));
}

QString groupFileName(const std::string &group, int call, int calls, const QString &key,
    const HeadChoice &head, int headCount, bool std, const QString &extension)
{
    return sanitize(QString::fromStdString(group)) + QLatin1Char('_') + callTag(call, calls, key)
        + QLatin1Char('_') + headTag(head, headCount) + (std ? QStringLiteral("_std") : QString())
        + QLatin1Char('.') + extension;
}

QString fileName(const WeightsName &name, const QString &extension)
{
    const QString set = QLatin1Char('W') + padded(name.set + 1, name.setCount + 1, 2)
        + QLatin1Char('-') + sanitize(name.key) + QLatin1Char('.') + extension;
    if (name.isStatic)
        return set;
    return QLatin1Char('r') + padded(name.row, name.rowCount, 6) + QLatin1Char('_') + set;
}

} // namespace attnlens::exportnaming
