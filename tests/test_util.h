#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include <QString>
#include <QTemporaryDir>

/// Path of a file under tests/data.
inline std::filesystem::path testData(const std::string &relative)
{
    return std::filesystem::path(ATTNLENS_TEST_DATA) / relative;
}

inline QString testDataQ(const std::string &relative)
{
    return QString::fromStdString(testData(relative).string());
}

/// A temporary folder for the files a test writes, removed with the object.
class ScratchDir
{
public:
    std::filesystem::path path() const { return m_dir.path().toStdString(); }

    /// Writes `content` byte for byte to `name` in the folder and returns its path.
    std::filesystem::path write(const std::string &name, const std::string &content) const
    {
        const std::filesystem::path p = path() / name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }

private:
    QTemporaryDir m_dir;
};
