// HDF5's automatic error printing is off wherever AttnLens calls HDF5, on every thread
// (core/io/hdf5_quiet.h): a thread-safe HDF5 keeps the setting per thread, and the desktop opens
// models on pool threads.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <QtTest>
#include <fcntl.h>
#include <unistd.h>

#include "core/data/h5_data_reader.h"
#include "core/errors.h"
#include "core/io/hdf5_file.h"
#include "core/io/hdf5_quiet.h"
#include "core/runtime/model.h"
#include "tests/test_util.h"

using namespace attnlens;

namespace {

/// Sends file descriptor 2 to a file while it lives; text() stops and returns what was written.
class StderrCapture
{
public:
    explicit StderrCapture(std::filesystem::path file)
        : m_file(std::move(file))
    {
        std::fflush(stderr);
        m_saved = dup(2);
        const int fd = open(m_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 2);
        close(fd);
    }
    ~StderrCapture() { stop(); }
    StderrCapture(const StderrCapture &) = delete;
    StderrCapture &operator=(const StderrCapture &) = delete;

    std::string text()
    {
        stop();
        std::ifstream in(m_file);
        std::stringstream content;
        content << in.rdbuf();
        return content.str();
    }

private:
    void stop()
    {
        if (m_saved < 0)
            return;
        std::fflush(stderr);
        dup2(m_saved, 2);
        close(m_saved);
        m_saved = -1;
    }

    std::filesystem::path m_file;
    int m_saved = -1;
};

/// The message of the InputFileError `open` throws, or "" when it throws none.
template <typename Open>
std::string errorOf(Open open)
{
    try {
        open();
    } catch (const InputFileError &e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestHdf5Quiet : public QObject
{
    Q_OBJECT

    ScratchDir m_scratch;

private slots:
    void corruptFileOnASecondThreadPrintsNothing()
    {
        const std::filesystem::path corrupt = testData("bad/corrupt.h5");
        // The main thread first: a process-wide "silence once" switch would cover only it.
        QVERIFY(!errorOf([&] { Hdf5File file(corrupt); }).empty());
        StderrCapture capture(m_scratch.path() / "stderr.txt");
        std::string hdf5File;
        std::string model;
        std::string dataReader;
        std::thread([&] {
            hdf5File = errorOf([&] { Hdf5File file(corrupt); });
            model = errorOf([&] { const auto opened = Model::open(corrupt); });
            dataReader = errorOf([&] { H5DataReader reader(corrupt); });
        }).join();
        const std::string printed = capture.text();
        QVERIFY2(printed.find("HDF5-DIAG") == std::string::npos, printed.c_str());
        QVERIFY2(hdf5File.find("corrupt.h5") != std::string::npos, hdf5File.c_str());
        QVERIFY2(model.find("corrupt.h5") != std::string::npos, model.c_str());
        QVERIFY2(dataReader.find("corrupt.h5") != std::string::npos, dataReader.c_str());
    }

    void captureSeesHdf5sOwnPrinting()
    {
        // The control for the test above: without a Hdf5Quiet, a fresh thread prints the
        // HDF5-DIAG stack for the same file, and the capture sees it.
        StderrCapture capture(m_scratch.path() / "control.txt");
        std::thread([] {
            const hid_t file
                = H5Fopen(testData("bad/corrupt.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
            if (file >= 0)
                H5Fclose(file);
            // HDF5 keeps the printed stack's strings per thread and does not free them when the
            // thread ends (LeakSanitizer saw 48 in the asan preset); Hdf5Quiet clears them.
            H5Eclear2(H5E_DEFAULT);
        }).join();
        const std::string printed = capture.text();
        QVERIFY2(printed.find("HDF5-DIAG") != std::string::npos, printed.c_str());
    }

    void restoresThePreviousHandler()
    {
        H5E_auto2_t before = nullptr;
        void *beforeData = nullptr;
        H5Eget_auto2(H5E_DEFAULT, &before, &beforeData);
        QVERIFY(before != nullptr); // HDF5's default printer
        {
            const Hdf5Quiet quiet;
            H5E_auto2_t inside = before;
            void *insideData = nullptr;
            H5Eget_auto2(H5E_DEFAULT, &inside, &insideData);
            QVERIFY(inside == nullptr);
        }
        H5E_auto2_t after = nullptr;
        void *afterData = nullptr;
        H5Eget_auto2(H5E_DEFAULT, &after, &afterData);
        QVERIFY(after == before);
        QVERIFY(afterData == beforeData);
    }
};

QTEST_APPLESS_MAIN(TestHdf5Quiet)
#include "tst_hdf5_quiet.moc"
