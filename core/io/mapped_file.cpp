#include "core/io/mapped_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errors.h"

namespace attnlens {

namespace {

struct FdCloser
{
    int fd;
    ~FdCloser()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

} // namespace

MappedFile::MappedFile(const std::filesystem::path &file)
{
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw InputFileError(file.string() + ": cannot open (" + std::strerror(errno)
            + "); check the path and the permissions");
    FdCloser closer {fd};
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0)
        throw InputFileError(file.string() + ": cannot read (" + std::strerror(errno) + ")");
    if (S_ISDIR(st.st_mode))
        throw InputFileError(file.string() + ": is a folder, not a data file");
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        void *p
            = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            m_data = static_cast<const char *>(p);
            m_size = static_cast<std::size_t>(st.st_size);
            m_mapped = true;
            ::madvise(p, m_size, MADV_SEQUENTIAL);
            return;
        }
    }
    // Not mappable (a pipe, a special file): read it all.
    char chunk[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw InputFileError(file.string() + ": cannot read (" + std::strerror(errno) + ")");
        }
        if (n == 0)
            break;
        m_buffer.append(chunk, static_cast<std::size_t>(n));
    }
    m_data = m_buffer.data();
    m_size = m_buffer.size();
}

MappedFile::~MappedFile()
{
    if (m_mapped)
        ::munmap(const_cast<char *>(m_data), m_size);
}

void MappedFile::release(std::size_t begin, std::size_t end)
{
    if (!m_mapped)
        return;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t first = (begin + page - 1) / page * page;
    const std::size_t last = std::min(end, m_size) / page * page;
    if (last > first)
        ::madvise(const_cast<char *>(m_data) + first, last - first, MADV_DONTNEED);
}

} // namespace attnlens
