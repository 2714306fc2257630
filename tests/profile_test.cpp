// The per-step profile of a whole run: the steps each backend names, the fused graph nodes behind
// them, that profiling and running steps one by one leave the results unchanged, and `run
// --profile` end to end.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <numeric>

#include "app_process.hpp"
#include "engine/random_weights.hpp"
#include "engine/registry.hpp"
#include "graph/layer_nodes.hpp"
#include "measure/layer_profile.hpp"
#include "test_networks.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

Graph small_mlp() {
  Graph graph = build_topology("mlp", 0.125);
  fill_random_weights(graph, 7);
  return graph;
}

// conv -> bn -> relu -> pool -> flatten -> dense -> softmax, with its node ids.
Graph small_cnn() {
  Graph g("small");
  const int in = g.input(Shape{1, 6, 6});
  Conv2dAttrs conv;
  conv.out_channels = 2;
  conv.kernel_h = conv.kernel_w = 3;
  const int c = g.conv2d(in, conv, "conv");
  const int bn = g.batch_norm(c, "bn");
  const int relu = g.activation(bn, ActivationKind::ReLU, "relu");
  const int pool = g.max_pool(relu, PoolAttrs{}, "pool");
  const int flat = g.flatten(pool, "flat");
  const int fc = g.dense(flat, DenseAttrs{3, false}, "fc");
  g.softmax(fc, "prob");
  return g;
}

TEST(ProfileLayerNodes, FusedNodesBelongToTheirHeadAndSoftmaxToNone) {
  const Graph g = small_cnn();
  const std::vector<std::string> heads = {"conv", "pool", "flat", "fc", "missing"};
  const auto nodes = layer_nodes(g, heads);
  ASSERT_EQ(nodes.size(), 5u);
  EXPECT_EQ(joined_node_names(g, nodes[0]), "conv+bn+relu");
  EXPECT_EQ(joined_node_kinds(g, nodes[0]), "conv2d+batchnorm+activation");
  EXPECT_EQ(joined_node_names(g, nodes[1]), "pool");
  EXPECT_EQ(joined_node_names(g, nodes[2]), "flat");
  EXPECT_EQ(joined_node_names(g, nodes[3]), "fc");  // the softmax is never run
  EXPECT_TRUE(nodes[4].empty());
}

// Every step is timed once per run, the parts never exceed the whole, and a profiled run computes
// the same accumulators as an unprofiled one.
void expect_profiled_steps(const std::string& backend, const Precision& precision) {
  SCOPED_TRACE(backend + " " + precision.name());
  const Graph graph = small_mlp();
  CompileOptions options;
  options.max_batch = 4;
  const auto model = make_backend(backend)->compile(graph, precision, options);
  const auto pixels = testing::random_pixels(4 * model->info().input.elements(), 3);
  const auto out = static_cast<std::size_t>(4 * model->info().output.elements());
  std::vector<std::int32_t> plain(out), profiled(out), stepwise(out);
  model->set_input(pixels, 4);
  model->run(4);
  model->get_output_accumulators(plain, 4);

  StepProfiler profiler(model->steps(4));
  ASSERT_FALSE(profiler.whole_run());
  model->set_profiler(&profiler);
  for (int r = 0; r < 3; ++r) model->run(4);
  model->set_profiler(nullptr);
  model->get_output_accumulators(profiled, 4);
  EXPECT_EQ(profiled, plain);
  EXPECT_EQ(profiler.runs(), 3);
  for (std::int64_t calls : profiler.calls()) EXPECT_EQ(calls, 3);
  const double parts = std::accumulate(profiler.seconds().begin(), profiler.seconds().end(), 0.0);
  EXPECT_GT(parts, 0.0);
  EXPECT_LE(parts, profiler.run_seconds());

  // The steps run one by one, in order, are the run.
  model->set_input(pixels, 4);
  for (std::size_t i = 0; i < profiler.steps().size(); ++i) model->run_step(i, 4);
  model->get_output_accumulators(stepwise, 4);
  EXPECT_EQ(stepwise, plain);
  EXPECT_THROW(model->run_step(profiler.steps().size(), 4), std::out_of_range);

  const StepProfile profile = summarize_profile(profiler, graph);
  bool fused = false;
  for (const ProfileStep& s : profile.steps) fused = fused || s.name == "fc1+fc1/bn+fc1/relu";
  EXPECT_TRUE(fused) << profile_table(profile);
}

TEST(ProfileSteps, LowbitTimesEachStepAndKeepsItsResults) {
  expect_profiled_steps("lowbit", parse_precision("W1A1"));
}

TEST(ProfileSteps, GemmlowpTimesEachStepAndKeepsItsResults) {
  expect_profiled_steps("gemmlowp", parse_precision("INT8"));
}

TEST(ProfileSteps, OnednnTimesEachStepAndKeepsItsResults) {
  expect_profiled_steps("onednn", parse_precision("INT8"));
}

TEST(ProfileSteps, ReferenceSaysItDoesNotSplitItsRun) {
  const Graph graph = small_mlp();
  const auto model = make_backend("reference")->compile(graph, parse_precision("FP32"), {});
  const auto steps = model->steps(1);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].node, "");
  EXPECT_EQ(steps[0].kind, "whole network (backend reference does not split its run)");
  StepProfiler profiler(steps);
  EXPECT_TRUE(profiler.whole_run());
  model->set_profiler(&profiler);
  model->set_input(testing::random_pixels(model->info().input.elements(), 1), 1);
  model->run(1);
  model->run(1);
  EXPECT_EQ(profiler.calls()[0], 2);
  EXPECT_LE(profiler.seconds()[0], profiler.run_seconds());
}

constexpr const char* kQuick =
    " --warmup-seconds 0 --min-seconds 0.01 --min-queries 5 --power none --no-store";

TEST(ProfileCli, RunProfileJsonNamesFusedStepsAndSumsToTheRun) {
  const fs::path dir = test::fresh_dir("qtb_profile");
  const auto r = test::run_app(dir,
                               "run --model mlp --prune 0.125 --precision W1A1 --backend lowbit "
                               "--batch 2 --profile --format json" +
                                   std::string(kQuick));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& profile = doc.at("profile");
  ASSERT_EQ(profile.at("steps").size(), 5u);  // flatten, fc1..fc3 fused, fc4
  EXPECT_EQ(profile["steps"][1]["name"], "fc1+fc1/bn+fc1/relu");
  EXPECT_EQ(profile["steps"][1]["layer_type"], "dense+batchnorm+activation");
  EXPECT_EQ(profile["steps"][4]["kind"], "pack+gemm+int32 out");
  double sum = 0;
  for (const auto& step : profile["steps"]) {
    EXPECT_EQ(step["calls"], profile["runs"]);
    sum += step["total_ms"].get<double>();
  }
  EXPECT_NEAR(sum, profile["steps_ms"].get<double>(), 1e-9);
  EXPECT_LE(sum, profile["run_ms"].get<double>());
}

TEST(ProfileCli, CsvWithoutProfileIsRefused) {
  const fs::path dir = test::fresh_dir("qtb_profile");
  const auto r = test::run_app(
      dir, "run --model mlp --backend lowbit --precision W1A1 --format csv" + std::string(kQuick));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("run prints table or json (csv only with --profile)"), std::string::npos)
      << r.err;
}

TEST(ProfileCli, CsvPrintsTheProfileAlone) {
  const fs::path dir = test::fresh_dir("qtb_profile");
  const auto r = test::run_app(dir,
                               "run --model mlp --prune 0.125 --precision INT8 --backend onednn "
                               "--profile --format csv" +
                                   std::string(kQuick));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')),
            "step,name,layer_type,kind,calls,total_ms,mean_ms,percent");
}

}  // namespace
}  // namespace qtb
