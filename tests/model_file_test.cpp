// Model files: graph, weights and metadata come back bit for bit, the file is plain safetensors
// other tools can read, and damaged or inconsistent files are refused with the reason.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "engine/random_weights.hpp"
#include "graph/graph_json.hpp"
#include "graph/model_file.hpp"
#include "graph/safetensors.hpp"
#include "model_test_files.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;
using test::expect_input_error;

ModelMetadata full_metadata() {
  ModelMetadata m;
  m.topology = "mlp";
  m.prune = 0.125;
  m.precision = "W2A2";
  m.dataset = "fashion-mnist-32x32x3";
  m.method = "filter pruning (L1) of mlp-p1.safetensors + fine-tuning";
  m.recipe = R"({"epochs": 20, "lr": 0.001, "optimizer": "adam"})";
  m.seed = std::numeric_limits<std::uint64_t>::max();
  m.top1 = 0.9817;
  m.top1_samples = 10000;
  m.top1_backend = "reference";
  m.parent = "models/mlp-p1.safetensors";
  m.tool_version = "0.3.0";
  m.created_at = "2026-11-24T00:40:00Z";
  return m;
}

Graph with_weights(Graph graph, std::uint64_t seed = 7) {
  fill_random_weights(graph, seed);
  return graph;
}

// Quantizers with awkward scales, a residual add, a concat, a depthwise conv, ceil-mode pooling,
// global pooling and biases on conv and dense.
Graph quantized_residual_graph() {
  Graph g("quantized_residual");
  int x = g.input(Shape{3, 8, 8});
  x = g.quantizer(x, QuantizerAttrs{8, true, 1.0f / 127.0f}, "in/quant");
  Conv2dAttrs conv = square_conv(8, 3, 1, 1);
  conv.bias = true;
  x = g.activation(g.batch_norm(g.conv2d(x, conv, "conv1"), "conv1/bn"), ActivationKind::ReLU,
                   "conv1/relu");
  x = g.quantizer(x, QuantizerAttrs{2, false, 0.37f}, "conv1/quant");
  const int branch = g.batch_norm(g.conv2d(x, square_conv(8, 1), "branch"), "branch/bn");
  const int sum = g.add({x, branch}, "sum");
  x = g.concat({sum, x}, "cat");
  x = g.max_pool(x, PoolAttrs{3, 2, 1, true}, "pool");
  x = g.activation(g.conv2d(x, square_conv(16, 3, 1, 1, 16), "dw"), ActivationKind::HardTanh,
                   "dw/hardtanh");
  x = g.flatten(g.global_avg_pool(x, "gap"), "flatten");
  g.softmax(g.dense(x, DenseAttrs{10, true}, "fc"), "prob");
  return g;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

void expect_same_model(const Graph& saved, const Graph& loaded) {
  EXPECT_EQ(graph_to_json(saved), graph_to_json(loaded));
  ASSERT_EQ(saved.size(), loaded.size());
  for (int id = 0; id < saved.size(); ++id) {
    SCOPED_TRACE(saved.node(id).name);
    EXPECT_EQ(saved.node(id).output, loaded.node(id).output);
    EXPECT_TRUE(same_bits(saved.node(id).weights, loaded.node(id).weights));
    EXPECT_TRUE(same_bits(saved.node(id).bias, loaded.node(id).bias));
  }
  EXPECT_TRUE(loaded.has_all_weights());
}

void expect_round_trip(const Graph& graph) {
  const fs::path file = test::model_scratch_dir() / (graph.name() + ".safetensors");
  save_model(file, graph, full_metadata());
  const ModelFile model = load_model(file);
  expect_same_model(graph, model.graph);
  EXPECT_EQ(model.metadata, full_metadata());
}

TEST(ModelFile, MlpRoundTripsBitExactly) {
  expect_round_trip(with_weights(build_mlp(0.125)));
}

TEST(ModelFile, CnvRoundTripsBitExactly) {
  expect_round_trip(with_weights(build_cnv(0.125), 11));
}

TEST(ModelFile, QuantizedResidualGraphRoundTripsBitExactly) {
  const Graph graph = with_weights(quantized_residual_graph());
  expect_round_trip(graph);
  const fs::path file = test::model_scratch_dir() / "q.safetensors";
  save_model(file, graph, {});
  const Graph loaded = load_model(file).graph;
  const float scale = std::get<QuantizerAttrs>(loaded.node(1).attrs).scale;
  EXPECT_EQ(std::bit_cast<std::uint32_t>(scale), std::bit_cast<std::uint32_t>(1.0f / 127.0f));
}

// Values a text format would mangle: NaN payloads, negative zero, infinities, denormals.
TEST(ModelFile, SpecialFloatValuesRoundTripBitExactly) {
  Graph graph("special");
  graph.dense(graph.input(Shape{3, 1, 1}), DenseAttrs{2, true}, "fc");
  graph.set_weights(
      1,
      {std::bit_cast<float>(0x7fc01234u), -0.0f, std::numeric_limits<float>::infinity(),
       -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::denorm_min(),
       std::bit_cast<float>(0xffbfffffu)},
      {std::numeric_limits<float>::max(), -std::numeric_limits<float>::min()});
  expect_round_trip(graph);
}

TEST(ModelFile, MetadataRoundTripsWithOptionalFieldsAbsent) {
  const fs::path file = test::model_scratch_dir() / "m.safetensors";
  ModelMetadata metadata;
  metadata.topology = "cnv";
  metadata.method = "trained from scratch";
  save_model(file, with_weights(build_mlp(0.125)), metadata);
  const ModelMetadata back = load_model(file).metadata;
  EXPECT_EQ(back, metadata);
  EXPECT_FALSE(back.top1.has_value());
  EXPECT_FALSE(back.top1_samples.has_value());
  const auto stored =
      nlohmann::json::parse(read_safetensors(file).metadata.at("qutibench.metadata"));
  EXPECT_TRUE(stored.at("top1").is_null());
  EXPECT_TRUE(stored.at("top1_samples").is_null());
}

TEST(ModelFile, RefusesInvalidMetadataOnSave) {
  const fs::path file = test::model_scratch_dir() / "m.safetensors";
  const Graph graph = with_weights(build_mlp(0.125));
  ModelMetadata metadata;
  metadata.top1 = 1.5;
  expect_input_error([&] { save_model(file, graph, metadata); }, {"top1 must be in [0, 1]"});
  metadata = {};
  metadata.recipe = "epochs=3";
  expect_input_error([&] { save_model(file, graph, metadata); },
                     {"recipe must be empty or a JSON"});
  metadata = {};
  metadata.prune = 0.0;
  expect_input_error([&] { save_model(file, graph, metadata); }, {"prune must be in (0, 1]"});
  EXPECT_FALSE(fs::exists(file));
}

// Read as any safetensors reader would, without our reader: header JSON, offsets into the
// buffer, raw little-endian floats; PyTorch names for the batchnorm vectors.
TEST(ModelFile, FileIsPlainSafetensors) {
  const fs::path file = test::model_scratch_dir() / "mlp.safetensors";
  const Graph graph = with_weights(build_mlp(0.125));
  save_model(file, graph, full_metadata());
  const auto parts = test::split_safetensors(test::read_all(file));

  const auto& fc1 = parts.header.at("fc1.weight");
  EXPECT_EQ(fc1.at("dtype"), "F32");
  EXPECT_EQ(fc1.at("shape"), nlohmann::json({256, 784}));
  const auto begin = fc1.at("data_offsets")[0].get<std::size_t>();
  const auto end = fc1.at("data_offsets")[1].get<std::size_t>();
  ASSERT_EQ(end - begin, 256u * 784u * 4u);
  std::vector<float> stored((end - begin) / 4);
  std::memcpy(stored.data(), parts.buffer.data() + begin, end - begin);
  EXPECT_TRUE(same_bits(stored, graph.node(2).weights));  // node 2 is fc1

  // Batchnorm: gamma, beta, mean, variance under PyTorch's names.
  const auto bn_begin =
      parts.header.at("fc1/bn.running_var").at("data_offsets")[0].get<std::size_t>();
  EXPECT_EQ(parts.header.at("fc1/bn.running_var").at("shape"), nlohmann::json({256}));
  float first_var = 0;
  std::memcpy(&first_var, parts.buffer.data() + bn_begin, 4);
  EXPECT_EQ(first_var, graph.node(3).weights[3 * 256]);
  for (const char* name : {"fc1/bn.weight", "fc1/bn.bias", "fc1/bn.running_mean"}) {
    EXPECT_TRUE(parts.header.contains(name)) << name;
  }
  EXPECT_FALSE(parts.header.contains("fc1.bias")) << "the mlp's dense layers have no bias";

  const auto& metadata = parts.header.at("__metadata__");
  EXPECT_EQ(metadata.at("format"), "qutibench");
  EXPECT_EQ(metadata.at("qutibench.version"), "1");
  EXPECT_EQ(nlohmann::json::parse(metadata.at("qutibench.graph").get<std::string>()).at("name"),
            "mlp");
  EXPECT_EQ(nlohmann::json::parse(metadata.at("qutibench.metadata").get<std::string>()).at("prune"),
            0.125);
}

// A second, independent reader: Python's standard library (struct, json, array).
TEST(ModelFile, ReadableWithPythonStandardLibrary) {
  if (std::system("python3 -c 'import array, json, struct' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 not available";
  }
  const fs::path dir = test::model_scratch_dir();
  const Graph graph = with_weights(build_cnv(0.125));
  save_model(dir / "cnv.safetensors", graph, full_metadata());
  test::write_all(dir / "read.py", R"(import array, json, struct, sys
data = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8:8 + n])
entry = header["conv1.weight"]
begin, end = entry["data_offsets"]
values = array.array("f")
values.frombytes(data[8 + n + begin:8 + n + end])
print(entry["dtype"], entry["shape"], len(values), repr(values[0]), repr(values[-1]),
      header["__metadata__"]["format"])
)");
  const std::string command = "python3 " + (dir / "read.py").string() + " " +
                              (dir / "cnv.safetensors").string() + " > " +
                              (dir / "out.txt").string();
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::vector<float>& w = graph.node(1).weights;  // conv1: 16 x 3 x 3 x 3
  char first[64], last[64];
  ASSERT_EQ(std::sscanf(test::read_all(dir / "out.txt").c_str(), "F32 [16, 3, 3, 3] 432 %63s %63s",
                        first, last),
            2);
  EXPECT_EQ(static_cast<float>(std::strtod(first, nullptr)), w.front());
  EXPECT_EQ(static_cast<float>(std::strtod(last, nullptr)), w.back());
  EXPECT_NE(test::read_all(dir / "out.txt").find("qutibench"), std::string::npos);
}

TEST(ModelFile, ReadableWithPythonSafetensorsWhenInstalled) {
  if (std::system("python3 -c 'import safetensors.numpy' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 safetensors package not installed";
  }
  const fs::path dir = test::model_scratch_dir();
  save_model(dir / "mlp.safetensors", with_weights(build_mlp(0.125)), full_metadata());
  const std::string command =
      "python3 -c 'import sys, safetensors.numpy as s; t = s.load_file(sys.argv[1]); "
      "assert t[\"fc1.weight\"].shape == (256, 784) and str(t[\"fc1.weight\"].dtype) == "
      "\"float32\" and t[\"fc1/bn.running_var\"].shape == (256,)' " +
      (dir / "mlp.safetensors").string();
  EXPECT_EQ(std::system(command.c_str()), 0);
}

// A saved mlp (512 wide) to damage in the tests below.
struct SavedMlp {
  fs::path dir = test::model_scratch_dir();
  fs::path file = dir / "mlp.safetensors";
  fs::path damaged = dir / "damaged.safetensors";
  SavedMlp() { save_model(file, with_weights(build_mlp(0.25)), full_metadata()); }

  void expect_bytes_refused(const std::string& bytes,
                            std::initializer_list<std::string_view> parts) const {
    test::write_all(damaged, bytes);
    expect_input_error([&] { load_model(damaged); }, parts);
  }
  // Rewritten through our (valid) safetensors writer after `edit`.
  void expect_edit_refused(const std::function<void(SafetensorsFile&)>& edit,
                           std::initializer_list<std::string_view> parts) const {
    SafetensorsFile contents = read_safetensors(file);
    edit(contents);
    write_safetensors(damaged, contents);
    expect_input_error([&] { load_model(damaged); }, parts);
  }
  void expect_graph_edit_refused(const std::function<void(nlohmann::json&)>& edit,
                                 std::initializer_list<std::string_view> parts) const {
    expect_edit_refused(
        [&](SafetensorsFile& contents) {
          auto graph = nlohmann::json::parse(contents.metadata.at("qutibench.graph"));
          edit(graph);
          contents.metadata["qutibench.graph"] = graph.dump();
        },
        parts);
  }
};

TEST(ModelFile, RefusesTruncatedAndNonSafetensorsFiles) {
  const SavedMlp mlp;
  const std::string bytes = test::read_all(mlp.file);
  const std::string path = mlp.damaged.string();
  mlp.expect_bytes_refused(bytes.substr(0, bytes.size() - 100), {path, "outside the"});
  mlp.expect_bytes_refused(bytes.substr(0, 6), {path, "too short"});
  mlp.expect_bytes_refused(test::le64(bytes.size()) + bytes.substr(8), {path, "header length"});
  std::string garbled = bytes;
  garbled[8 + 1] = '?';  // right after the opening brace
  mlp.expect_bytes_refused(garbled, {path, "header: not valid JSON"});
}

TEST(ModelFile, RefusesBadOffsets) {
  const SavedMlp mlp;
  const std::string bytes = test::read_all(mlp.file);
  mlp.expect_bytes_refused(
      test::edit_header(
          bytes,
          [](nlohmann::json& h) {
            auto& offsets = h["fc4.weight"]["data_offsets"];
            offsets = {0, offsets[1].get<std::int64_t>() - offsets[0].get<std::int64_t>()};
          }),
      {mlp.damaged.string(), "overlaps"});
  mlp.expect_bytes_refused(test::edit_header(bytes,
                                             [](nlohmann::json& h) {
                                               auto& offsets = h["fc4.weight"]["data_offsets"];
                                               offsets = {offsets[0].get<std::int64_t>() + 1000000,
                                                          offsets[1].get<std::int64_t>() + 1000000};
                                             }),
                           {"tensor fc4.weight", "outside the"});
}

TEST(ModelFile, RefusesTensorsThatDoNotFitTheGraph) {
  const SavedMlp mlp;
  const std::string path = mlp.damaged.string();
  mlp.expect_edit_refused([](SafetensorsFile& f) { f.tensors.back().dtype = TensorDtype::I32; },
                          {path, "tensor fc4.weight has dtype I32, model files store F32"});
  mlp.expect_edit_refused([](SafetensorsFile& f) { f.tensors.pop_back(); },
                          {path, "tensor fc4.weight is missing"});
  mlp.expect_edit_refused(
      [](SafetensorsFile& f) {
        f.tensors.push_back(float_tensor("fc5.weight", {1}, std::vector<float>{1.0f}));
      },
      {path, "tensor fc5.weight is not a parameter of any node"});
  // The graph says fc1 has 256 features; the tensors were saved for 512.
  mlp.expect_graph_edit_refused(
      [](nlohmann::json& graph) {
        for (auto& node : graph["nodes"]) {
          if (node["name"].get<std::string>().starts_with("fc1")) node["output"] = {256, 1, 1};
          if (node["name"] == "fc1") node["attrs"]["out_features"] = 256;
        }
      },
      {path, "tensor fc1.weight has shape [512, 784], the graph expects [256, 784]"});
}

TEST(ModelFile, RefusesBadGraphOrMetadata) {
  const SavedMlp mlp;
  const std::string path = mlp.damaged.string();
  mlp.expect_graph_edit_refused([](nlohmann::json& graph) { graph["nodes"][2]["kind"] = "lstm"; },
                                {path, "node 2 'fc1'", "unknown kind 'lstm'"});
  mlp.expect_edit_refused([](SafetensorsFile& f) { f.metadata["qutibench.graph"] = "{"; },
                          {path, "metadata 'qutibench.graph': not valid JSON"});
  mlp.expect_edit_refused([](SafetensorsFile& f) { f.metadata.erase("format"); },
                          {path, "not a qutibench model file"});
  mlp.expect_edit_refused([](SafetensorsFile& f) { f.metadata["qutibench.version"] = "2"; },
                          {path, "model format version '2' is not supported"});
  mlp.expect_edit_refused([](SafetensorsFile& f) { f.metadata["qutibench.extra"] = "x"; },
                          {path, "unknown metadata key 'qutibench.extra'"});
  mlp.expect_edit_refused(
      [](SafetensorsFile& f) {
        auto metadata = nlohmann::json::parse(f.metadata.at("qutibench.metadata"));
        metadata["seed"] = "seven";
        f.metadata["qutibench.metadata"] = metadata.dump();
      },
      {path, "model metadata", "'seed' must be an integer >= 0"});
}

TEST(ModelFile, RefusesToSaveWithoutWeights) {
  const fs::path file = test::model_scratch_dir() / "mlp.safetensors";
  expect_input_error([&] { save_model(file, build_mlp(0.125), {}); },
                     {"cannot save", "node 'fc1'", "has no weights"});
  EXPECT_FALSE(fs::exists(file));
}

TEST(ModelFile, RefusesToSaveIntoAMissingDirectory) {
  const fs::path dir = test::model_scratch_dir() / "absent";
  expect_input_error(
      [&] { save_model(dir / "mlp.safetensors", with_weights(build_mlp(0.125)), {}); },
      {"cannot write", "absent", "does not exist"});
  EXPECT_FALSE(fs::exists(dir));
}

// The new file replaces the old one whole, and no temporary file is left beside it.
TEST(ModelFile, SavingOverAnExistingFileReplacesIt) {
  const fs::path dir = test::model_scratch_dir();
  const fs::path file = dir / "model.safetensors";
  save_model(file, with_weights(build_mlp(0.125)), full_metadata());
  const Graph cnv = with_weights(build_cnv(0.125));
  save_model(file, cnv, {});
  expect_same_model(cnv, load_model(file).graph);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(ModelFile, RefusedSaveLeavesTheExistingFileAsItWas) {
  const fs::path file = test::model_scratch_dir() / "model.safetensors";
  save_model(file, with_weights(build_mlp(0.125)), full_metadata());
  const std::string before = test::read_all(file);
  EXPECT_THROW(save_model(file, build_cnv(0.125), {}), InputError);
  EXPECT_EQ(test::read_all(file), before);
}

// A bias the graph declares but the node lacks means zeros to every backend; the file holds them
// so PyTorch-style readers find the tensor the graph promises.
TEST(ModelFile, DeclaredButMissingBiasIsStoredAsZeros) {
  Graph graph("biased");
  graph.dense(graph.input(Shape{2, 1, 1}), DenseAttrs{3, true}, "fc");
  graph.set_weights(1, {1, 2, 3, 4, 5, 6});
  const fs::path file = test::model_scratch_dir() / "b.safetensors";
  save_model(file, graph, {});
  const Graph loaded = load_model(file).graph;
  EXPECT_EQ(loaded.node(1).bias, std::vector<float>(3, 0.0f));
  EXPECT_EQ(loaded.node(1).weights, graph.node(1).weights);
}

}  // namespace
}  // namespace qtb
