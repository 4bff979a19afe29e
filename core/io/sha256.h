#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace attnlens {

/// SHA-256 (FIPS 180-4), fed in pieces. Used to name the model a result or an image came from
/// (RESULT.h5's model_sha256, the PNG's Model-SHA256 text chunk).
class Sha256
{
public:
    Sha256();
    void add(const void *data, std::size_t size);
    void add(std::string_view text) { add(text.data(), text.size()); }
    /// The digest as 64 lower-case hex digits. Ends the hash: call it once.
    std::string hexDigest();

private:
    void compress(const std::uint8_t *block);

    std::array<std::uint32_t, 8> m_state {};
    std::array<std::uint8_t, 64> m_buffer {};
    std::size_t m_buffered = 0;
    std::uint64_t m_bytes = 0;
};

/// The SHA-256 of a file's bytes as 64 hex digits, read in 1 MiB pieces. Throws InputFileError
/// naming the file when it cannot be read.
std::string fileSha256Hex(const std::filesystem::path &file);

} // namespace attnlens
