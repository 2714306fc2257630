#pragma once
// Reading data-set files whole or in part, gzip-compressed or plain: zlib's gz* functions pass a
// plain file through unchanged, so a reader never has to care which one it was given.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

namespace qtb {

// The whole (decompressed) content. Throws InputError naming the file when it is missing,
// unreadable, or a gzip stream that is corrupt or cut short.
std::vector<std::uint8_t> read_data_file(const std::filesystem::path& path);

// At most `count` leading (decompressed) bytes: enough to read a header without inflating 50 MB.
std::vector<std::uint8_t> read_data_file_prefix(const std::filesystem::path& path,
                                                std::size_t count);

// The (decompressed) size without reading the content: a plain file's size; for a gzip file the
// size its trailer records, which is the true size modulo 2^32 when the stream is whole (one
// member) and garbage when it was cut short, so a caller compares and falls back to
// read_data_file when it disagrees. `gzip` says which one it is.
struct DataFileSize {
  std::uint64_t bytes = 0;
  bool gzip = false;
};
DataFileSize data_file_size(const std::filesystem::path& path);

}  // namespace qtb
