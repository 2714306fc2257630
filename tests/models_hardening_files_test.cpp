// Hostile model files: JSON nested 100,000 levels deep in the graph, the metadata or the
// safetensors header, and metadata that disagrees with the graph it describes. Each is refused
// with one short line and exit 2, by the library and through the commands that read model files
// (optimize, run, sweep), and nothing is written.
#include <gtest/gtest.h>

#include <string>

#include "app_process.hpp"
#include "core/precision.hpp"
#include "engine/random_weights.hpp"
#include "graph/model_file.hpp"
#include "graph/safetensors.hpp"
#include "model_test_files.hpp"
#include "train/training_graph.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

using test::AppResult;
using test::count_lines;
using test::expect_input_error;
using test::run_app;
namespace fs = std::filesystem;

// A fresh directory with a short name: the error lines quote paths, and the line limit is about
// the message, not about the test's name.
fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("qtb_mh_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

constexpr int kHostileDepth = 100'000;
constexpr const char* kTooDeep = "JSON nested more than 64 levels deep";

std::string deep_array(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

ModelMetadata mlp_metadata(double prune = 0.125, const std::string& precision = "FP32") {
  ModelMetadata m;
  m.topology = "mlp";
  m.prune = prune;
  m.precision = precision;
  m.dataset = "mnist";
  return m;
}

// A valid model file: the zoo's mlp at scale 0.125 with random weights.
fs::path save_mlp(const fs::path& file, const ModelMetadata& metadata = mlp_metadata()) {
  Graph graph = build_topology("mlp", 0.125);
  fill_random_weights(graph, 3);
  save_model(file, graph, metadata);
  return file;
}

// `file` rewritten with one metadata entry replaced (through the valid safetensors writer).
fs::path with_entry(const fs::path& file, const fs::path& out, const std::string& key,
                    const std::string& value) {
  SafetensorsFile contents = read_safetensors(file);
  contents.metadata[key] = value;
  write_safetensors(out, contents);
  return out;
}

// The one line on stderr, without its newline.
std::string only_line(const AppResult& r) {
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  return r.err.substr(0, r.err.find('\n'));
}

void expect_refused(const AppResult& r, std::initializer_list<std::string_view> parts) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const std::string line = only_line(r);
  EXPECT_LE(line.size(), 200u) << line;
  EXPECT_EQ(line.rfind("qutibench: error: ", 0), 0u) << line;
  for (std::string_view part : parts) {
    EXPECT_NE(line.find(part), std::string::npos) << "'" << line << "' lacks '" << part << "'";
  }
}

TEST(ModelsHardeningFiles, DeepGraphJsonIsRefusedNotACrash) {
  const fs::path dir = scratch("deep_graph");
  const fs::path deep = with_entry(save_mlp(dir / "ok.safetensors"), dir / "deep.safetensors",
                                   "qutibench.graph", deep_array(kHostileDepth));
  expect_input_error([&] { load_model(deep); },
                     {deep.string(), "metadata 'qutibench.graph'", kTooDeep});
  // Through a command: nothing written.
  const AppResult r = run_app(dir, "optimize quantize --model-file " + deep.string() + " -o " +
                                       (dir / "q.safetensors").string());
  expect_refused(r, {deep.string(), "'qutibench.graph'", kTooDeep});
  EXPECT_FALSE(fs::exists(dir / "q.safetensors"));
}

TEST(ModelsHardeningFiles, DeepMetadataJsonIsRefusedNotACrash) {
  const fs::path dir = scratch("deep_meta");
  // An object whose one value is nested deep, so the top level still looks like metadata.
  const fs::path deep =
      with_entry(save_mlp(dir / "ok.safetensors"), dir / "deep.safetensors", "qutibench.metadata",
                 "{\"topology\": " + deep_array(kHostileDepth) + "}");
  expect_input_error([&] { load_model(deep); },
                     {deep.string(), "metadata 'qutibench.metadata'", kTooDeep});
  expect_refused(run_app(dir, "run --model-file " + deep.string() + " --no-store"),
                 {deep.string(), kTooDeep});
}

TEST(ModelsHardeningFiles, DeepSafetensorsHeaderIsRefusedNotACrash) {
  const fs::path dir = scratch("deep_header");
  const fs::path deep =
      test::write_all(dir / "deep.safetensors",
                      test::safetensors_bytes("{\"t\": " + deep_array(kHostileDepth) + "}", ""));
  expect_input_error([&] { load_model(deep); }, {deep.string(), "header", kTooDeep});
  expect_refused(run_app(dir, "run --model-file " + deep.string() + " --no-store"),
                 {deep.string(), "header", kTooDeep});
}

// A recipe is JSON inside the metadata JSON: its depth is capped as well.
TEST(ModelsHardeningFiles, DeepRecipeIsRefused) {
  const fs::path dir = scratch("deep_recipe");
  ModelMetadata metadata = mlp_metadata();
  metadata.recipe = "{\"a\": " + deep_array(kHostileDepth) + "}";
  expect_input_error([&] { save_mlp(dir / "r.safetensors", metadata); },
                     {"recipe must be empty or a JSON object", kTooDeep});
  EXPECT_FALSE(fs::exists(dir / "r.safetensors"));
}

// A sweep naming a directory that holds such a file stops at the config, before any point runs
// or any store is opened.
TEST(ModelsHardeningFiles, SweepWithADeepModelFileIsRefused) {
  const fs::path dir = scratch("deep_sweep");
  fs::create_directories(dir / "models");
  with_entry(save_mlp(dir / "ok.safetensors"), dir / "models" / "deep.safetensors",
             "qutibench.graph", deep_array(kHostileDepth));
  test::spit(dir / "s.toml", "model_files = [\"" + (dir / "models").string() +
                                 "\"]\nbackends = [\"reference\"]\nbatches = [1]\n"
                                 "threads = [1]\n");
  const AppResult r = run_app(
      dir, "sweep --config " + (dir / "s.toml").string() + " --db " + (dir / "r.db").string());
  expect_refused(r, {"s.toml:1", "model_files", "deep.safetensors", kTooDeep});
  EXPECT_FALSE(fs::exists(dir / "r.db"));
}

TEST(ModelsHardeningFiles, MetadataOfAnotherTopologyOrScaleIsRefused) {
  const fs::path dir = scratch("mislabel");
  const fs::path ok = save_mlp(dir / "ok.safetensors");
  EXPECT_EQ(load_model(ok, build_topology).metadata, mlp_metadata());

  ModelMetadata resnet = mlp_metadata();
  resnet.topology = "resnet50";
  const fs::path as_resnet = save_mlp(dir / "resnet.safetensors", resnet);
  // The inputs differ already: mlp reads 1x28x28 images, resnet50 3x224x224.
  expect_input_error([&] { load_model(as_resnet, build_topology); },
                     {as_resnet.string(), "metadata says 'resnet50' at scale 0.125",
                      "layer 0 is input 'input' [1, 28, 28] where that has input 'input' [3, 224, "
                      "224]"});

  const fs::path half = save_mlp(dir / "half.safetensors", mlp_metadata(0.5));
  // fc1 of mlp keeps round(2048 x scale) features: 256 at 0.125, 1024 at 0.5.
  expect_input_error(
      [&] { load_model(half, build_topology); },
      {half.string(), "metadata says 'mlp' at scale 0.5",
       "layer 2 is dense 'fc1' [256, 1, 1] where that has dense 'fc1' [1024, 1, 1]"});

  ModelMetadata unknown = mlp_metadata();
  unknown.topology = "lenet";
  const fs::path as_lenet = save_mlp(dir / "lenet.safetensors", unknown);
  expect_input_error([&] { load_model(as_lenet, build_topology); },
                     {as_lenet.string(), "unknown model 'lenet'"});

  // The commands that label rows or derive variants from the file refuse it; nothing written.
  expect_refused(run_app(dir, "run --model-file " + half.string() + " --no-store"),
                 {"half.safetensors", "metadata says 'mlp' at scale 0.5"});
  expect_refused(run_app(dir, "optimize quantize --model-file " + as_resnet.string() + " -o " +
                                  (dir / "q.safetensors").string()),
                 {"resnet.safetensors", "metadata says 'resnet50'"});
  EXPECT_FALSE(fs::exists(dir / "q.safetensors"));
}

TEST(ModelsHardeningFiles, MetadataPrecisionThatTheQuantizersContradictIsRefused) {
  const fs::path dir = scratch("precision");
  Graph mlp = build_topology("mlp", 0.125);
  fill_random_weights(mlp, 5);
  // A W2A2 training graph: a 2-bit quantizer after each of the three hidden ReLUs.
  const Graph w2a2 = train_detail::training_graph(mlp, parse_precision("W2A2"));
  ASSERT_EQ(w2a2.size(), mlp.size() + 3);

  save_model(dir / "w2a2.safetensors", w2a2, mlp_metadata(0.125, "W2A2"));
  EXPECT_EQ(load_model(dir / "w2a2.safetensors", build_topology).graph.size(), w2a2.size());

  save_model(dir / "fp32.safetensors", w2a2, mlp_metadata(0.125, "FP32"));
  expect_input_error([&] { load_model(dir / "fp32.safetensors", build_topology); },
                     {"metadata says precision FP32, but quantizer 'fc1/relu/quant' has 2-bit"});
  save_model(dir / "w4a4.safetensors", w2a2, mlp_metadata(0.125, "W4A4"));
  expect_input_error([&] { load_model(dir / "w4a4.safetensors", build_topology); },
                     {"metadata says precision W4A4, but quantizer 'fc1/relu/quant' has 2-bit"});
  expect_refused(
      run_app(dir, "run --model-file " + (dir / "fp32.safetensors").string() + " --no-store"),
      {"fp32.safetensors", "metadata says precision FP32"});
}

}  // namespace
}  // namespace qtb
