#pragma once
// What the CLI tests share: running attnlens-cli (ATTNLENS_CLI) and reading what it wrote.
#include <vector>

#include <QFile>
#include <QProcess>
#include <QString>
#include <QTest>
#include <hdf5.h>

namespace {

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline Result runCli(const QStringList &arguments, int timeoutMs = 120000)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert("QT_QPA_PLATFORM", "offscreen");
    process.setProcessEnvironment(environment);
    process.start(ATTNLENS_CLI, arguments);
    process.waitForFinished(timeoutMs);
    Result result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

inline QString demo(const char *name)
{
    return QString(ATTNLENS_TEST_DATA "/../../resources/demo/") + name;
}

inline QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

// A float dataset of an HDF5 file, with its shape; empty when missing.
inline std::vector<float> readFloats(
    const QString &file, const char *path, std::vector<hsize_t> *shape)
{
    std::vector<float> values;
    const hid_t h5 = H5Fopen(file.toUtf8().constData(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (h5 < 0)
        return values;
    const hid_t dataset = H5Dopen2(h5, path, H5P_DEFAULT);
    if (dataset >= 0) {
        const hid_t space = H5Dget_space(dataset);
        shape->assign(std::size_t(H5Sget_simple_extent_ndims(space)), 0);
        H5Sget_simple_extent_dims(space, shape->data(), nullptr);
        values.resize(std::size_t(H5Sget_simple_extent_npoints(space)));
        H5Dread(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
        H5Sclose(space);
        H5Dclose(dataset);
    }
    H5Fclose(h5);
    return values;
}

} // namespace
