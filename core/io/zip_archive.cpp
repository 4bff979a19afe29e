#include "core/io/zip_archive.h"

#include <memory>

#include <zip.h>

#include "core/errors.h"

namespace attnlens {

namespace {

struct ZipFileCloser
{
    void operator()(zip_file_t *f) const { zip_fclose(f); }
};

} // namespace

ZipArchive::ZipArchive(const std::filesystem::path &file)
    : m_file(file)
{
    int error = 0;
    m_zip = zip_open(file.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (m_zip == nullptr) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, error);
        const std::string why = zip_error_strerror(&ze);
        zip_error_fini(&ze);
        throw InputFileError(file.string() + ": not a readable zip archive (" + why
            + "); the file may be truncated or corrupt: save it again");
    }
}

ZipArchive::~ZipArchive()
{
    if (m_zip != nullptr)
        zip_discard(m_zip);
}

std::vector<std::string> ZipArchive::names() const
{
    std::vector<std::string> out;
    const zip_int64_t n = zip_get_num_entries(m_zip, 0);
    for (zip_int64_t i = 0; i < n; ++i) {
        const char *name = zip_get_name(m_zip, static_cast<zip_uint64_t>(i), 0);
        if (name != nullptr)
            out.emplace_back(name);
    }
    return out;
}

bool ZipArchive::contains(const std::string &name) const
{
    return zip_name_locate(m_zip, name.c_str(), 0) >= 0;
}

std::uint64_t ZipArchive::sizeOf(const std::string &name) const
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(m_zip, name.c_str(), 0, &st) != 0 || (st.valid & ZIP_STAT_SIZE) == 0)
        throw InputFileError(m_file.string() + ": the archive has no member '" + name + "'");
    return st.size;
}

std::string ZipArchive::read(const std::string &name, std::uint64_t maxBytes) const
{
    const std::uint64_t size = sizeOf(name);
    if (size > maxBytes)
        throw InputFileError(m_file.string() + ": member '" + name + "' is " + std::to_string(size)
            + " bytes, more than the limit of " + std::to_string(maxBytes));
    std::unique_ptr<zip_file_t, ZipFileCloser> f(zip_fopen(m_zip, name.c_str(), 0));
    if (!f)
        throw InputFileError(
            m_file.string() + ": cannot open member '" + name + "': " + zip_strerror(m_zip));
    std::string out(size, '\0');
    std::uint64_t done = 0;
    while (done < size) {
        const zip_int64_t got = zip_fread(f.get(), out.data() + done, size - done);
        if (got <= 0)
            throw InputFileError(m_file.string() + ": member '" + name
                + "' is truncated or corrupt (read " + std::to_string(done) + " of "
                + std::to_string(size) + " bytes)");
        done += static_cast<std::uint64_t>(got);
    }
    return out;
}

} // namespace attnlens
