#include "graph/safetensors.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "graph/strict_json.hpp"

namespace qtb {

// Tensor bytes are copied to and from floats with memcpy, which is the format's little-endian
// layout only on a little-endian machine (every platform this tool builds for).
static_assert(std::endian::native == std::endian::little,
              "safetensors stores little-endian data; add byte swapping for big-endian hosts");
static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559);

namespace {

constexpr std::string_view kMetadataKey = "__metadata__";

struct DtypeInfo {
  TensorDtype dtype;
  std::string_view name;
  std::size_t size;
};

constexpr DtypeInfo kDtypes[] = {{TensorDtype::F32, "F32", 4},
                                 {TensorDtype::F16, "F16", 2},
                                 {TensorDtype::BF16, "BF16", 2},
                                 {TensorDtype::I8, "I8", 1},
                                 {TensorDtype::I32, "I32", 4}};

const DtypeInfo& info(TensorDtype dtype) {
  for (const auto& entry : kDtypes) {
    if (entry.dtype == dtype) return entry;
  }
  throw std::logic_error("unknown TensorDtype");
}

// Bytes a tensor of this shape and dtype takes, or nullopt when a dimension is negative or the
// product overflows (a corrupt header must not wrap around to a plausible size).
std::optional<std::uint64_t> byte_size(std::span<const std::int64_t> shape, TensorDtype dtype) {
  std::uint64_t bytes = dtype_size(dtype);
  for (std::int64_t dim : shape) {
    if (dim < 0) return std::nullopt;
    const auto d = static_cast<std::uint64_t>(dim);
    if (d != 0 && bytes > std::numeric_limits<std::uint64_t>::max() / d) return std::nullopt;
    bytes *= d;
  }
  return bytes;
}

std::uint64_t read_le64(std::string_view bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  }
  return value;
}

void append_le64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// One tensor entry of the header; `where` is its range in the buffer.
struct HeaderEntry {
  SafeTensor tensor;
  std::uint64_t begin = 0, end = 0;
};

HeaderEntry parse_entry(const std::string& name, const nlohmann::json& json,
                        std::uint64_t buffer_size, const std::string& source) {
  const std::string context = fmt::format("{}: tensor {}", source, name);
  StrictJsonObject entry(json, context);
  HeaderEntry out;
  out.tensor.name = name;
  const std::string dtype_text = entry.string("dtype");
  const auto dtype = parse_tensor_dtype(dtype_text);
  if (!dtype) {
    throw InputError(fmt::format("{}: dtype {} is not supported (F32, F16, BF16, I8, I32)", context,
                                 dtype_text));
  }
  out.tensor.dtype = *dtype;
  const auto max = std::numeric_limits<std::int64_t>::max();
  for (const auto& dim : entry.array("shape")) {
    out.tensor.shape.push_back(json_array_integer(dim, 0, max, context + ": shape"));
  }
  const nlohmann::json& offsets = entry.array("data_offsets");
  if (offsets.size() != 2) {
    throw InputError(fmt::format("{}: data_offsets must be [begin, end]", context));
  }
  out.begin = static_cast<std::uint64_t>(
      json_array_integer(offsets[0], 0, max, context + ": data_offsets"));
  out.end = static_cast<std::uint64_t>(
      json_array_integer(offsets[1], 0, max, context + ": data_offsets"));
  entry.finish();
  if (out.begin > out.end) {
    throw InputError(fmt::format("{}: data_offsets [{}, {}] end before they begin", context,
                                 out.begin, out.end));
  }
  if (out.end > buffer_size) {
    throw InputError(fmt::format("{}: data_offsets [{}, {}] are outside the {}-byte buffer",
                                 context, out.begin, out.end, buffer_size));
  }
  const auto expected = byte_size(out.tensor.shape, out.tensor.dtype);
  if (!expected || *expected != out.end - out.begin) {
    throw InputError(fmt::format("{}: shape {} of {} needs {} bytes, data_offsets [{}, {}] span {}",
                                 context, shape_string(out.tensor.shape), dtype_text,
                                 expected ? std::to_string(*expected) : std::string("too many"),
                                 out.begin, out.end, out.end - out.begin));
  }
  return out;
}

std::map<std::string, std::string> parse_metadata(const nlohmann::json& json,
                                                  const std::string& source) {
  if (!json.is_object()) {
    throw InputError(fmt::format("{}: __metadata__ must be an object of strings", source));
  }
  std::map<std::string, std::string> metadata;
  for (const auto& [key, value] : json.items()) {
    if (!value.is_string()) {
      throw InputError(fmt::format("{}: __metadata__ value of {} is not a string: {}", source,
                                   quote_value(key), quote_value(value.dump())));
    }
    metadata.emplace(key, value.get<std::string>());
  }
  return metadata;
}

// Tensors must tile the buffer exactly: sorted by offset, each starts where the previous ended,
// and the last ends at the buffer's end (no holes a reader could hide data in, no overlap).
void check_tiling(std::vector<HeaderEntry>& entries, std::uint64_t buffer_size,
                  const std::string& source) {
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::uint64_t position = 0;
  std::string previous = "the buffer start";
  for (const auto& entry : entries) {
    if (entry.begin < position) {
      throw InputError(fmt::format("{}: tensor {} at [{}, {}] overlaps {}", source,
                                   entry.tensor.name, entry.begin, entry.end, previous));
    }
    if (entry.begin > position) {
      throw InputError(
          fmt::format("{}: bytes [{}, {}] between {} and tensor {} belong to no tensor", source,
                      position, entry.begin, previous, entry.tensor.name));
    }
    position = entry.end;
    previous = "tensor " + entry.tensor.name;
  }
  if (position != buffer_size) {
    throw InputError(fmt::format("{}: the buffer has {} bytes but its tensors cover {}", source,
                                 buffer_size, position));
  }
}

[[noreturn]] void write_failed(const std::filesystem::path& path, const std::string& what,
                               int error) {
  throw InputError(fmt::format("cannot write {}: {}: {}", path.string(), what,
                               std::error_code(error, std::generic_category()).message()));
}

// A name beside `path` that no other writer (thread or process) picks at the same moment.
std::filesystem::path temporary_beside(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  return path.parent_path() / fmt::format(".{}.tmp-{}-{}", path.filename().string(),
                                          static_cast<long>(::getpid()), counter++);
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      write_failed(path, "write", errno);
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

// Temporary file, fsync, rename, fsync of the directory: after this returns the new content is
// on disk under `path`; if it throws, `path` still holds whatever it held before.
void write_durably(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path directory =
      path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) {
    throw InputError(fmt::format("cannot write {}: directory {} does not exist", path.string(),
                                 directory.string()));
  }
  const std::filesystem::path temporary = temporary_beside(path);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) write_failed(path, "create " + temporary.string(), errno);
  try {
    write_all(fd, bytes, path);
    if (::fsync(fd) != 0) write_failed(path, "fsync", errno);
    if (::close(fd) != 0) write_failed(path, "close", errno);
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int rename_error = errno;
    ::unlink(temporary.c_str());
    write_failed(path, "rename", rename_error);
  }
  // The rename itself is durable only once the directory entry is synced; a failure here leaves
  // a complete file in place, so it is not reported.
  const int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd >= 0) {
    ::fsync(directory_fd);
    ::close(directory_fd);
  }
}

}  // namespace

std::string_view to_string(TensorDtype dtype) {
  return info(dtype).name;
}
std::size_t dtype_size(TensorDtype dtype) {
  return info(dtype).size;
}

std::optional<TensorDtype> parse_tensor_dtype(std::string_view text) {
  for (const auto& entry : kDtypes) {
    if (entry.name == text) return entry.dtype;
  }
  return std::nullopt;
}

const SafeTensor* SafetensorsFile::find(std::string_view name) const {
  for (const auto& tensor : tensors) {
    if (tensor.name == name) return &tensor;
  }
  return nullptr;
}

SafeTensor float_tensor(std::string name, std::vector<std::int64_t> shape,
                        std::span<const float> values) {
  SafeTensor tensor{std::move(name), TensorDtype::F32, std::move(shape), {}};
  tensor.data.resize(values.size_bytes());
  if (!values.empty()) std::memcpy(tensor.data.data(), values.data(), values.size_bytes());
  return tensor;
}

std::vector<float> tensor_floats(const SafeTensor& tensor) {
  if (tensor.dtype != TensorDtype::F32) {
    throw InputError(
        fmt::format("tensor {} has dtype {}, expected F32", tensor.name, to_string(tensor.dtype)));
  }
  std::vector<float> values(tensor.data.size() / sizeof(float));
  if (!values.empty()) std::memcpy(values.data(), tensor.data.data(), values.size() * 4);
  return values;
}

std::string shape_string(std::span<const std::int64_t> shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

std::string encode_safetensors(const SafetensorsFile& file) {
  // ordered_json keeps the tensors in buffer order, which is easier to read in a hex dump.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  std::set<std::string_view> names;
  std::uint64_t offset = 0;
  for (const auto& tensor : file.tensors) {
    if (tensor.name == kMetadataKey || !names.insert(tensor.name).second) {
      throw InputError(
          fmt::format("safetensors: tensor name '{}' is reserved or used twice", tensor.name));
    }
    const auto bytes = byte_size(tensor.shape, tensor.dtype);
    if (!bytes || *bytes != tensor.data.size()) {
      throw InputError(fmt::format("safetensors: tensor {} of shape {} has {} bytes of data",
                                   tensor.name, shape_string(tensor.shape), tensor.data.size()));
    }
    header[tensor.name] = {{"dtype", std::string(to_string(tensor.dtype))},
                           {"shape", tensor.shape},
                           {"data_offsets", {offset, offset + *bytes}}};
    offset += *bytes;
  }
  if (!file.metadata.empty()) header[std::string(kMetadataKey)] = file.metadata;
  std::string header_text = header.dump();
  // Padding to a multiple of 8 aligns the buffer for readers that map the file and cast.
  header_text.append((8 - header_text.size() % 8) % 8, ' ');

  std::string out;
  out.reserve(8 + header_text.size() + offset);
  append_le64(out, header_text.size());
  out += header_text;
  for (const auto& tensor : file.tensors) {
    out.append(reinterpret_cast<const char*>(tensor.data.data()), tensor.data.size());
  }
  return out;
}

SafetensorsFile decode_safetensors(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 8) {
    throw InputError(fmt::format(
        "{}: file has {} bytes, too short for the 8-byte header length of a safetensors file",
        source, bytes.size()));
  }
  const std::uint64_t header_size = read_le64(bytes);
  if (header_size > kMaxSafetensorsHeader || header_size > bytes.size() - 8) {
    throw InputError(fmt::format(
        "{}: header length {} is larger than the file ({} bytes) or the {}-byte limit; not a "
        "safetensors file or truncated",
        source, header_size, bytes.size(), kMaxSafetensorsHeader));
  }
  const std::string_view header_text = bytes.substr(8, header_size);
  if (header_text.empty() || header_text.front() != '{') {
    throw InputError(fmt::format("{}: header does not start with '{{'", source));
  }
  // nlohmann's parser also rejects invalid UTF-8 in strings; parse_json caps the nesting depth.
  const nlohmann::json header = parse_json(header_text, fmt::format("{}: header", source));
  if (!header.is_object()) throw InputError(fmt::format("{}: header is not a JSON object", source));

  const std::string_view buffer = bytes.substr(8 + header_size);
  SafetensorsFile file;
  std::vector<HeaderEntry> entries;
  for (const auto& [key, value] : header.items()) {
    if (key == kMetadataKey) {
      file.metadata = parse_metadata(value, source);
    } else {
      entries.push_back(parse_entry(key, value, buffer.size(), source));
    }
  }
  check_tiling(entries, buffer.size(), source);
  for (auto& entry : entries) {
    const auto* begin = reinterpret_cast<const std::byte*>(buffer.data() + entry.begin);
    entry.tensor.data.assign(begin, begin + (entry.end - entry.begin));
    file.tensors.push_back(std::move(entry.tensor));
  }
  return file;
}

SafetensorsFile read_safetensors(const std::filesystem::path& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  std::ifstream in(path, std::ios::binary);
  if (error || !in) throw InputError(fmt::format("cannot read {}", path.string()));
  // One read of the known size: model files reach hundreds of MB.
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    throw InputError(fmt::format("cannot read {}", path.string()));
  }
  return decode_safetensors(bytes, path.string());
}

void write_safetensors(const std::filesystem::path& path, const SafetensorsFile& file) {
  write_durably(path, encode_safetensors(file));
}

}  // namespace qtb
