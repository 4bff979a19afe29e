#pragma once

#include <filesystem>
#include <string>

#include <QString>

/// Path of a file under tests/data.
inline std::filesystem::path testData(const std::string &relative)
{
    return std::filesystem::path(ATTNLENS_TEST_DATA) / relative;
}

inline QString testDataQ(const std::string &relative)
{
    return QString::fromStdString(testData(relative).string());
}
