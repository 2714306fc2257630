#include "data/idx_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "core/error.hpp"
#include "data/file_bytes.hpp"

namespace qtb {
namespace {

constexpr std::uint32_t kImageMagic = 0x00000803;  // unsigned byte, 3 dimensions
constexpr std::uint32_t kLabelMagic = 0x00000801;  // unsigned byte, 1 dimension

std::uint32_t big_endian(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

std::size_t header_bytes(bool labels) {
  return labels ? 8 : 16;
}

std::string describe(bool labels) {
  return labels ? "an IDX label file (magic 0x00000801)" : "an IDX image file (magic 0x00000803)";
}

IdxHeader parse_header(const std::vector<std::uint8_t>& bytes, const std::filesystem::path& path,
                       bool labels) {
  // The magic is checked as soon as it is there: "wrong kind of file" says more than "too short".
  const std::size_t need = header_bytes(labels);
  const auto too_short = [&] {
    return InputError(fmt::format("{}: truncated: {} bytes, expected {} with a {}-byte header",
                                  path.string(), bytes.size(), describe(labels), need));
  };
  if (bytes.size() < 4) throw too_short();
  const std::uint32_t magic = big_endian(bytes.data());
  if (magic != (labels ? kLabelMagic : kImageMagic)) {
    throw InputError(fmt::format("{}: wrong magic 0x{:08x}, expected {}", path.string(), magic,
                                 describe(labels)));
  }
  if (bytes.size() < need) throw too_short();
  IdxHeader header;
  header.count = big_endian(bytes.data() + 4);
  if (!labels) {
    header.height = big_endian(bytes.data() + 8);
    header.width = big_endian(bytes.data() + 12);
    if (header.height == 0 || header.width == 0) {
      throw InputError(fmt::format("{}: image size {}x{} in the header, expected both > 0",
                                   path.string(), header.height, header.width));
    }
  }
  return header;
}

// The payload must be exactly what the header announces: shorter means a cut-off download,
// longer means the file is not what we think it is. Both are refused rather than guessed at.
// `have`: the bytes after the header.
void check_payload(std::uint64_t have, const std::filesystem::path& path, bool labels,
                   const IdxHeader& header) {
  // Dimensions are 32-bit each, so count x height x width can exceed 64 bits: such a header is
  // reported as announcing more bytes than any file could have.
  std::uint64_t expected = static_cast<std::uint64_t>(header.count);
  bool overflow = false;
  if (!labels) {
    for (const std::int64_t dim : {header.height, header.width}) {
      const auto d = static_cast<std::uint64_t>(dim);
      overflow = overflow || expected > std::numeric_limits<std::uint64_t>::max() / d;
      if (!overflow) expected *= d;
    }
  }
  const std::string what =
      labels ? fmt::format("{} labels", header.count)
             : fmt::format("{} images of {}x{}", header.count, header.height, header.width);
  if (overflow || have < expected) {
    throw InputError(
        fmt::format("{}: truncated: header says {} ({} bytes after the header), "
                    "file has {}",
                    path.string(), what, overflow ? "over 2^64" : std::to_string(expected), have));
  }
  if (have > expected) {
    throw InputError(fmt::format("{}: {} bytes after the header, expected {} for {}", path.string(),
                                 have, expected, what));
  }
}

}  // namespace

IdxHeader read_idx_header(const std::filesystem::path& path, bool labels) {
  return parse_header(read_data_file_prefix(path, header_bytes(labels)), path, labels);
}

IdxHeader check_idx_file(const std::filesystem::path& path, bool labels) {
  const IdxHeader header = read_idx_header(path, labels);
  const DataFileSize size = data_file_size(path);
  if (!size.gzip) {
    check_payload(size.bytes - header_bytes(labels), path, labels, header);
    return header;
  }
  // The trailer holds the size modulo 2^32; when it agrees the stream is taken as whole (the load
  // still checks every byte), otherwise the file is inflated to say exactly what is wrong.
  std::uint64_t expected = header_bytes(labels) + static_cast<std::uint64_t>(header.count);
  if (!labels) {
    expected = header_bytes(labels) + static_cast<std::uint64_t>(header.count) *
                                          static_cast<std::uint64_t>(header.height) *
                                          static_cast<std::uint64_t>(header.width);
  }
  if (size.bytes == (expected & 0xffffffffu)) return header;
  const std::vector<std::uint8_t> bytes = read_data_file(path);
  check_payload(bytes.size() - header_bytes(labels), path, labels,
                parse_header(bytes, path, labels));
  return header;
}

DataSet read_idx(const IdxFiles& files, const std::string& name, Split split, int classes) {
  std::vector<std::uint8_t> images = read_data_file(files.images);
  const IdxHeader image_header = parse_header(images, files.images, false);
  check_payload(images.size() - header_bytes(false), files.images, false, image_header);

  std::vector<std::uint8_t> labels = read_data_file(files.labels);
  const IdxHeader label_header = parse_header(labels, files.labels, true);
  check_payload(labels.size() - header_bytes(true), files.labels, true, label_header);

  if (image_header.count != label_header.count) {
    throw InputError(fmt::format("{} has {} images but {} has {} labels: expected the same count",
                                 files.images.string(), image_header.count, files.labels.string(),
                                 label_header.count));
  }
  labels.erase(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(header_bytes(true)));
  const auto bad = std::find_if(labels.begin(), labels.end(),
                                [classes](std::uint8_t label) { return label >= classes; });
  if (bad != labels.end()) {
    throw InputError(fmt::format("{}: label {} at index {} is out of range: expected 0..{}",
                                 files.labels.string(), *bad, bad - labels.begin(), classes - 1));
  }
  images.erase(images.begin(), images.begin() + static_cast<std::ptrdiff_t>(header_bytes(false)));

  DataSet data;
  data.name = name;
  data.split = split;
  data.channels = 1;
  data.height = image_header.height;
  data.width = image_header.width;
  data.classes = classes;
  data.pixels = std::move(images);
  data.labels.assign(labels.begin(), labels.end());
  return data;
}

}  // namespace qtb
