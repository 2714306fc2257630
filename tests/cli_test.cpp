// The qutibench binary end to end: exit codes, one-line errors, and the JSON schema others script
// against.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/vega_scripts.hpp"
#include "test_paths.hpp"

namespace {

namespace fs = std::filesystem;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path scratch_dir() {
  const fs::path dir =
      fs::temp_directory_path() /
      ("qtb_cli_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
  fs::create_directories(dir);
  return dir;
}

Result run(const std::string& args) {
  const fs::path dir = scratch_dir();
  const std::string command = qtb::test::app_path().string() + " " + args + " >" +
                              (dir / "out").string() + " 2>" + (dir / "err").string();
  const int status = std::system(command.c_str());
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir / "out");
  r.err = slurp(dir / "err");
  return r;
}

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(Cli, AnalyzeJsonHasTheDocumentedKeys) {
  const Result r = run(
      "analyze --model cnv --prune 0.5 --precision W2A2 --platform TX2,ZCU104-FINN --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);  // stdout is exactly one JSON document
  EXPECT_EQ(doc.at("storage_model"), "weights-offchip");
  ASSERT_EQ(doc.at("variants").size(), 1u);
  const auto& v = doc["variants"][0];
  EXPECT_EQ(v.at("model"), "cnv");
  EXPECT_EQ(v.at("prune"), 0.5);
  EXPECT_EQ(v.at("precision"), "W2A2");
  EXPECT_EQ(v.at("ops"), 118'922'752);
  EXPECT_EQ(v.at("params"), 1'542'848);
  EXPECT_EQ(v.at("weight_bytes"), 1'542'848 / 4.0);
  for (const char* key : {"macs", "activation_bytes", "oi"}) EXPECT_TRUE(v.contains(key)) << key;
  ASSERT_EQ(v.at("predictions").size(), 4u);
  const auto& tx2 = v["predictions"][0];
  EXPECT_EQ(tx2.at("platform"), "TX2");
  EXPECT_EQ(tx2.at("op_mode"), "maxn");
  EXPECT_EQ(tx2.at("supported"), true);
  EXPECT_EQ(tx2.at("carrier"), "FP16");
  for (const char* key : {"peak_ops", "bandwidth", "attainable_ops", "fps", "bound"}) {
    EXPECT_TRUE(tx2.contains(key)) << key;
  }
  EXPECT_EQ(v["predictions"][3].at("platform"), "ZCU104-FINN");
  EXPECT_EQ(v["predictions"][3].at("bound"), "memory");
}

TEST(Cli, UnsupportedPredictionsAreEmptyNotZero) {
  const Result r =
      run("analyze --model mlp --prune 1 --precision FP32 --platform EdgeTPU --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto p = nlohmann::json::parse(r.out)["variants"][0]["predictions"][0];
  EXPECT_EQ(p.at("supported"), false);
  EXPECT_TRUE(p.at("fps").is_null());
  EXPECT_FALSE(p.at("reason").get<std::string>().empty());
}

TEST(Cli, TableAndCsvNameTheStorageModel) {
  const Result table = run("analyze --model mlp --prune 1 --precision INT8 --platform U96-A53");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("storage model: weights-offchip"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("predicted_fps"), std::string::npos);
  const Result csv =
      run("analyze --model mlp --prune 1 --precision INT8 --platform U96-A53 "
          "--storage all-offchip --batch 4 --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(lines(csv.out), 2);
  EXPECT_NE(csv.out.find(",all-offchip,4,"), std::string::npos) << csv.out;
}

TEST(Cli, BadInputExitsTwoWithOneLine) {
  for (const std::string args :
       {"analyze --model alexnet", "analyze --precision W3A3", "analyze --prune 2",
        "analyze --platform TX9", "analyze --op-mode turbo", "analyze --format xml",
        "analyze --storage cache", "analyze --batch 0", "roofline -o chart.png", "frobnicate",
        "analyze --no-such-option"}) {
    const Result r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(lines(r.err), 1) << args << ": " << r.err;
    EXPECT_EQ(r.err.rfind("qutibench: error: ", 0), 0u) << args << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << args;
  }
}

TEST(Cli, MalformedCatalogExitsTwoNamingFileLineAndField) {
  const fs::path dir = scratch_dir() / "catalog";
  fs::create_directories(dir);
  std::ofstream(dir / "broken.toml")
      << "name = \"Broken\"\nkind = \"fpga\"\nmemory_bandwidth_gbps = 1\n"
         "memory_capacity_gb = 1\n[op_modes.default]\n"
         "peak_tops = { INT8 = \"fast\" }\n";
  const Result r = run("platforms --catalog " + dir.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("broken.toml:6: field 'op_modes.default.peak_tops.INT8'"), std::string::npos)
      << r.err;
  fs::remove_all(dir);
}

TEST(Cli, ModelsAndPlatformsList) {
  const Result models = run("models --format json");
  ASSERT_EQ(models.exit_code, 0) << models.err;
  EXPECT_EQ(nlohmann::json::parse(models.out)["models"].size(), 5u);
  const Result platforms = run("platforms --format json");
  ASSERT_EQ(platforms.exit_code, 0) << platforms.err;
  EXPECT_GE(nlohmann::json::parse(platforms.out)["platforms"].size(), 9u);
  const Result table = run("platforms");
  EXPECT_NE(table.out.find("ZCU104-FINN"), std::string::npos);
}

TEST(Cli, RooflineWritesSvgAndHtml) {
  // Both are drawn by the vendored vega (the SVG in node), which scripts/setup.sh installs.
  if (std::system("node --version >/dev/null 2>&1") != 0 ||
      !fs::exists(qtb::default_vega_dir() / "vega.min.js"))
    GTEST_SKIP() << "node or the vendored vega is missing (scripts/setup.sh)";
  const fs::path dir = scratch_dir();
  const Result svg =
      run("roofline --platform TX2,ZCU104-FINN --model cnv --precision FP16,W2A2 -o " +
          (dir / "r.svg").string());
  ASSERT_EQ(svg.exit_code, 0) << svg.err;
  const std::string text = slurp(dir / "r.svg");
  EXPECT_EQ(text.rfind("<svg", 0) == 0 || text.rfind("<?xml", 0) == 0, true);
  EXPECT_NE(text.find("ZCU104-FINN INT2"), std::string::npos);
  EXPECT_NE(text.find("TX2 maxn FP16"), std::string::npos);
  const Result html = run("roofline --model mlp -o " + (dir / "r.html").string());
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_EQ(slurp(dir / "r.html").rfind("<!DOCTYPE html>", 0), 0u);
}

}  // namespace
