#pragma once
// Reading data-set files whole or in part, gzip-compressed or plain: zlib's gz* functions pass a
// plain file through unchanged, so a reader never has to care which one it was given.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace qtb {

// The whole (decompressed) content. Throws InputError naming the file when it is missing,
// unreadable, or a gzip stream that is corrupt or cut short.
std::vector<std::uint8_t> read_data_file(const std::filesystem::path& path);

// At most `count` leading (decompressed) bytes: enough to read a header without inflating 50 MB.
std::vector<std::uint8_t> read_data_file_prefix(const std::filesystem::path& path,
                                                std::size_t count);

}  // namespace qtb
