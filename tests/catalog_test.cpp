// The shipped catalog against the paper's Table 2, and the loader's errors on bad files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/data_dir.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "paper_table2.hpp"
#include "platform/catalog.hpp"

namespace qtb {
namespace {

const std::filesystem::path kShipped = qtb::data_dir() / "platforms";

std::vector<Platform> shipped() {
  std::vector<Platform> all = load_catalog(kShipped);
  std::erase_if(all, [](const Platform& p) { return p.name == "host"; });  // machine-specific
  return all;
}

const Platform& find(const std::vector<Platform>& catalog, const std::string& name) {
  for (const auto& p : catalog) {
    if (p.name == name) return p;
  }
  throw std::runtime_error("missing platform " + name);
}

TEST(Catalog, HoldsEveryPaperPlatform) {
  const auto catalog = shipped();
  std::vector<std::string> names;
  for (const auto& p : catalog) names.push_back(p.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"EdgeTPU", "NCS2", "TX2", "U96-A53", "Ultra96-DPU",
                                      "ZCU102-DPU", "ZCU104-BISMO", "ZCU104-DPU", "ZCU104-FINN"}));
  const Platform& tx2 = find(catalog, "TX2");
  ASSERT_EQ(tx2.op_modes.size(), 3u);
  EXPECT_EQ(tx2.kind, PlatformKind::Gpu);
  EXPECT_TRUE(tx2.find_op_mode("maxq"));
  EXPECT_TRUE(find(catalog, "EdgeTPU").find_op_mode("slow"));
  EXPECT_EQ(find(catalog, "NCS2").kind, PlatformKind::Vliw);
  EXPECT_EQ(find(catalog, "EdgeTPU").kind, PlatformKind::Tpu);
  EXPECT_EQ(find(catalog, "U96-A53").kind, PlatformKind::Cpu);
}

// Every cell of hardware_platforms.csv: a number is the peak of that type (native, or through the
// carrier the catalog names); "na" means no native peak. Bandwidth, capacity and power agree.
TEST(Catalog, MatchesTable2CellByCell) {
  const auto catalog = shipped();
  for (const auto& row : testing::read_table2()) {
    const Platform& p = find(catalog, row.platform);
    const OpMode* mode = p.find_op_mode(row.op_mode);
    ASSERT_NE(mode, nullptr) << row.csv_name;
    for (std::size_t i = 0; i < testing::kTable2PeakColumns.size(); ++i) {
      const DataType type = *parse_data_type(testing::kTable2PeakColumns[i]);
      if (row.cells[i] == "na") {
        EXPECT_FALSE(mode->peak_ops.contains(type)) << row.csv_name << " " << to_string(type);
        continue;
      }
      const DataType runs_in = mode->peak_ops.contains(type) ? type : p.carriers.at(type);
      EXPECT_DOUBLE_EQ(mode->peak_ops.at(runs_in), std::stod(row.cells[i]) * 1e12) << row.csv_name;
    }
    EXPECT_DOUBLE_EQ(p.memory_bandwidth, std::stod(row.cells[5]) * 1e9) << row.csv_name;
    EXPECT_DOUBLE_EQ(p.memory_capacity, std::stod(row.cells[6]) * 1e9) << row.csv_name;
    if (row.cells[7] == "na") {
      EXPECT_FALSE(p.tdp_w.has_value()) << row.csv_name;
    } else {
      ASSERT_TRUE(p.tdp_w.has_value()) << row.csv_name;
      EXPECT_DOUBLE_EQ(*p.tdp_w, std::stod(row.cells[7])) << row.csv_name;
    }
  }
}

TEST(Catalog, TomlRoundTrips) {
  for (const auto& p : shipped()) {
    const Platform again = parse_platform(platform_to_toml(p), "roundtrip.toml");
    EXPECT_EQ(again.name, p.name);
    EXPECT_EQ(again.kind, p.kind);
    EXPECT_EQ(again.description, p.description);
    EXPECT_DOUBLE_EQ(again.memory_bandwidth, p.memory_bandwidth);
    EXPECT_DOUBLE_EQ(again.memory_capacity, p.memory_capacity);
    EXPECT_EQ(again.tdp_w, p.tdp_w);
    EXPECT_EQ(again.carriers, p.carriers);
    ASSERT_EQ(again.op_modes.size(), p.op_modes.size());
    for (std::size_t i = 0; i < p.op_modes.size(); ++i) {
      EXPECT_EQ(again.op_modes[i].name, p.op_modes[i].name);
      EXPECT_EQ(again.op_modes[i].peak_ops, p.op_modes[i].peak_ops);
    }
  }
}

const char* kValid = R"(name = "Board"
kind = "fpga"
memory_bandwidth_gbps = 10
memory_capacity_gb = 1

[carriers]
INT2 = "INT8"

[op_modes.default]
peak_tops = { INT8 = 1.5 }
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  if (pos == std::string::npos) throw std::logic_error("fixture text not found: " + from);
  return text.replace(pos, from.size(), to);
}

// Returns the InputError message, or fails.
std::string error_of(const std::string& text) {
  try {
    parse_platform(text, "board.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return {};
}

TEST(Catalog, ValidFixtureParses) {
  const Platform p = parse_platform(kValid, "board.toml");
  EXPECT_EQ(p.name, "Board");
  EXPECT_DOUBLE_EQ(p.op_modes.at(0).peak_ops.at(DataType::INT8), 1.5e12);
  EXPECT_EQ(p.carriers.at(DataType::INT2), DataType::INT8);
  EXPECT_EQ(p.file, "board.toml");
}

TEST(Catalog, ErrorsNameFileLineAndField) {
  EXPECT_EQ(error_of(replace(kValid, "kind = \"fpga\"", "kind = \"asic\"")),
            "board.toml:2: field 'kind': expected one of fpga, gpu, tpu, vliw, cpu, got 'asic'");
  EXPECT_EQ(
      error_of(replace(kValid, "memory_bandwidth_gbps = 10", "memory_bandwidth_gbps = \"fast\"")),
      "board.toml:3: field 'memory_bandwidth_gbps': expected a positive number");
  EXPECT_EQ(error_of(replace(kValid, "memory_capacity_gb = 1", "memory_capacity_gb = -1")),
            "board.toml:4: field 'memory_capacity_gb': expected a positive number");
  EXPECT_EQ(error_of(replace(kValid, "memory_capacity_gb = 1\n", "")),
            "board.toml:1: field 'memory_capacity_gb': missing (a positive number is required)");
  EXPECT_EQ(error_of(replace(kValid, "name = \"Board\"", "nmae = \"Board\"")),
            "board.toml:1: field 'nmae': unknown field");
  EXPECT_EQ(error_of(replace(kValid, "INT8 = 1.5", "INT9 = 1.5")),
            "board.toml:10: field 'op_modes.default.peak_tops.INT9': unknown data type");
  EXPECT_EQ(error_of(replace(kValid, "INT2 = \"INT8\"", "INT2 = \"FP16\"")),
            "board.toml:7: field 'carriers.INT2': op mode 'default' has no peak for carrier FP16");
  EXPECT_EQ(error_of(replace(kValid, "INT2 = \"INT8\"", "FP32 = \"INT8\"")),
            "board.toml:7: field 'carriers.FP32': a carrier must be at least as wide as the type "
            "it carries");
  EXPECT_EQ(error_of(replace(kValid, "[op_modes.default]\npeak_tops = { INT8 = 1.5 }\n", "")),
            "board.toml:1: field 'op_modes': missing (at least one [op_modes.NAME] table is "
            "required)");
  const std::string syntax =
      error_of(replace(kValid, "memory_capacity_gb = 1", "memory_capacity_gb = "));
  EXPECT_EQ(syntax.rfind("board.toml:4: ", 0), 0u) << syntax;
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("qtb_catalog_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
  }

 private:
  std::filesystem::path path_;
};

TEST(Catalog, DirectoryErrors) {
  TempDir dir;
  dir.write("a.toml", kValid);
  dir.write("notes.txt", "ignored");
  EXPECT_EQ(load_catalog(dir.path()).size(), 1u);
  dir.write("b.toml", replace(kValid, "\"Board\"", "\"board\""));
  EXPECT_THROW(load_catalog(dir.path()), InputError);  // duplicate name, case-insensitive
  EXPECT_THROW(load_catalog(dir.path() / "missing"), InputError);
}

TEST(Catalog, WriteIsAtomicAndReadable) {
  TempDir dir;
  const Platform p = parse_platform(kValid, "board.toml");
  write_platform_file(p, dir.path() / "board.toml");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "board.toml.tmp"));
  EXPECT_EQ(load_platform_file(dir.path() / "board.toml").name, "Board");
}

TEST(Catalog, SelectsPlatformsByNameOrAll) {
  const auto catalog = shipped();
  EXPECT_EQ(select_platforms("all", catalog).size(), catalog.size());
  const auto two = select_platforms("tx2, ZCU104-FINN,TX2", catalog);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0]->name, "TX2");
  EXPECT_THROW(select_platforms("TX1", catalog), InputError);
}

}  // namespace
}  // namespace qtb
