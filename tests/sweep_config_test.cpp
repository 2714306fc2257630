#include "measure/sweep_config.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>

#include "core/error.hpp"
#include "engine/random_weights.hpp"
#include "graph/model_file.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_sweep_config(text, "sweep.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(SweepConfig, CartesianProductInDeclaredOrder) {
  const SweepConfig c = parse_sweep_config(R"(
models = ["mlp", "cnv"]
prunes = "all"
precisions = ["FP32", "INT2"]
backends = ["onednn", "lowbit"]
batches = [1, 16]
threads = [1, 2]
seed = 7
power = "none"
[harness]
min_seconds = 0.25
min_queries = 50
)",
                                           "sweep.toml");
  EXPECT_EQ(c.points.size(), 2u * 4 * 2 * 2 * 2 * 2);
  EXPECT_EQ(c.points.front().label(), "mlp s=1 FP32 onednn b1 t1 x1 single-stream");
  EXPECT_EQ(c.points[1].threads, 2);
  EXPECT_EQ(c.points[2].batch, 16);
  EXPECT_EQ(c.points[2].resolved_scenario(), Scenario::Offline);
  EXPECT_EQ(c.points.back().topology, "cnv");
  EXPECT_DOUBLE_EQ(c.points.back().prune, 0.125);
  EXPECT_EQ(c.points.back().precision.name(), "W2A2");
  EXPECT_EQ(c.points.back().seed, 7u);
  EXPECT_DOUBLE_EQ(c.harness.min_seconds, 0.25);
  EXPECT_EQ(c.harness.min_queries, 50);
  EXPECT_EQ(c.power, "none");
}

TEST(SweepConfig, ErrorsNameFileLineAndField) {
  const std::string base =
      "models = [\"mlp\"]\nprecisions = [\"FP32\"]\nbackends = [\"onednn\"]\nbatches = [1]\n"
      "threads = [1]\n";
  EXPECT_EQ(error_of(base + "batchez = [2]\n"), "sweep.toml:6: field 'batchez': unknown field");
  EXPECT_NE(error_of(base + "streams = [0]\n").find("sweep.toml:6: field 'streams'"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[harness]\nmin_secs = 1\n").find("field 'harness.min_secs'"),
            std::string::npos);
  EXPECT_NE(error_of(base + "scenario = \"server\"\n").find("unknown scenario"), std::string::npos);
  EXPECT_NE(error_of("models = [\"alexnet\"]\n").find("field 'models'"), std::string::npos);
  EXPECT_NE(error_of("models = [\"mlp\"]\nprecisions = [\"INT3\"]\n").find("field 'precisions'"),
            std::string::npos);
  EXPECT_NE(error_of("models = [\"mlp\"]\n").find("field 'precisions': missing"),
            std::string::npos);
  EXPECT_NE(error_of("models = [\"mlp\"\n").find("sweep.toml:"), std::string::npos);
}

}  // namespace
}  // namespace qtb

namespace qtb {
namespace {

TEST(SweepConfig, ModelFilesGiveOnePointPerFileAtItsOwnPrecision) {
  const auto dir = std::filesystem::temp_directory_path() / "qtb_sweep_model_files";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const char* precision : {"FP32", "W2A2"}) {
    Graph graph = build_topology("mlp", 0.125);
    fill_random_weights(graph, 1);
    ModelMetadata metadata;
    metadata.topology = "mlp";
    metadata.prune = 0.125;
    metadata.precision = precision;
    metadata.dataset = "mnist";
    save_model(dir / fmt::format("mlp-{}.safetensors", precision), graph, metadata);
  }
  const SweepConfig c = parse_sweep_config(
      "model_files = [\"" + dir.string() + "\"]\naccuracy_limit = 500\nbackends = [\"lowbit\"]\n"
      "batches = [1, 8]\nthreads = [1]\n",
      "sweep.toml");
  ASSERT_EQ(c.points.size(), 4u);
  EXPECT_EQ(c.points[0].precision.name(), "FP32");
  EXPECT_EQ(c.points[1].batch, 8);
  EXPECT_EQ(c.points[2].precision.name(), "W2A2");
  EXPECT_EQ(c.points[2].model_file, (dir / "mlp-W2A2.safetensors").string());
  EXPECT_EQ(c.points[2].accuracy_dataset, "mnist");
  EXPECT_EQ(c.points[2].accuracy_limit, 500);
  EXPECT_EQ(c.points[3].prune, 0.125);

  const std::string both = "model_files = [\"" + dir.string() +
                           "\"]\nprecisions = [\"FP32\"]\nbackends = [\"lowbit\"]\n";
  EXPECT_NE(error_of(both).find("field 'precisions'"), std::string::npos);
  EXPECT_NE(error_of("model_files = [\"/nonexistent.safetensors\"]\nbackends = [\"lowbit\"]\n")
                .find("field 'model_files'"),
            std::string::npos);
}

}  // namespace
}  // namespace qtb
