// The CIFAR-10 binary reader on small batch files written here, and its errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app_process.hpp"
#include "core/error.hpp"
#include "data/cifar10_reader.hpp"
#include "data/locate.hpp"
#include "data_test_files.hpp"

namespace {

namespace fs = std::filesystem;
using qtb::test::Bytes;

fs::path scratch() {
  return qtb::test::fresh_dir("qtb_data_cifar10");
}

// Records whose label is `labels[n]` and whose pixel i is (n + i) mod 256.
Bytes records(const Bytes& labels) {
  Bytes out;
  for (std::size_t n = 0; n < labels.size(); ++n) {
    out.push_back(labels[n]);
    for (int i = 0; i < 3072; ++i) out.push_back(static_cast<std::uint8_t>((n + i) % 256));
  }
  return out;
}

fs::path write(const fs::path& path, const Bytes& bytes) {
  return qtb::test::write_bytes(path, bytes);
}

std::string error_of(const std::vector<fs::path>& files) {
  try {
    qtb::read_cifar10(files, qtb::Split::train);
  } catch (const qtb::InputError& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

TEST(DataCifar10, ReadsBatchesInOrder) {
  const fs::path dir = scratch();
  const auto data =
      qtb::read_cifar10({write(dir / "a.bin", records({3, 9})), write(dir / "b.bin", records({0}))},
                        qtb::Split::train);
  EXPECT_EQ(data.name, "cifar10");
  EXPECT_EQ(data.size(), 3);
  EXPECT_EQ(data.image_bytes(), 3072);
  EXPECT_EQ(data.labels, (std::vector<qtb::Label>{3, 9, 0}));
  EXPECT_EQ(data.image(1)[0], 1);     // red plane, first pixel of record 1
  EXPECT_EQ(data.image(1)[1024], 1);  // green plane starts at 1024: (1 + 1024) mod 256
  EXPECT_EQ(data.image(2)[3071], 3071 % 256);
}

TEST(DataCifar10, LocatesTheSplitsInAUserDirectory) {
  const fs::path dir = scratch();
  for (int i = 1; i <= 5; ++i)
    write(dir / ("data_batch_" + std::to_string(i) + ".bin"), records({1, 2}));
  write(dir / "test_batch.bin", records({4}));
  const auto source = qtb::locate_data_set("cifar10", dir);
  const auto status = qtb::probe_data_set(source);
  EXPECT_TRUE(status.present) << status.problem;
  EXPECT_EQ(status.train, 10);
  EXPECT_EQ(status.test, 1);
  EXPECT_EQ(qtb::load_data_set(source, qtb::Split::test).labels, std::vector<qtb::Label>{4});
  fs::remove(dir / "data_batch_4.bin");
  try {
    qtb::load_data_set(source, qtb::Split::train);
    FAIL() << "a missing batch was not refused";
  } catch (const qtb::InputError& e) {
    EXPECT_CONTAINS(e.what(), (dir / "data_batch_4.bin").string() + " not found");
    EXPECT_CONTAINS(e.what(), "cifar-10-batches-bin");
  }
}

TEST(DataCifar10, NoDirectoryGivenSaysHowToGetIt) {
  const auto source = qtb::locate_data_set("cifar10", "");
  if (!source.dir.empty()) GTEST_SKIP() << "QUTIBENCH_CIFAR10_DIR is set";
  const auto status = qtb::probe_data_set(source);
  EXPECT_FALSE(status.present);
  EXPECT_CONTAINS(status.problem, "--cifar10-dir");
}

TEST(DataCifar10, MissingEmptyAndTruncatedFiles) {
  const fs::path dir = scratch();
  EXPECT_CONTAINS(error_of({dir / "absent.bin"}), (dir / "absent.bin").string() + ": no such file");
  EXPECT_CONTAINS(error_of({write(dir / "empty.bin", {})}),
                  (dir / "empty.bin").string() + ": 0 bytes, expected a non-zero multiple of 3073");
  Bytes cut = records({1, 2});
  cut.pop_back();
  EXPECT_CONTAINS(
      error_of({write(dir / "cut.bin", cut)}),
      (dir / "cut.bin").string() + ": 6145 bytes, expected a non-zero multiple of 3073");
}

TEST(DataCifar10, LabelOutOfRange) {
  const fs::path dir = scratch();
  EXPECT_CONTAINS(
      error_of({write(dir / "bad.bin", records({1, 10}))}),
      (dir / "bad.bin").string() + ": label 10 in record 1 is out of range: expected 0..9");
}

}  // namespace
