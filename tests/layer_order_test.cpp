// The layers of DESIGN.md, checked: every `#include "..."` in src/ may name only its own layer or a
// layer above it in the list below. An include of a later layer fails with file, line and layers.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "app_process.hpp"
#include "test_paths.hpp"

namespace qtb::test {
namespace {

// DESIGN.md's order, top to bottom (docs/architecture.md has a paragraph per layer).
const std::vector<std::string> kLayers = {"core",      "graph",    "onnx",    "zoo",      "cost",
                                          "platform",  "roofline", "data",    "lowering", "train",
                                          "engine",    "measure",  "predict", "optimize", "store",
                                          "analytics", "report",   "serve"};

std::ptrdiff_t rank_of(const std::string& layer) {
  const auto it = std::find(kLayers.begin(), kLayers.end(), layer);
  return it == kLayers.end() ? -1 : it - kLayers.begin();
}

// The problems of one source tree: upward includes and folders that are not layers.
std::vector<std::string> layer_violations(const fs::path& src) {
  std::vector<std::string> problems;
  for (const auto& entry : fs::directory_iterator(src)) {
    if (entry.is_directory() && rank_of(entry.path().filename().string()) < 0) {
      problems.push_back("src/" + entry.path().filename().string() +
                         " is not a layer of DESIGN.md (tests/layer_order_test.cpp lists them)");
    }
  }
  const std::regex include(R"(^\s*#\s*include\s*\"([^\"]+)\")");
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    const auto extension = entry.path().extension();
    if (!entry.is_regular_file() || (extension != ".cpp" && extension != ".hpp")) continue;
    const fs::path relative = fs::relative(entry.path(), src);
    const std::string own_layer = relative.begin()->string();
    const std::ptrdiff_t own_rank = rank_of(own_layer);
    std::ifstream in(entry.path());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      std::smatch match;
      if (!std::regex_search(line, match, include)) continue;
      const std::string target = match[1];
      const std::string target_layer = fs::path(target).begin()->string();
      // Quoted includes of headers outside src/ (a library's "public/gemmlowp.h") are not ours.
      if (!fs::exists(src / target)) continue;
      if (rank_of(target_layer) > own_rank) {
        problems.push_back("src/" + relative.string() + ":" + std::to_string(number) + ": " +
                           own_layer + " includes \"" + target + "\" of the later layer " +
                           target_layer);
      }
    }
  }
  std::sort(problems.begin(), problems.end());
  return problems;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

TEST(LayerOrder, SourceTreeIncludesOnlyEarlierLayers) {
  const auto problems = layer_violations(source_dir() / "src");
  EXPECT_TRUE(problems.empty()) << joined(problems);
}

TEST(LayerOrder, PlantedUpwardIncludeIsNamedWithFileAndLine) {
  const fs::path root = fresh_dir("layers");
  fs::create_directories(root / "src/core");
  fs::create_directories(root / "src/engine");
  spit(root / "src/engine/backend.hpp", "#pragma once\n#include \"core/error.hpp\"\n");
  spit(root / "src/core/error.hpp",
       "#pragma once\n\n#include <string>\n#include \"engine/backend.hpp\"\n");
  EXPECT_EQ(
      joined(layer_violations(root / "src")),
      "src/core/error.hpp:4: core includes \"engine/backend.hpp\" of the later layer engine\n");
}

TEST(LayerOrder, FolderOutsideTheLayersIsRefused) {
  const fs::path root = fresh_dir("layers");
  fs::create_directories(root / "src/misc");
  EXPECT_EQ(joined(layer_violations(root / "src")),
            "src/misc is not a layer of DESIGN.md (tests/layer_order_test.cpp lists them)\n");
}

}  // namespace
}  // namespace qtb::test
