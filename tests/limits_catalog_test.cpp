// Bad input, the platform catalog: peaks, bandwidth, capacity and power outside a plausible range
// (1e308, denormals) and names with control characters are refused naming file, line, field and
// value; the shipped catalog still loads.
#include <gtest/gtest.h>

#include <filesystem>

#include "app_process.hpp"
#include "core/data_dir.hpp"
#include "core/error.hpp"
#include "platform/catalog.hpp"

namespace qtb {
namespace {

const std::string kValid = R"(name = "Board"
kind = "fpga"
memory_bandwidth_gbps = 10
memory_capacity_gb = 1
tdp_w = 5

[op_modes.default]
peak_tops = { INT8 = 1.5 }
)";

std::string with(const std::string& from, const std::string& to) {
  std::string text = kValid;
  const auto pos = text.find(from);
  if (pos == std::string::npos) throw std::logic_error("fixture text not found: " + from);
  return text.replace(pos, from.size(), to);
}

std::string error_of(const std::string& text) {
  try {
    parse_platform(text, "board.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(LimitsCatalog, FiguresOutsideAPlausibleRangeAreRefused) {
  EXPECT_EQ(error_of(with("INT8 = 1.5", "INT8 = 1e308")),
            "board.toml:8: field 'op_modes.default.peak_tops.INT8' = 1e+308 is out of range: "
            "must be a number from 1e-06 to 1000000 TOP/s");
  EXPECT_EQ(error_of(with("memory_bandwidth_gbps = 10", "memory_bandwidth_gbps = 1e-320")),
            "board.toml:3: field 'memory_bandwidth_gbps' = 1e-320 is out of range: must be a "
            "number from 0.001 to 100000 GB/s");
  EXPECT_EQ(error_of(with("memory_capacity_gb = 1", "memory_capacity_gb = 1e308")),
            "board.toml:4: field 'memory_capacity_gb' = 1e+308 is out of range: must be a number "
            "from 1e-06 to 1000000 GB");
  EXPECT_EQ(error_of(with("tdp_w = 5", "tdp_w = 1e6")),
            "board.toml:5: field 'tdp_w' = 1000000 is out of range: must be a number from 0.001 "
            "to 100000 W");
  // Not a positive number at all: the message it always had.
  EXPECT_EQ(error_of(with("tdp_w = 5", "tdp_w = nan")),
            "board.toml:5: field 'tdp_w': expected a positive number");
}

TEST(LimitsCatalog, NamesAreOneNonEmptyLineOfText) {
  EXPECT_EQ(error_of(with("name = \"Board\"", "name = \"Bo\\nard\"")),
            "board.toml:1: field 'name': 'Bo\\nard' has a control character: a name is one line "
            "of text");
  EXPECT_EQ(error_of(with("[op_modes.default]", "[op_modes.\"\"]")),
            "board.toml:7: field 'op_modes': op mode name '' must be a non-empty line of text");
  EXPECT_EQ(error_of(with("[op_modes.default]", "[op_modes.\"fa\\tst\"]")),
            "board.toml:7: field 'op_modes': op mode name 'fa\\tst' must be a non-empty line of "
            "text");
}

TEST(LimitsCatalog, AFileGivenAsTheCatalogIsSaidToBeOne) {
  const auto dir = test::fresh_dir("qtb_limits_catalog");
  test::spit(dir / "board.toml", kValid);
  try {
    load_catalog(dir / "board.toml");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "platform catalog '" + (dir / "board.toml").string().substr(0, 80) +
                  ((dir / "board.toml").string().size() > 80 ? "...'" : "'") +
                  " is a file, not a catalog directory");
  }
  EXPECT_EQ(load_catalog(dir).size(), 1u);  // the directory itself is a catalog
}

TEST(LimitsCatalog, TheShippedCatalogStillLoadsWithinTheRanges) {
  const auto catalog = load_catalog(data_dir() / "platforms");
  EXPECT_GE(catalog.size(), 9u);
  for (const auto& p : catalog) {
    EXPECT_GT(p.memory_bandwidth, 0) << p.name;
    EXPECT_FALSE(p.op_modes.empty()) << p.name;
  }
}

}  // namespace
}  // namespace qtb
