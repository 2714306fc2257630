#include "data/cifar10_reader.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/file_bytes.hpp"

namespace qtb {
namespace {

constexpr int kClasses = 10;

std::int64_t records_in(std::uint64_t bytes, const std::filesystem::path& file) {
  const auto record = static_cast<std::uint64_t>(kCifar10RecordBytes);
  if (bytes == 0 || bytes % record != 0) {
    throw InputError(fmt::format(
        "{}: {} bytes, expected a non-zero multiple of {} (CIFAR-10 records of 1 label byte + "
        "3x32x32 pixel bytes); the file is truncated or not CIFAR-10 binary",
        file.string(), bytes, record));
  }
  return static_cast<std::int64_t>(bytes / record);
}

}  // namespace

std::vector<std::filesystem::path> cifar10_files(const std::filesystem::path& dir, Split split) {
  if (split == Split::test) return {dir / "test_batch.bin"};
  std::vector<std::filesystem::path> files;
  for (int i = 1; i <= 5; ++i) files.push_back(dir / fmt::format("data_batch_{}.bin", i));
  return files;
}

std::int64_t cifar10_record_count(const std::filesystem::path& file) {
  std::error_code ec;
  const std::uintmax_t bytes = std::filesystem::file_size(file, ec);
  if (ec) throw InputError(fmt::format("{}: {}", file.string(), ec.message()));
  return records_in(bytes, file);
}

DataSet read_cifar10(const std::vector<std::filesystem::path>& files, Split split) {
  DataSet data;
  data.name = "cifar10";
  data.split = split;
  data.channels = 3;
  data.height = 32;
  data.width = 32;
  data.classes = kClasses;
  const auto pixels = static_cast<std::size_t>(kCifar10RecordBytes - 1);
  for (const auto& file : files) {
    const std::vector<std::uint8_t> bytes = read_data_file(file);
    const std::int64_t count = records_in(bytes.size(), file);
    data.labels.reserve(data.labels.size() + static_cast<std::size_t>(count));
    data.pixels.reserve(data.pixels.size() + static_cast<std::size_t>(count) * pixels);
    for (std::int64_t i = 0; i < count; ++i) {
      const std::uint8_t* record = bytes.data() + i * kCifar10RecordBytes;
      if (record[0] >= kClasses) {
        throw InputError(fmt::format("{}: label {} in record {} is out of range: expected 0..{}",
                                     file.string(), record[0], i, kClasses - 1));
      }
      data.labels.push_back(record[0]);
      data.pixels.insert(data.pixels.end(), record + 1, record + 1 + pixels);
    }
  }
  return data;
}

}  // namespace qtb
