// Opens a large CSV the way the app does (loadDataset) and reports time and peak memory.
// Usage: bench_csv [rows] [columns] [file]   (default 1000000 30 /tmp/attnlens_bench.csv)
// The file is generated first (not timed) and kept for later runs when it already exists with
// the same size parameters.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <sys/resource.h>

#include "core/data/dataset.h"

namespace {

long peakRssKb()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long currentRssKb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::strtol(line.c_str() + 6, nullptr, 10);
    return 0;
}

void generate(const std::filesystem::path &file, long rows, int columns)
{
    std::ofstream out(file, std::ios::binary);
    std::string line;
    for (int c = 0; c < columns; ++c)
        line += (c ? ",f" : "f") + std::to_string(c);
    out << line << '\n';
    std::mt19937 rng(42);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    char buffer[64];
    for (long r = 0; r < rows; ++r) {
        line.clear();
        for (int c = 0; c < columns; ++c) {
            if (c)
                line.push_back(',');
            const float v = normal(rng) * 100.0f;
            const auto result
                = std::to_chars(buffer, buffer + sizeof(buffer), v, std::chars_format::fixed, 6);
            line.append(buffer, result.ptr);
        }
        line.push_back('\n');
        out << line;
    }
}

} // namespace

int main(int argc, char **argv)
{
    const long rows = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 1000000;
    const int columns = argc > 2 ? std::atoi(argv[2]) : 30;
    const std::filesystem::path file = argc > 3 ? std::filesystem::path(argv[3])
                                                : std::filesystem::temp_directory_path()
            / ("attnlens_bench_" + std::to_string(rows) + "x" + std::to_string(columns) + ".csv");
    if (!std::filesystem::exists(file)) {
        std::printf("generating %s ...\n", file.c_str());
        generate(file, rows, columns);
    }
    const double fileMb = double(std::filesystem::file_size(file)) / 1048576.0;
    const double floatMb = double(rows) * columns * 4 / 1048576.0;
    const long before = currentRssKb();

    const double cpuStart = cpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    const attnlens::Dataset d = attnlens::loadDataset(
        {file}, {attnlens::InputInfo {"features", {-1, columns}, false, {}, {}}});
    const double seconds
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const double peakMb = double(peakRssKb()) / 1024.0;
    std::printf("file %s: %.0f MB, %lld rows x %lld features\n", file.c_str(), fileMb,
        static_cast<long long>(d.inputs[0].dim(0)), static_cast<long long>(d.inputs[0].dim(1)));
    std::printf("load time      %.2f s wall, %.2f s CPU (wall exceeds CPU on a busy machine)\n",
        seconds, cpuSeconds() - cpuStart);
    std::printf("float32 size   %.0f MB\n", floatMb);
    std::printf("peak RSS       %.0f MB (%.0f MB before loading; %.2f x the float32 size)\n",
        peakMb, double(before) / 1024.0, peakMb / floatMb);
    return d.usableSampleCount() == rows ? 0 : 1;
}
