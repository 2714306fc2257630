// `qutibench datasets` on damaged IDX files: a truncated file was listed as present
// because only its header was read. The listing now checks each header against the file's size
// (plain) or the size its gzip trailer records, and shows such a data set as broken with the
// reason, still quickly and still with exit 0 (a listing is not an error).
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "app_process.hpp"
#include "core/error.hpp"
#include "data/idx_reader.hpp"
#include "data/locate.hpp"
#include "data_test_files.hpp"

namespace qtb {
namespace {

using test::Bytes;
namespace fs = std::filesystem;

void put_u32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// `count` images of 28x28 (16-byte header + count x 784 bytes) and their labels (8 + count).
Bytes images(std::uint32_t count) {
  Bytes out;
  for (std::uint32_t v : {0x803u, count, 28u, 28u}) put_u32(out, v);
  out.resize(16 + std::size_t{count} * 784, 7);
  return out;
}

Bytes labels(std::uint32_t count) {
  Bytes out;
  for (std::uint32_t v : {0x801u, count}) put_u32(out, v);
  out.resize(8 + count, 3);
  return out;
}

void write_gz(const fs::path& path, const Bytes& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
}

// An MNIST-style directory: 5 training and 2 test images, plain or gzip.
fs::path idx_dir(const fs::path& dir, bool gzip) {
  fs::create_directories(dir);
  const auto put = [&](const std::string& name, const Bytes& bytes) {
    if (gzip) {
      write_gz(dir / (name + ".gz"), bytes);
    } else {
      test::write_bytes(dir / name, bytes);
    }
  };
  put("train-images-idx3-ubyte", images(5));
  put("train-labels-idx1-ubyte", labels(5));
  put("t10k-images-idx3-ubyte", images(2));
  put("t10k-labels-idx1-ubyte", labels(2));
  return dir;
}

nlohmann::json entry(const std::string& out, const std::string& name) {
  const nlohmann::json doc = nlohmann::json::parse(out);
  for (const auto& e : doc.at("datasets")) {
    if (e.at("name") == name) return e;
  }
  return nullptr;
}

TEST(ModelsHardeningDatasets, WholeFilesArePresentWithTheirCounts) {
  const fs::path dir = test::fresh_dir("qtb_mhd");
  const fs::path plain = idx_dir(dir / "plain", false);
  const fs::path gz = idx_dir(dir / "gz", true);
  const auto r = test::run_app(dir, "datasets --format json --mnist-dir " + plain.string() +
                                        " --fashion-mnist-dir " + gz.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"mnist", "fashion-mnist"}) {
    const nlohmann::json e = entry(r.out, name);
    EXPECT_EQ(e.at("present"), true) << e;
    EXPECT_EQ(e.at("broken"), false) << e;
    EXPECT_EQ(e.at("train"), 5) << e;
    EXPECT_EQ(e.at("test"), 2) << e;
  }
}

TEST(ModelsHardeningDatasets, TruncatedPlainFileIsShownBrokenWithTheReason) {
  const fs::path dir = test::fresh_dir("qtb_mhd");
  const fs::path mnist = idx_dir(dir / "mnist", false);
  const fs::path cut = mnist / "train-images-idx3-ubyte";
  Bytes bytes = images(5);
  bytes.resize(16 + 3 * 784 + 100);  // three and a bit images of five
  test::write_bytes(cut, bytes);
  const std::string reason = cut.string() +
                             ": truncated: header says 5 images of 28x28 (3920 bytes after the "
                             "header), file has 2452";

  const auto json = test::run_app(dir, "datasets --format json --mnist-dir " + mnist.string());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json e = entry(json.out, "mnist");
  EXPECT_EQ(e.at("present"), false) << e;
  EXPECT_EQ(e.at("broken"), true) << e;
  EXPECT_TRUE(e.at("train").is_null());
  EXPECT_EQ(e.at("problem"), "mnist: broken: " + reason);

  const auto table = test::run_app(dir, "datasets --mnist-dir " + mnist.string());
  ASSERT_EQ(table.exit_code, 0) << table.err;
  const std::string mnist_row = table.out.substr(table.out.find("\nmnist "));
  EXPECT_NE(mnist_row.substr(0, mnist_row.find('\n', 1)).find(" broken "), std::string::npos)
      << table.out;
  EXPECT_NE(table.err.find("mnist: broken: " + reason + "\n"), std::string::npos) << table.err;
  // The same reason the loader gives.
  try {
    load_data_set(locate_data_set("mnist", mnist), Split::train);
    ADD_FAILURE() << "loaded a truncated file";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()), reason);
  }
}

TEST(ModelsHardeningDatasets, LongerFileAndCutGzipAreBroken) {
  const fs::path dir = test::fresh_dir("qtb_mhd");
  const fs::path mnist = idx_dir(dir / "mnist", false);
  Bytes longer = labels(2);
  longer.push_back(0);
  test::write_bytes(mnist / "t10k-labels-idx1-ubyte", longer);
  EXPECT_EQ(probe_data_set(locate_data_set("mnist", mnist)).problem,
            "mnist: broken: " + (mnist / "t10k-labels-idx1-ubyte").string() +
                ": 3 bytes after the header, expected 2 for 2 labels");

  const fs::path fashion = idx_dir(dir / "fashion", true);
  const fs::path gz = fashion / "train-images-idx3-ubyte.gz";
  Bytes compressed;
  {
    std::ifstream in(gz, std::ios::binary);
    compressed.assign(std::istreambuf_iterator<char>(in), {});
  }
  compressed.resize(compressed.size() / 2);  // the header survives, the rest and trailer do not
  test::write_bytes(gz, compressed);
  const DataSetStatus status = probe_data_set(locate_data_set("fashion-mnist", fashion));
  EXPECT_FALSE(status.present);
  EXPECT_TRUE(status.broken);
  EXPECT_EQ(status.problem.rfind("fashion-mnist: broken: " + gz.string() + ": ", 0), 0u)
      << status.problem;
  EXPECT_NE(status.problem.find("truncated"), std::string::npos) << status.problem;
}

TEST(ModelsHardeningDatasets, MissingFilesAreAbsentNotBroken) {
  const fs::path dir = test::fresh_dir("qtb_mhd");
  const DataSetStatus status = probe_data_set(locate_data_set("mnist", dir / "none"));
  EXPECT_FALSE(status.present);
  EXPECT_FALSE(status.broken);
  EXPECT_NE(status.problem.find("not found"), std::string::npos) << status.problem;
}

}  // namespace
}  // namespace qtb
