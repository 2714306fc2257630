#include "data/npy_array.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <string>

#include "core/error.hpp"
#include "core/file.hpp"
#include "core/limits.hpp"
#include "core/text.hpp"

namespace qtb {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::int64_t kMaxDimension = std::int64_t{1} << 31;

std::string read_whole(const std::filesystem::path& path, const std::string& what) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) throw InputError(what + ": no such file");
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error || size > kMaxReadFileBytes) {
    throw InputError(fmt::format("{}: larger than the {} a .npy read accepts", what,
                                 format_bytes(kMaxReadFileBytes)));
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    throw InputError(what + ": cannot read it");
  }
  return bytes;
}

}  // namespace

NpyArray read_npy(const std::filesystem::path& path) {
  const std::string what = quote_value(path.string(), 80);
  const std::string bytes = read_whole(path, what);
  if (bytes.size() < 10 || bytes.compare(0, kMagic.size(), kMagic) != 0) {
    throw InputError(what + ": not a NumPy .npy file");
  }
  const auto major = static_cast<unsigned char>(bytes[6]);
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  if (major < 1 || major > 3 || bytes.size() < 8 + length_bytes) {
    throw InputError(what + ": unsupported .npy format version");
  }
  std::size_t header_length = 0;
  for (std::size_t i = 0; i < length_bytes; ++i) {
    header_length |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
  }
  const std::size_t data_start = 8 + length_bytes + header_length;
  if (data_start > bytes.size()) throw InputError(what + ": the .npy header is cut short");
  const std::string header = bytes.substr(8 + length_bytes, header_length);
  std::smatch match;
  if (!std::regex_search(header, match, std::regex(R"('descr'\s*:\s*'([^']*)')")) ||
      (match[1] != "<f4" && match[1] != "=f4")) {
    throw InputError(fmt::format("{}: dtype {} is not supported (float32 little-endian, '<f4', is)",
                                 what, match.empty() ? "?" : quote_value(match[1].str(), 20)));
  }
  if (!std::regex_search(header, std::regex(R"('fortran_order'\s*:\s*False)"))) {
    throw InputError(what + ": Fortran order is not supported (save a C-order array)");
  }
  if (!std::regex_search(header, match, std::regex(R"('shape'\s*:\s*\(([^)]*)\))"))) {
    throw InputError(what + ": the .npy header has no shape");
  }
  NpyArray array;
  std::int64_t count = 1;
  for (const std::string& part : split_list(match[1].str(), ',')) {
    const std::string_view text = trim(part);
    if (text.empty()) continue;
    std::int64_t dim = 0;
    for (char c : text) {
      if (c < '0' || c > '9' || dim > kMaxDimension) throw InputError(what + ": malformed shape");
      dim = dim * 10 + (c - '0');
    }
    if (dim <= 0 || dim > kMaxDimension || count > (std::int64_t{1} << 40) / dim) {
      throw InputError(what + ": malformed shape");
    }
    count *= dim;
    array.shape.push_back(dim);
  }
  if (array.shape.size() != 2 && array.shape.size() != 4) {
    throw InputError(
        fmt::format("{}: shape ({}) is not supported (N x C x H x W or N x features "
                    "are)",
                    what, fmt::join(array.shape, ", ")));
  }
  if (bytes.size() - data_start != static_cast<std::size_t>(count) * sizeof(float)) {
    throw InputError(fmt::format("{}: {} data bytes for shape ({})", what,
                                 bytes.size() - data_start, fmt::join(array.shape, ", ")));
  }
  array.values.resize(static_cast<std::size_t>(count));
  std::memcpy(array.values.data(), bytes.data() + data_start, array.values.size() * sizeof(float));
  return array;
}

void write_npy(const std::filesystem::path& path, const NpyArray& array) {
  std::string header =
      fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}{}), }}",
                  fmt::join(array.shape, ", "), array.shape.size() == 1 ? "," : "");
  // Magic, version, length and header end on a multiple of 64 bytes, with a newline.
  const std::size_t unpadded = kMagic.size() + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string bytes(kMagic);
  bytes += '\x01';
  bytes += '\x00';
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>((header.size() >> 8) & 0xff);
  bytes += header;
  bytes.append(reinterpret_cast<const char*>(array.values.data()),
               array.values.size() * sizeof(float));
  write_file_atomically(path, bytes);
}

}  // namespace qtb
