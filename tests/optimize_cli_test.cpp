// `qutibench optimize` end to end on real MNIST (present after scripts/setup.sh): a tiny variant
// matrix (mlp at scale 0.125, one short epoch), its resumption, the accuracy rows of `run
// --model-file`, the single-step commands, and clear refusals of bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app_process.hpp"
#include "data/locate.hpp"
#include "graph/model_file.hpp"
#include "graph/synaptic_pruning.hpp"

namespace qtb {
using namespace test;
namespace {

using nlohmann::json;

bool mnist_present() {
  return probe_data_set(locate_data_set("mnist")).present;
}

// FP32 trained from scratch on 3000 images for one epoch, INT8 by PTQ, W2A2 by QAT; top-1 on the
// first 1000 test images; one thread, so the run is the same on every machine.
std::string tiny_matrix(const fs::path& dir) {
  return "topology = \"mlp\"\ndataset = \"mnist\"\noutput = \"" + (dir / "models").string() +
         "\"\nscales = [0.125]\nprecisions = [\"FP32\", \"INT8\", \"W2A2\"]\nthreads = 1\n"
         "test_limit = 1000\n[train]\nepochs = 1\ntrain_limit = 3000\n[qat]\nepochs = 1\n";
}

const json* find_variant(const json& doc, const std::string& precision) {
  for (const json& v : doc.at("variants")) {
    if (v.at("precision") == precision) return &v;
  }
  return nullptr;
}

TEST(OptimizeCli, TinyMatrixTrainsQuantizesMeasuresAndResumes) {
  if (!mnist_present()) GTEST_SKIP() << "MNIST is not installed (scripts/setup.sh)";
  const fs::path dir = fresh_dir("qtb_optimize");
  spit(dir / "matrix.toml", tiny_matrix(dir));
  const AppResult first =
      run_app(dir, "optimize matrix --config " + (dir / "matrix.toml").string() + " --format json");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const json doc = json::parse(first.out);
  ASSERT_EQ(doc.at("variants").size(), 3u);
  for (const char* precision : {"FP32", "INT8", "W2A2"}) {
    const json* v = find_variant(doc, precision);
    ASSERT_NE(v, nullptr) << precision;
    EXPECT_EQ(v->at("accuracy_samples"), 1000) << precision;
    EXPECT_EQ(v->at("accuracy_source"), "measured");
    EXPECT_FALSE(v->at("resumed").get<bool>());
    EXPECT_TRUE(fs::exists(v->at("model_file").get<std::string>())) << precision;
    // Stated floors for one short epoch on 3000 images of this 784-256-256-256-10 MLP (FP32
    // about 90 %, W2A2 after one QAT epoch about 75 %): a broken trainer, quantizer or backend
    // lands near 10 %.
    EXPECT_GE(v->at("top1").get<double>(), std::string(precision) == "W2A2" ? 60.0 : 80.0)
        << precision;
    EXPECT_LE(v->at("top1_ci95_low").get<double>(), v->at("top1").get<double>());
    EXPECT_GE(v->at("top1_ci95_high").get<double>(), v->at("top1").get<double>());
  }
  // 8-bit post-training quantization costs at most a point here.
  EXPECT_NEAR(find_variant(doc, "INT8")->at("top1").get<double>(),
              find_variant(doc, "FP32")->at("top1").get<double>(), 1.0);
  // Integer variants: every other exact backend predicts every image identically.
  for (const char* precision : {"INT8", "W2A2"}) {
    const json& agreement = find_variant(doc, precision)->at("identical_predictions");
    EXPECT_GE(agreement.size(), 2u) << precision;
    for (const json& a : agreement) {
      EXPECT_EQ(a.at("different"), 0) << precision << " on " << a.at("backend");
      EXPECT_GT(a.at("images").get<int>(), 0);
    }
  }
  for (const char* file : {"accuracy.csv", "accuracy.json", "accuracy.md"}) {
    EXPECT_TRUE(fs::exists(dir / "models" / file)) << file;
  }

  // A second run finds every model file made by the same recipe and measures it again.
  const AppResult second =
      run_app(dir, "optimize matrix --config " + (dir / "matrix.toml").string() + " --format json");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const json again = json::parse(second.out);
  for (const char* precision : {"FP32", "INT8", "W2A2"}) {
    const json* v = find_variant(again, precision);
    EXPECT_TRUE(v->at("resumed").get<bool>()) << precision;
    EXPECT_EQ(v->at("top1"), find_variant(doc, precision)->at("top1")) << precision;
  }

  // The harness row of the W2A2 variant carries its measured accuracy: the same top-1 on the
  // same 1000 images as the matrix, because the integer backends are exact.
  const std::string w2a2 = find_variant(doc, "W2A2")->at("model_file");
  const AppResult run = run_app(dir, "run --model-file " + w2a2 +
                                         " --backend gemmlowp --seconds 0.1 --min-queries 10 "
                                         "--warmup-seconds 0 --accuracy-limit 1000 --format json "
                                         "--power none --db " +
                                         (dir / "r.db").string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json row = json::parse(run.out).at("rows").at(0);
  EXPECT_EQ(row.at("accuracy_source"), "measured");
  EXPECT_EQ(row.at("accuracy_samples"), 1000);
  EXPECT_EQ(row.at("dataset"), "mnist");
  EXPECT_EQ(row.at("precision"), "W2A2");
  EXPECT_DOUBLE_EQ(row.at("top1").get<double>(),
                   find_variant(doc, "W2A2")->at("top1").get<double>());

  // Single steps from the FP32 file: filter pruning to a narrower scale without fine-tuning,
  // and a refused 1-bit post-training quantization (exit 2, nothing written).
  const std::string fp32 = find_variant(doc, "FP32")->at("model_file");
  const AppResult pruned =
      run_app(dir, "optimize prune --model-file " + fp32 +
                       " --method filter-l1 --prune 0.0625 --epochs 0 --test-limit 500 --threads 1 "
                       "--format json -o " +
                       (dir / "pruned.safetensors").string());
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  const json pruned_row = json::parse(pruned.out).at("variants").at(0);
  EXPECT_EQ(pruned_row.at("prune"), 0.0625);
  EXPECT_NE(pruned_row.at("method").get<std::string>().find("filter pruning"), std::string::npos);
  const AppResult refused =
      run_app(dir, "optimize quantize --model-file " + fp32 + " --precision W1A1 -o " +
                       (dir / "w1.safetensors").string());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(count_lines(refused.err), 1) << refused.err;
  EXPECT_FALSE(fs::exists(dir / "w1.safetensors"));
}

TEST(OptimizeCli, BadInputIsOneLineAndExitTwo) {
  const fs::path dir = fresh_dir("qtb_optimize");
  spit(dir / "bad.toml",
       "topology = \"mlp\"\ndataset = \"mnist\"\noutput = \"x\"\n"
       "precisions = [\"FP32\"]\n[train]\nepochs = 1\nlearning_rat = 0.1\n");
  spit(dir / "broken.safetensors", "not a model file");
  const std::vector<std::string> commands = {
      "optimize matrix --config " + (dir / "bad.toml").string(),
      "optimize matrix --config " + (dir / "missing.toml").string(),
      "optimize quantize --model-file " + (dir / "broken.safetensors").string() + " -o " +
          (dir / "q.safetensors").string(),
      "optimize prune --model-file " + (dir / "missing.safetensors").string() + " -o " +
          (dir / "p.safetensors").string(),
      "run --model-file " + (dir / "broken.safetensors").string() + " --no-store",
      "run --model mlp --dataset mnist --no-store",  // accuracy needs trained weights
      "optimize train --model mlp -o " + (dir / "t.safetensors").string(),  // no data set
  };
  for (const std::string& command : commands) {
    const AppResult r = run_app(dir, command);
    EXPECT_EQ(r.exit_code, 2) << command << "\n" << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << command << "\n" << r.err;
  }
  EXPECT_NE(run_app(dir, commands[0]).err.find("train.learning_rat"), std::string::npos);
}

}  // namespace
}  // namespace qtb
