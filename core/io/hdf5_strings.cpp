#include "core/io/hdf5_strings.h"

#include "core/io/hdf5_id.h"

namespace attnlens {

namespace {

std::optional<std::vector<std::string>> readVariable(
    hid_t fileType, std::size_t count, const std::function<herr_t(hid_t, void *)> &read)
{
    Hdf5Id memoryType(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!memoryType.valid() || H5Tset_size(memoryType.get(), H5T_VARIABLE) < 0
        || H5Tset_cset(memoryType.get(), H5Tget_cset(fileType)) < 0)
        return std::nullopt;
    std::vector<char *> pointers(count, nullptr);
    if (read(memoryType.get(), pointers.data()) < 0)
        return std::nullopt;
    std::vector<std::string> out(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (pointers[i] != nullptr) {
            out[i] = pointers[i];
            H5free_memory(pointers[i]);
        }
    }
    return out;
}

std::optional<std::vector<std::string>> readFixed(
    hid_t fileType, std::size_t count, const std::function<herr_t(hid_t, void *)> &read)
{
    const std::size_t size = H5Tget_size(fileType);
    if (size == 0)
        return std::nullopt;
    Hdf5Id memoryType(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!memoryType.valid() || H5Tset_size(memoryType.get(), size) < 0
        || H5Tset_cset(memoryType.get(), H5Tget_cset(fileType)) < 0
        || H5Tset_strpad(memoryType.get(), H5T_STR_NULLPAD) < 0)
        return std::nullopt;
    std::vector<char> buffer(count * size, '\0');
    if (read(memoryType.get(), buffer.data()) < 0)
        return std::nullopt;
    std::vector<std::string> out(count);
    for (std::size_t i = 0; i < count; ++i) {
        const char *s = buffer.data() + i * size;
        std::size_t length = 0;
        while (length < size && s[length] != '\0')
            ++length;
        while (length > 0 && s[length - 1] == ' ')
            --length;
        out[i].assign(s, length);
    }
    return out;
}

} // namespace

std::optional<std::vector<std::string>> readStrings(
    hid_t fileType, std::size_t count, const std::function<herr_t(hid_t, void *)> &read)
{
    if (count == 0)
        return std::vector<std::string>();
    if (H5Tis_variable_str(fileType) > 0)
        return readVariable(fileType, count, read);
    return readFixed(fileType, count, read);
}

} // namespace attnlens
