// Bad input, the command line: deployment options past their limits, numbers that are not finite,
// seeds, model-file contradictions and unknown commands each give one line naming the option,
// the value and the allowed range, exit 2, and leave the store as it was.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "app_process.hpp"
#include "engine/random_weights.hpp"
#include "graph/model_file.hpp"
#include "limits_test_helpers.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

constexpr const char* kQuick =
    " --warmup-seconds 0 --min-seconds 0.01 --min-queries 5 --power none";

std::string threads_words() {
  return fmt::format("threads must be 1 to {} (this machine's hardware threads)",
                     test::hardware_threads());
}

TEST(LimitsRunOptions, ThreadsPastTheHardwareAreRefusedBeforeAnyBackendIsAsked) {
  const fs::path dir = test::fresh_dir("qtb_limits");
  test::expect_refused(dir, "run --model mlp --threads 5000",
                       "--threads = 5000 is out of range: " + threads_words());
  test::expect_refused(dir, "run --model mlp --backend onednn --threads 100000",
                       "--threads = 100000 is out of range: " + threads_words());
  test::expect_refused(dir, "run --model mlp --threads 0",
                       "--threads = 0 is out of range: " + threads_words());
  test::expect_refused(dir, "run --model mlp --threads many",
                       "--threads = 'many' is not a whole number: " + threads_words());
}

TEST(LimitsRunOptions, BatchAndStreamsPastTheirLimitsAreRefused) {
  const fs::path dir = test::fresh_dir("qtb_limits");
  test::expect_refused(dir, "run --model mlp --batch 100000000",
                       "--batch = 100000000 is out of range: must be 1 to 1048576 inputs");
  test::expect_refused(dir, "run --model mlp --batch 9223372036854775807",
                       "--batch = 9223372036854775807 is out of range: must be 1 to 1048576 "
                       "inputs");
  test::expect_refused(dir, "run --model mlp --batch 99999999999999999999",
                       "--batch = 99999999999999999999 is out of range: must be 1 to 1048576 "
                       "inputs");
  test::expect_refused(dir, "run --model mlp --streams 100000",
                       "--streams = 100000 is out of range: must be 1 to 1024 streams");
}

TEST(LimitsRunOptions, APointThatCannotFitInMemoryIsRefusedBeforeAllocating) {
  const fs::path dir = test::fresh_dir("qtb_limits");
  test::store_with_one_row(dir);
  const std::string before = test::slurp(dir / "kept.db");
  const auto start = std::chrono::steady_clock::now();
  // Within the batch and stream limits, but petabytes of activations together.
  const auto r = test::run_app(dir, "run --model resnet50 --batch 1048576 --streams 1024 --db " +
                                        (dir / "kept.db").string() + kQuick);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("qutibench: error: batch 1048576 x 1024 streams of resnet50 s=1 FP32 "
                        "needs ",
                        0),
            0u)
      << r.err;
  EXPECT_NE(r.err.find(" PB of memory, more than the "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" available\n"), std::string::npos) << r.err;
  EXPECT_EQ(test::slurp(dir / "kept.db"), before);
}

TEST(LimitsRunOptions, NumbersThatAreNotFiniteNameTheOptionTheValueAndTheRange) {
  const fs::path dir = test::fresh_dir("qtb_limits");
  test::expect_refused(dir, "run --model mlp --min-seconds nan",
                       "--min-seconds = nan is out of range: must be a number from 0 to 86400 "
                       "seconds");
  test::expect_refused(dir, "run --model mlp --max-median-ci nan",
                       "--max-median-ci = nan is out of range: must be a number from 1e-06 to 10 "
                       "(a fraction of the median)");
  test::expect_refused(dir, "run --model mlp --max-median-ci inf",
                       "--max-median-ci = inf is out of range: must be a number from 1e-06 to 10 "
                       "(a fraction of the median)");
  test::expect_refused(dir, "run --model mlp --warmup-seconds -inf",
                       "--warmup-seconds = -inf is out of range: must be a number from 0 to 3600 "
                       "seconds");
  test::expect_refused(dir, "run --model mlp --max-seconds 1e999",
                       "--max-seconds = '1e999' is out of range: must be a number from 0.001 to "
                       "86400 seconds");
  test::expect_refused(dir, "run --model mlp --min-seconds soon",
                       "--min-seconds = 'soon' is not a number: must be a number from 0 to 86400 "
                       "seconds");
  test::expect_refused(dir, "run --model mlp --idle-seconds 601",
                       "--idle-seconds = 601 is out of range: must be a number from 0 to 600 "
                       "seconds");
  test::expect_refused(dir, "run --model mlp --prune nan",
                       "--prune = nan is out of range: must be a number from 1e-06 to 1 (the "
                       "fraction of channels kept)");
  test::expect_refused(dir, "run --model mlp --max-queries 0",
                       "--max-queries = 0 is out of range: must be 1 to 1000000000 queries");
  // The range words never spell out DBL_MAX's 309 digits.
  test::expect_refused(dir, "analyze --batch 0",
                       "--batch = 0 is out of range: must be 1 to 1048576 inputs");
}

TEST(LimitsRunOptions, SeedsAreUnsigned64BitAndANegativeOneIsRefused) {
  const fs::path dir = test::fresh_dir("qtb_limits");
  test::expect_refused(dir, "run --model mlp --seed -1",
                       "--seed = -1 is out of range: a seed is a whole number from 0 to "
                       "18446744073709551615");
  test::expect_refused(dir, "run --model mlp --seed 18446744073709551616",
                       "--seed = 18446744073709551616 is out of range: a seed is a whole number "
                       "from 0 to 18446744073709551615");
  // The largest seed is taken as it is, not wrapped.
  const auto r = test::run_app(dir,
                               "run --model mlp --prune 0.125 --precision W1A1 --backend lowbit "
                               "--seed 18446744073709551615 --no-store --format json" +
                                   std::string(kQuick));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto row = nlohmann::json::parse(r.out).at("rows").at(0);
  EXPECT_NE(row.at("notes").get<std::string>().find("seed 18446744073709551615"), std::string::npos)
      << row.at("notes");
}

// A short scratch path, so a model file's path fits whole in a message.
fs::path short_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("qtb_lim_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A model file "trained" on MNIST (random weights: only its metadata and shapes matter here).
fs::path mnist_model_file(const fs::path& dir, const std::string& dataset = "mnist") {
  Graph graph = build_topology("mlp", 0.125);
  fill_random_weights(graph, 1);
  ModelMetadata metadata;
  metadata.topology = "mlp";
  metadata.prune = 0.125;
  metadata.precision = "W1A1";
  metadata.dataset = dataset;
  const fs::path file = dir / (dataset.empty() ? "unnamed.safetensors" : "mlp-mnist.safetensors");
  save_model(file, graph, metadata);
  return file;
}

TEST(LimitsModelFile, OptionsTheModelFileFixesAreContradictionsNotIgnored) {
  const fs::path dir = short_dir("fixes");
  const std::string file = mnist_model_file(dir).string();
  test::expect_refused(dir, "run --model mlp --accuracy-limit 100",
                       "--accuracy-limit needs --model-file: only a trained model has an "
                       "accuracy run");
  test::expect_refused(dir, "run --model-file " + file + " --prune 0.5",
                       "--prune 0.5 contradicts '" + file + "', which holds mlp at scale 0.125");
  test::expect_refused(dir, "run --model-file " + file + " --sparsity 0.5",
                       "--sparsity 0.5 contradicts --model-file: its trained weights are measured "
                       "as saved (qutibench optimize prune --method synaptic makes a sparse model "
                       "file)");
}

TEST(LimitsModelFile, AnotherDataSetThanTheModelWasTrainedOnIsRefused) {
  const fs::path dir = short_dir("data_set");
  const std::string file = mnist_model_file(dir).string();
  test::expect_refused(
      dir, "run --model-file " + file + " --dataset fashion-mnist",
      "data set 'fashion-mnist' does not match model file '" + file + "', trained on 'mnist'");
  // Without a data set name in the file, the input shape still has to match.
  const std::string unnamed = mnist_model_file(dir, "").string();
  test::expect_refused(
      dir, "run --model-file " + unnamed + " --dataset cifar10",
      "data set 'cifar10' has 3x32x32 images, model file '" + unnamed + "' takes 1x28x28 inputs");
}

TEST(LimitsCommandLine, AnUnknownCommandIsNamedWithTheKnownOnes) {
  const fs::path dir = test::fresh_dir("qtb_limits");
  const auto r = test::run_app(dir, "bogus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("qutibench: error: unknown command 'bogus' (commands: models, platforms, "
                        "analyze, roofline, run, ",
                        0),
            0u)
      << r.err;
  EXPECT_NE(r.err.find(", sweep, "), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  // No command at all: a short usage, still exit 2.
  const auto bare = test::run_app(dir, "");
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_EQ(bare.err.rfind("usage: qutibench COMMAND [OPTIONS]", 0), 0u) << bare.err;
  EXPECT_LE(test::count_lines(bare.err), 2) << bare.err;
  EXPECT_TRUE(bare.out.empty());
}

TEST(LimitsPlatforms, ProbeThreadsHaveTheSameLimitAndZeroStillMeansAll) {
  const fs::path dir = test::fresh_dir("qtb_limits");
  const fs::path catalog = dir / "catalog";
  fs::create_directories(catalog);
  for (const std::string threads : {"5000", "-1"}) {
    const auto r = test::run_app(dir, "platforms --probe --probe-seconds 0.01 --threads " +
                                          threads + " --catalog " + catalog.string());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, "qutibench: error: --threads = " + threads +
                         " is out of range: " + threads_words() + ", or 0 for all of them\n");
    EXPECT_FALSE(fs::exists(catalog / "host.toml"));
  }
  // A file given as the catalog is said to be one.
  const fs::path file = short_dir("catalog_file") / "tx2.toml";
  test::spit(file, "name = \"TX2\"\n");
  const auto r = test::run_app(dir, "platforms --catalog " + file.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "qutibench: error: platform catalog '" + file.string() +
                       "' is a file, not a catalog directory\n");
}

}  // namespace
}  // namespace qtb
