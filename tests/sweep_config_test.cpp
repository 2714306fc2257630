#include "measure/sweep_config.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

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
