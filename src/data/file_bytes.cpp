#include "data/file_bytes.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>

#include "core/error.hpp"

namespace qtb {
namespace {

struct GzCloser {
  void operator()(gzFile_s* file) const { gzclose(file); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

GzHandle open(const std::filesystem::path& path) {
  // gzopen succeeds on a directory; reading it would then fail with a less clear message.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError(fmt::format("{}: no such file", path.string()));
  }
  errno = 0;
  GzHandle file(gzopen(path.c_str(), "rb"));
  if (!file) {
    throw InputError(fmt::format("{}: cannot open: {}", path.string(),
                                 errno ? std::strerror(errno) : "out of memory"));
  }
  return file;
}

// zlib reports a stream cut short (Z_BUF_ERROR) or a bad CRC (Z_DATA_ERROR) through gzerror, and
// for truncation gzread still returns the bytes it had: so the state is checked after every read.
void check(gzFile_s* file, const std::filesystem::path& path) {
  int code = Z_OK;
  const char* message = gzerror(file, &code);
  if (code == Z_OK) return;
  if (code == Z_ERRNO) {
    throw InputError(fmt::format("{}: read error: {}", path.string(), std::strerror(errno)));
  }
  throw InputError(fmt::format("{}: corrupt or truncated gzip data ({})", path.string(), message));
}

std::vector<std::uint8_t> read(const std::filesystem::path& path, std::size_t limit) {
  const GzHandle file = open(path);
  std::vector<std::uint8_t> bytes;
  constexpr std::size_t kChunk = 1 << 20;
  while (bytes.size() < limit) {
    const std::size_t want = std::min(kChunk, limit - bytes.size());
    const std::size_t old_size = bytes.size();
    bytes.resize(old_size + want);
    const int got = gzread(file.get(), bytes.data() + old_size, static_cast<unsigned>(want));
    bytes.resize(old_size + static_cast<std::size_t>(std::max(got, 0)));
    check(file.get(), path);
    if (got <= 0) break;
  }
  return bytes;
}

}  // namespace

std::vector<std::uint8_t> read_data_file(const std::filesystem::path& path) {
  return read(path, std::numeric_limits<std::size_t>::max());
}

std::vector<std::uint8_t> read_data_file_prefix(const std::filesystem::path& path,
                                                std::size_t count) {
  return read(path, count);
}

DataFileSize data_file_size(const std::filesystem::path& path) {
  (void)open(path);  // the same errors as reading it: missing, a directory, unreadable
  std::error_code error;
  const std::uint64_t size = std::filesystem::file_size(path, error);
  if (error)
    throw InputError(fmt::format("{}: cannot read its size: {}", path.string(), error.message()));
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[2] = {0, 0};
  in.read(reinterpret_cast<char*>(magic), 2);
  // RFC 1952: magic 1f 8b, and the last four bytes are ISIZE, little-endian.
  constexpr std::uint64_t kGzipMinimum = 18;  // 10-byte header + 8-byte trailer
  if (!in || magic[0] != 0x1f || magic[1] != 0x8b || size < kGzipMinimum) return {size, false};
  unsigned char trailer[4] = {0, 0, 0, 0};
  in.seekg(static_cast<std::streamoff>(size - 4));
  in.read(reinterpret_cast<char*>(trailer), 4);
  if (!in) throw InputError(fmt::format("{}: cannot read its gzip trailer", path.string()));
  const std::uint64_t recorded = std::uint64_t{trailer[0]} | (std::uint64_t{trailer[1]} << 8) |
                                 (std::uint64_t{trailer[2]} << 16) |
                                 (std::uint64_t{trailer[3]} << 24);
  return {recorded, true};
}

}  // namespace qtb
