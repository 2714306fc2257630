// ONNX models on the command line: hostile and unsupported files refused with one line and exit
// 2, and `run`, `analyze`, `infer` on imported models.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "data/npy_array.hpp"
#include "onnx_test_models.hpp"

namespace qtb::test {
namespace {

const PythonOutput& hostile_files() {
  static const PythonOutput files =
      run_python("hostile_onnx_models.py", run_dir("hostile").string(), run_dir("hostile"));
  return files;
}

#define QTB_REQUIRE_HOSTILE_FILES()                                         \
  do {                                                                      \
    ASSERT_FALSE(hostile_files().failed) << hostile_files().reason;         \
    if (!hostile_files().available) GTEST_SKIP() << hostile_files().reason; \
  } while (false)

struct Refusal {
  std::string file;
  std::string message;  // a distinctive part of the one line
};

class OnnxRefuses : public ::testing::TestWithParam<Refusal> {};

TEST_P(OnnxRefuses, WithOneLineAndExitTwo) {
  QTB_REQUIRE_HOSTILE_FILES();
  const fs::path out = fresh_dir("qtb_onnx_refuses");
  const fs::path file = hostile_files().dir / (GetParam().file + ".onnx");
  const AppResult r = run_app(out, "analyze --precision FP32 --model-file " + file.string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(GetParam().file), std::string::npos) << r.err;  // names the file
}

INSTANTIATE_TEST_SUITE_P(
    HostileFiles, OnnxRefuses,
    ::testing::Values(
        Refusal{"truncated", "its protobuf does not parse"},
        Refusal{"not_onnx", "its protobuf does not parse"},
        Refusal{"huge_tensor", "dims claim more than the 268435456 values"},
        Refusal{"unsupported_op",
                "node 'gate' ('Sigmoid'): op 'Sigmoid' is not supported; "
                "supported ops: Conv, Gemm"},
        Refusal{"unknown_input", "input 'nowhere' is not produced by an earlier node"},
        Refusal{"cycle", "node 'first' ('Relu'): input 'z' is not produced by an earlier node"},
        Refusal{"dilated_conv", "dilations other than 1 are not supported"},
        Refusal{"old_opset", "opset 6 is not supported (opsets 7 to 17 are)"},
        Refusal{"wrong_shape",
                "the file states shape N x 2 x 5 x 5, the graph computes N x 2 x 4 x 4"},
        Refusal{"subgraph", "holds a subgraph; subgraphs are not supported"},
        Refusal{"pad_before_maxpool", "folds only into a Conv or AveragePool"},
        Refusal{"escaping_external", "is not a file inside the model's folder"}),
    [](const auto& test) { return test.param.file; });

TEST(OnnxCli, InferWithExternalDataMatchesNumpy) {
  QTB_REQUIRE_HOSTILE_FILES();
  const fs::path dir = hostile_files().dir;
  const fs::path out = fresh_dir("qtb_onnx_infer");
  for (const char* backend : {"reference", "onednn"}) {
    const AppResult r = run_app(out, "infer --model-file " + (dir / "external.onnx").string() +
                                         " --input " + (dir / "good.input.npy").string() + " -o " +
                                         (out / "y.npy").string() + " --backend " + backend);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const NpyArray ours = read_npy(out / "y.npy");
    const NpyArray expected = read_npy(dir / "good.output.npy");
    ASSERT_EQ(ours.shape, (std::vector<std::int64_t>{1, 2, 4, 4}));
    EXPECT_LE(relative_max_error(ours.values, expected.values), 1e-6) << backend;
  }
}

TEST(OnnxCli, InferRefusesAFloat64Input) {
  QTB_REQUIRE_HOSTILE_FILES();
  const fs::path dir = hostile_files().dir;
  const fs::path out = fresh_dir("qtb_onnx_infer_f64");
  const AppResult r =
      run_app(out, "infer --model-file " + (dir / "good.onnx").string() + " --input " +
                       (dir / "float64.npy").string() + " -o " + (out / "y.npy").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("dtype '<f8' is not supported"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out / "y.npy"));
}

TEST(OnnxCli, InferMatchesPyTorchOnTheMlp) {
  QTB_REQUIRE_TORCH_EXPORTS();
  const fs::path dir = torch_exports().python.dir;
  const fs::path out = fresh_dir("qtb_onnx_infer_mlp");
  const AppResult r = run_app(out, "infer --model-file " + (dir / "mlp.onnx").string() +
                                       " --input " + (dir / "mlp.input.npy").string() + " -o " +
                                       (out / "y.npy").string() + " --backend onednn");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const NpyArray ours = read_npy(out / "y.npy");
  const NpyArray expected = read_npy(dir / "mlp.output.npy");
  ASSERT_EQ(ours.shape, expected.shape);
  EXPECT_LE(relative_max_error(ours.values, expected.values), 1e-4);
}

std::string sha256_of(const fs::path& file) {
  const fs::path out = fresh_dir("qtb_onnx_sha");
  std::system(("sha256sum " + file.string() + " > " + (out / "sum").string()).c_str());
  return slurp(out / "sum").substr(0, 64);
}

TEST(OnnxCli, RunNamesTheModelAndItsSha256) {
  QTB_REQUIRE_TORCH_EXPORTS();
  const fs::path model = torch_exports().python.dir / "cnv_bn_folded.onnx";
  const fs::path out = fresh_dir("qtb_onnx_run");
  const AppResult r = run_app(out, "run --model-file " + model.string() +
                                       " --backend onednn --min-seconds 0.01 "
                                       "--warmup-seconds 0 --no-store --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto row = nlohmann::json::parse(r.out).at("rows").at(0);
  EXPECT_EQ(row.at("topology"), "cnv_bn_folded");
  EXPECT_EQ(row.at("precision"), "FP32");
  EXPECT_NE(row.at("notes").get<std::string>().find("sha256 " + sha256_of(model)),
            std::string::npos)
      << row.at("notes");
}

TEST(OnnxCli, RunRefusesReLU6AtAnIntegerPrecision) {
  QTB_REQUIRE_TORCH_EXPORTS();
  const fs::path model = torch_exports().python.dir / "cnv_bn_folded.onnx";
  const fs::path out = fresh_dir("qtb_onnx_run_int8");
  const AppResult r = run_app(out, "run --model-file " + model.string() +
                                       " --precision INT8 --backend onednn --min-seconds 0.01 "
                                       "--warmup-seconds 0 --no-store");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("ReLU6 has no integer lowering yet"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace qtb::test
