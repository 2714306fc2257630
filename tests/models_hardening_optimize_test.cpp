// Bad input to `qutibench optimize` and its variant configs: an output that would
// replace its own parent, counts and thread numbers out of range, a negative seed, a pruning
// step without its amount, an output directory that cannot be made. Each is one short line and
// exit 2, refused before any data is loaded or anything is trained, and nothing is written. Also
// the accuracy table of a resumed variant: no made-up time.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app_process.hpp"
#include "core/limits.hpp"
#include "data/locate.hpp"
#include "engine/random_weights.hpp"
#include "graph/model_file.hpp"
#include "optimize/variant_config.hpp"
#include "report/accuracy_table.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

using test::AppResult;
using test::run_app;
using test::slurp;
namespace fs = std::filesystem;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Short directory names: the error lines quote paths.
fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("qtb_mo_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// An FP32 mlp at scale 0.125 with random weights, labelled as trained on MNIST.
fs::path save_parent(const fs::path& file) {
  Graph graph = build_topology("mlp", 0.125);
  fill_random_weights(graph, 3);
  ModelMetadata m;
  m.topology = "mlp";
  m.prune = 0.125;
  m.precision = "FP32";
  m.dataset = "mnist";
  save_model(file, graph, m);
  return file;
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name != "stdout" && name != "stderr") names.push_back(entry.path().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Exit 2, exactly one line on stderr (so no epoch or "loading" line: nothing started), at most
// 200 characters, containing every part.
void expect_refused(const AppResult& r, std::initializer_list<std::string_view> parts) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
  const std::string line = r.err.substr(0, r.err.find('\n'));
  EXPECT_LE(line.size(), 200u) << line;
  for (std::string_view part : parts) {
    EXPECT_NE(line.find(part), std::string::npos) << "'" << line << "' lacks '" << part << "'";
  }
}

TEST(ModelsHardeningOptimize, OutputOntoItsOwnParentIsRefusedInEverySpelling) {
  const fs::path dir = scratch("same");
  const fs::path parent = save_parent(dir / "parent.safetensors");
  fs::create_directories(dir / "sub");
  fs::create_symlink(parent, dir / "link.safetensors");
  fs::create_hard_link(parent, dir / "hard.safetensors");
  const std::string before = slurp(parent);
  const std::vector<std::string> before_listing = listing(dir);
  const std::string p = parent.string();
  const std::vector<std::string> outputs = {p, (dir / "." / "parent.safetensors").string(),
                                            (dir / "sub" / ".." / "parent.safetensors").string(),
                                            (dir / "link.safetensors").string(),
                                            (dir / "hard.safetensors").string()};
  for (const std::string& out : outputs) {
    expect_refused(run_app(dir, "optimize quantize --model-file " + p + " -o " + out),
                   {"names the file --model-file reads", "would replace its parent"});
    expect_refused(run_app(dir, "optimize prune --model-file " + p +
                                    " --method synaptic --sparsity 0.5 --epochs 0 -o " + out),
                   {"names the file --model-file reads"});
    expect_refused(run_app(dir, "optimize train --from " + p + " --epochs 0 -o " + out),
                   {"names the file --from reads"});
  }
  EXPECT_EQ(slurp(parent), before);
  EXPECT_EQ(listing(dir), before_listing);  // no temporary file left either
}

TEST(ModelsHardeningOptimize, OutputThatCannotBeWrittenIsRefusedFirst) {
  const fs::path dir = scratch("badout");
  const std::string parent = save_parent(dir / "parent.safetensors").string();
  expect_refused(run_app(dir, "optimize quantize --model-file " + parent + " -o " + dir.string()),
                 {"is a directory"});
  expect_refused(run_app(dir, "optimize quantize --model-file " + parent + " -o " +
                                  (dir / "absent" / "q.safetensors").string()),
                 {"directory '" + (dir / "absent").string() + "' does not exist"});
  EXPECT_FALSE(fs::exists(dir / "absent"));
}

TEST(ModelsHardeningOptimize, PruneNeedsTheAmountOfItsMethod) {
  const fs::path dir = scratch("amount");
  const std::string parent = save_parent(dir / "parent.safetensors").string();
  const std::string out = (dir / "p.safetensors").string();
  expect_refused(
      run_app(dir, "optimize prune --model-file " + parent + " --method synaptic -o " + out),
      {"optimize prune --method synaptic needs --sparsity S"});
  expect_refused(run_app(dir, "optimize prune --model-file " + parent + " -o " + out),
                 {"optimize prune --method filter-l1 needs --prune P"});
  expect_refused(run_app(dir, "optimize prune --model-file " + parent +
                                  " --method synaptic --sparsity 0.5 --prune 0.5 -o " + out),
                 {"--prune belongs to --method filter-l1"});
  EXPECT_FALSE(fs::exists(out));
}

TEST(ModelsHardeningOptimize, CountsSeedsAndThreadsOutOfRangeAreRefused) {
  const fs::path dir = scratch("ranges");
  const std::string parent = save_parent(dir / "parent.safetensors").string();
  const std::string out = " -o " + (dir / "o.safetensors").string();
  const std::string train = "optimize train --model mlp --prune 0.125 --dataset mnist";
  const std::string prune =
      "optimize prune --model-file " + parent + " --method synaptic --sparsity 0.5";
  const std::string quantize = "optimize quantize --model-file " + parent;
  struct Case {
    std::string command;
    std::string message;
  };
  const std::string threads = std::to_string(max_threads());
  const std::vector<Case> cases = {
      {train + " --seed -1", "--seed = -1 is out of range: must be 0 to 9223372036854775807"},
      {prune + " --seed -1", "--seed = -1 is out of range: must be 0 to"},
      {train + " --epochs 1000000000",
       "--epochs = 1000000000 is out of range: must be 0 to 10000 epochs"},
      {train + " --batch-size 0", "--batch-size = 0 is out of range: must be 1 to 1024 images"},
      {prune + " --batch-size 100000", "--batch-size = 100000 is out of range"},
      {train + " --threads 100000",
       "--threads = 100000 is out of range: threads must be 1 to " + threads},
      {quantize + " --threads 5000", "--threads = 5000 is out of range"},
      {quantize + " --calibration-images 0",
       "--calibration-images = 0 is out of range: must be 1 to 1000000 images"},
  };
  for (const Case& c : cases) {
    expect_refused(run_app(dir, c.command + out), {c.message});
  }
  EXPECT_FALSE(fs::exists(dir / "o.safetensors"));
}

constexpr const char* kConfigBase =
    "topology = \"mlp\"\ndataset = \"mnist\"\noutput = \"models/x\"\nprecisions = [\"FP32\"]\n";

std::string config_error(const std::string& text) {
  try {
    parse_variant_config(text, "m.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ModelsHardeningOptimize, VariantConfigRangesNameFileLineFieldAndRange) {
  const std::string base = kConfigBase;
  const std::string hardware = std::to_string(max_threads());
  EXPECT_EQ(config_error(base + "threads = 100000\n"),
            "m.toml:5: threads = 100000 is out of range: threads must be 1 to " + hardware +
                " (this machine's hardware threads)");
  EXPECT_EQ(config_error(base + "threads = 5000\n").substr(0, 29), "m.toml:5: threads = 5000 is o");
  EXPECT_EQ(config_error(base + "seed = -1\n"),
            "m.toml:5: seed = -1 is out of range: must be 0 to 9223372036854775807");
  EXPECT_EQ(config_error(base + "[train]\nepochs = 1000000000\n"),
            "m.toml:6: train.epochs = 1000000000 is out of range: must be 0 to 10000 epochs");
  EXPECT_EQ(config_error(base + "[qat]\nbatch_size = 0\n"),
            "m.toml:6: qat.batch_size = 0 is out of range: must be 1 to 1024 images");
  EXPECT_EQ(config_error(base + "[qat.W2A2]\nbatch_size = 4096\n"),
            "m.toml:6: qat.W2A2.batch_size = 4096 is out of range: must be 1 to 1024 images");
  EXPECT_EQ(config_error(base + "[fine_tune]\nstep_epochs = 20000\n"),
            "m.toml:6: fine_tune.step_epochs = 20000 is out of range: must be 0 to 10000 epochs");
  EXPECT_EQ(config_error(base + "[quantize]\ncalibration_images = 0\n"),
            "m.toml:6: quantize.calibration_images = 0 is out of range: must be 1 to 1000000 "
            "images");
  EXPECT_EQ(config_error(base + "[train]\nepochs = 2.5\n"),
            "m.toml:6: field 'train.epochs': expected an integer");
  // In range: the limits themselves are accepted.
  const VariantMatrixConfig edge = parse_variant_config(
      base + "seed = 0\nthreads = 1\n[train]\nepochs = 10000\nbatch_size = 1024\n", "m.toml");
  EXPECT_EQ(edge.train.epochs, 10000);
  EXPECT_EQ(edge.train.batch_size, 1024);
}

// The shipped configs stay within the ranges (they ask for at most 2 threads).
TEST(ModelsHardeningOptimize, ShippedVariantConfigsAreInRange) {
  if (max_threads() < 2) GTEST_SKIP() << "the shipped configs ask for 2 threads";
  const fs::path variants = test::reference_dir().parent_path().parent_path() / "variants";
  int configs = 0;
  for (const auto& entry : fs::directory_iterator(variants)) {
    if (entry.path().extension() != ".toml") continue;
    EXPECT_NO_THROW(load_variant_config(entry.path())) << entry.path();
    ++configs;
  }
  EXPECT_GE(configs, 3);
}

TEST(ModelsHardeningOptimize, MatrixRefusesThreadsAndBadOutputBeforeTraining) {
  const fs::path dir = scratch("matrix");
  test::spit(dir / "threads.toml", std::string(kConfigBase) + "threads = 100000\n");
  expect_refused(run_app(dir, "optimize matrix --config " + (dir / "threads.toml").string()),
                 {"threads.toml:5: threads = 100000 is out of range"});

  test::spit(dir / "file", "a regular file");
  const fs::path under_file = dir / "file" / "models";
  test::spit(dir / "out.toml", "topology = \"mlp\"\ndataset = \"mnist\"\noutput = \"" +
                                   under_file.string() + "\"\nprecisions = [\"FP32\"]\n");
  expect_refused(
      run_app(dir, "optimize matrix --config " + (dir / "out.toml").string()),
      {"out.toml: output: cannot create directory '" + under_file.string() + "': Not a directory"});
  EXPECT_EQ(slurp(dir / "file"), "a regular file");
}

// A resumed variant was not made now: its time is empty (null in JSON), and a column says it
// was resumed, instead of the word "resumed" in the seconds column.
TEST(ModelsHardeningOptimize, ResumedVariantHasNoMakeTime) {
  VariantOutcome made;
  made.topology = "mlp";
  made.prune = 0.125;
  made.precision = parse_precision("FP32");
  made.samples = 10;
  made.top1_correct = 9;
  made.make_seconds = 12.34;
  VariantOutcome resumed = made;
  resumed.reused = true;
  resumed.make_seconds.reset();
  const std::vector<VariantOutcome> rows = {made, resumed};

  const nlohmann::json json =
      nlohmann::json::parse(render_accuracy_outcomes(rows, OutputFormat::Json)).at("variants");
  EXPECT_EQ(json.at(0).at("make_seconds"), 12.34);
  EXPECT_FALSE(json.at(0).at("resumed").get<bool>());
  EXPECT_TRUE(json.at(1).at("make_seconds").is_null());
  EXPECT_TRUE(json.at(1).at("resumed").get<bool>());

  const std::string csv = render_accuracy_outcomes(rows, OutputFormat::Csv);
  const auto lines = split_lines(csv);
  ASSERT_EQ(lines.size(), 3u) << csv;
  EXPECT_NE(lines[0].find(",epochs,make_s,resumed,method,"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(",0,12.3,no,"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find(",0,,yes,"), std::string::npos) << lines[2];
  EXPECT_EQ(csv.find("resumed,", csv.find('\n')), std::string::npos) << csv;
}

// End to end: a second run of the same tiny matrix resumes its model file and says so.
TEST(ModelsHardeningOptimize, ResumedMatrixRowHasNullMakeSeconds) {
  if (!probe_data_set(locate_data_set("mnist")).present) {
    GTEST_SKIP() << "MNIST is not installed (scripts/setup.sh)";
  }
  const fs::path dir = scratch("resume");
  test::spit(dir / "m.toml", "topology = \"mlp\"\ndataset = \"mnist\"\noutput = \"" +
                                 (dir / "models").string() +
                                 "\"\nscales = [0.125]\nprecisions = [\"FP32\"]\nthreads = 1\n"
                                 "test_limit = 50\n[train]\nepochs = 0\n");
  const std::string command = "optimize matrix --format json --config " + (dir / "m.toml").string();
  const AppResult first = run_app(dir, command);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const nlohmann::json made = nlohmann::json::parse(first.out).at("variants").at(0);
  EXPECT_TRUE(made.at("make_seconds").is_number());
  EXPECT_FALSE(made.at("resumed").get<bool>());
  const AppResult second = run_app(dir, command);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const nlohmann::json again = nlohmann::json::parse(second.out).at("variants").at(0);
  EXPECT_TRUE(again.at("make_seconds").is_null());
  EXPECT_TRUE(again.at("resumed").get<bool>());
  const auto csv = split_lines(slurp(dir / "models" / "accuracy.csv"));
  ASSERT_EQ(csv.size(), 2u);
  EXPECT_NE(csv[1].find(",0,,yes,"), std::string::npos) << csv[1];
}

}  // namespace
}  // namespace qtb
