#include "resources/demo_files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace attnlens {

namespace {

// Copies a resource to `target` unless an identical-size copy is already there.
bool extractOne(const QString &resource, const QString &target)
{
    QFile source(resource);
    if (QFileInfo(target).size() == source.size())
        return true;
    if (!source.open(QIODevice::ReadOnly))
        return false;
    QFile out(target + QStringLiteral(".part"));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    out.write(source.readAll());
    out.close();
    QFile::remove(target);
    return out.rename(target);
}

} // namespace

DemoFiles extractDemoFiles()
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    if (base.isEmpty())
        base = QDir::tempPath() + QStringLiteral("/attnlens");
    const QString dir = base + QStringLiteral("/demo");
    if (!QDir().mkpath(dir))
        return {};
    DemoFiles files {dir + QStringLiteral("/breast_cancer_attention.keras"),
        dir + QStringLiteral("/breast_cancer.csv")};
    if (!extractOne(QStringLiteral(":/demo/breast_cancer_attention.keras"), files.model)
        || !extractOne(QStringLiteral(":/demo/breast_cancer.csv"), files.data))
        return {};
    return files;
}

} // namespace attnlens
