// The IDX reader on small files written here, plain and gzip: the happy path and every way a file
// can be wrong, each of which must be an InputError naming the file and what was expected.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app_process.hpp"
#include "core/error.hpp"
#include "data/idx_reader.hpp"
#include "data_test_files.hpp"

namespace {

namespace fs = std::filesystem;
using qtb::test::Bytes;

fs::path scratch() {
  return qtb::test::fresh_dir("qtb_data_idx");
}

void put_u32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// Three 2x3 images whose pixel i of image n is 10n + i, and labels 1, 0, 9.
Bytes images_file(std::uint32_t magic = 0x803, std::uint32_t count = 3) {
  Bytes out;
  put_u32(out, magic);
  put_u32(out, count);
  put_u32(out, 2);
  put_u32(out, 3);
  for (std::uint8_t n = 0; n < 3; ++n) {
    for (std::uint8_t i = 0; i < 6; ++i) out.push_back(static_cast<std::uint8_t>(10 * n + i));
  }
  return out;
}

Bytes labels_file(Bytes labels = {1, 0, 9}, std::uint32_t magic = 0x801) {
  Bytes out;
  put_u32(out, magic);
  put_u32(out, static_cast<std::uint32_t>(labels.size()));
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

fs::path write(const fs::path& path, const Bytes& bytes) {
  return qtb::test::write_bytes(path, bytes);
}

fs::path write_gz(const fs::path& path, const Bytes& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
  return path;
}

Bytes read_raw(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// Runs the reader and returns its InputError message ("" when it did not throw).
std::string error_of(const fs::path& images, const fs::path& labels) {
  try {
    qtb::read_idx({images, labels}, "test", qtb::Split::train, 10);
  } catch (const qtb::InputError& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

TEST(DataIdx, ReadsPlainFiles) {
  const fs::path dir = scratch();
  const auto data =
      qtb::read_idx({write(dir / "i", images_file()), write(dir / "l", labels_file())}, "tiny",
                    qtb::Split::test, 10);
  EXPECT_EQ(data.name, "tiny");
  EXPECT_EQ(data.split, qtb::Split::test);
  EXPECT_EQ(data.size(), 3);
  EXPECT_EQ(data.channels, 1);
  EXPECT_EQ(data.height, 2);
  EXPECT_EQ(data.width, 3);
  EXPECT_EQ(data.labels, (std::vector<qtb::Label>{1, 0, 9}));
  EXPECT_EQ(data.image(2)[0], 20);
  EXPECT_EQ(data.image(2)[5], 25);
  EXPECT_THROW(data.image(3), std::out_of_range);
}

TEST(DataIdx, ReadsGzipFilesAndMixedPairs) {
  const fs::path dir = scratch();
  const auto gz =
      qtb::read_idx({write_gz(dir / "i.gz", images_file()), write_gz(dir / "l.gz", labels_file())},
                    "tiny", qtb::Split::train, 10);
  const auto plain =
      qtb::read_idx({write(dir / "i", images_file()), write_gz(dir / "l2.gz", labels_file())},
                    "tiny", qtb::Split::train, 10);
  EXPECT_EQ(gz.pixels, plain.pixels);
  EXPECT_EQ(gz.labels, plain.labels);
  const auto header = qtb::read_idx_header(dir / "i.gz", false);
  EXPECT_EQ(header.count, 3);
  EXPECT_EQ(header.width, 3);
}

TEST(DataIdx, MissingFile) {
  const fs::path dir = scratch();
  const std::string error = error_of(dir / "absent", write(dir / "l", labels_file()));
  EXPECT_CONTAINS(error, (dir / "absent").string());
  EXPECT_CONTAINS(error, "no such file");
}

TEST(DataIdx, WrongMagic) {
  const fs::path dir = scratch();
  const fs::path labels = write(dir / "l", labels_file());
  // A label file given as the image file, and an image file with a float (0x0d) type byte.
  std::string error = error_of(labels, labels);
  EXPECT_CONTAINS(error, labels.string() + ": wrong magic 0x00000801");
  EXPECT_CONTAINS(error, "expected an IDX image file (magic 0x00000803)");
  error = error_of(write(dir / "f", images_file(0xd03)), labels);
  EXPECT_CONTAINS(error, "wrong magic 0x00000d03");
  error = error_of(write(dir / "i", images_file()), write(dir / "i2", images_file()));
  EXPECT_CONTAINS(error, (dir / "i2").string() + ": wrong magic 0x00000803, expected an IDX label");
}

TEST(DataIdx, TruncatedPlainFiles) {
  const fs::path dir = scratch();
  const fs::path labels = write(dir / "l", labels_file());
  Bytes cut = images_file();
  cut.pop_back();
  std::string error = error_of(write(dir / "cut", cut), labels);
  EXPECT_CONTAINS(error, (dir / "cut").string() +
                             ": truncated: header says 3 images of 2x3 (18 "
                             "bytes after the header), file has 17");
  error = error_of(write(dir / "short", Bytes{0, 0, 8, 3, 0}), labels);
  EXPECT_CONTAINS(error, "truncated: 5 bytes, expected an IDX image file");
  // A header whose count x height x width overflows 64 bits is just a truncated file.
  Bytes huge;
  for (std::uint32_t v : {0x803u, 0xffffffffu, 0xffffffffu, 0xffffffffu}) put_u32(huge, v);
  error = error_of(write(dir / "huge", huge), labels);
  EXPECT_CONTAINS(error,
                  "truncated: header says 4294967295 images of 4294967295x4294967295 (over 2^64");
}

TEST(DataIdx, TrailingBytes) {
  const fs::path dir = scratch();
  Bytes longer = labels_file();
  longer.push_back(0);
  const std::string error = error_of(write(dir / "i", images_file()), write(dir / "l", longer));
  EXPECT_CONTAINS(error,
                  (dir / "l").string() + ": 4 bytes after the header, expected 3 for 3 labels");
}

TEST(DataIdx, TruncatedAndCorruptGzip) {
  const fs::path dir = scratch();
  const fs::path labels = write(dir / "l", labels_file());
  Bytes gz = read_raw(write_gz(dir / "whole.gz", images_file()));
  Bytes cut(gz.begin(), gz.end() - 6);  // loses part of the CRC/length trailer
  std::string error = error_of(write(dir / "cut.gz", cut), labels);
  EXPECT_CONTAINS(error, (dir / "cut.gz").string() + ": corrupt or truncated gzip data");
  gz[gz.size() - 5] ^= 0xff;  // the stored length no longer matches
  error = error_of(write(dir / "bad.gz", gz), labels);
  EXPECT_CONTAINS(error, (dir / "bad.gz").string() + ": corrupt or truncated gzip data");
}

TEST(DataIdx, CountMismatch) {
  const fs::path dir = scratch();
  const std::string error =
      error_of(write(dir / "i", images_file()), write(dir / "l", labels_file({1, 2})));
  EXPECT_CONTAINS(
      error, (dir / "i").string() + " has 3 images but " + (dir / "l").string() + " has 2 labels");
}

TEST(DataIdx, LabelOutOfRange) {
  const fs::path dir = scratch();
  const std::string error =
      error_of(write(dir / "i", images_file()), write(dir / "l", labels_file({1, 10, 2})));
  EXPECT_CONTAINS(error,
                  (dir / "l").string() + ": label 10 at index 1 is out of range: expected 0..9");
}

}  // namespace
