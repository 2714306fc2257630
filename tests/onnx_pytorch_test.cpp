// Imported PyTorch exports compute what PyTorch computed: the reference and onednn backends'
// FP32 outputs against PyTorch's for the same input, and analyze's MACs against torchvision's
// published counts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "data/npy_array.hpp"
#include "measure/batch_inference.hpp"
#include "onnx/onnx_import.hpp"
#include "onnx_test_models.hpp"

namespace qtb::test {
namespace {

// max |ours - PyTorch| / max |PyTorch| <= 1e-4: float32 sums in another order (oneDNN's blocked
// kernels, PyTorch's) differ by a few ulp per accumulation; 1e-4 of the largest logit is far
// below any real mistake (a wrong pad or layout moves logits by tens of percent).
constexpr double kTolerance = 1e-4;

TEST(OnnxPyTorch, ExportsKeepOrFoldTheBatchnorm) {
  QTB_REQUIRE_TORCH_EXPORTS();
  const auto& ops = torch_exports().ops;
  EXPECT_NE(ops.at("cnv_bn_kept").find("BatchNormalization"), std::string::npos);
  EXPECT_EQ(ops.at("cnv_bn_folded").find("BatchNormalization"), std::string::npos);
  for (const char* op : {"Pad", "Clip", "Concat", "AveragePool", "MaxPool", "Gemm"}) {
    EXPECT_NE(ops.at("cnv_bn_folded").find(op), std::string::npos) << op;
  }
  EXPECT_NE(ops.at("mobilenet_v2").find("Clip"), std::string::npos);
}

struct Case {
  std::string model;
  std::string backend;
};

class OnnxMatchesPyTorch : public ::testing::TestWithParam<Case> {};

TEST_P(OnnxMatchesPyTorch, WithinTolerance) {
  QTB_REQUIRE_TORCH_EXPORTS();
  const fs::path dir = torch_exports().python.dir;
  const std::string& model = GetParam().model;
  const ImportedModel imported = import_onnx_model(dir / (model + ".onnx"));
  EXPECT_EQ(imported.graph.name(), model);
  const NpyArray input = read_npy(dir / (model + ".input.npy"));
  const NpyArray expected = read_npy(dir / (model + ".output.npy"));
  const NpyArray ours =
      infer_batch(imported.graph, GetParam().backend, parse_precision("FP32"), input, 1);
  ASSERT_EQ(ours.shape, expected.shape);
  const double error = relative_max_error(ours.values, expected.values);
  RecordProperty("relative_max_error", std::to_string(error));
  std::printf("%s on %s: max error %.3g of the largest logit\n", model.c_str(),
              GetParam().backend.c_str(), error);
  EXPECT_LE(error, kTolerance);
}

INSTANTIATE_TEST_SUITE_P(
    Models, OnnxMatchesPyTorch,
    ::testing::Values(Case{"mlp", "reference"}, Case{"mlp", "onednn"},
                      Case{"cnv_bn_kept", "reference"}, Case{"cnv_bn_kept", "onednn"},
                      Case{"cnv_bn_folded", "reference"}, Case{"cnv_bn_folded", "onednn"},
                      Case{"resnet50", "reference"}, Case{"resnet50", "onednn"},
                      Case{"mobilenet_v2", "reference"}, Case{"mobilenet_v2", "onednn"},
                      Case{"googlenet", "reference"}, Case{"googlenet", "onednn"}),
    [](const auto& test) { return test.param.model + "_" + test.param.backend; });

// torchvision's model table: "GFLOPS" there count multiply-adds.
TEST(OnnxPyTorch, AnalyzeMacsEqualTorchvisionPublished) {
  QTB_REQUIRE_TORCH_EXPORTS();
  const fs::path dir = torch_exports().python.dir;
  const std::map<std::string, double> published = {
      {"resnet50", 4.09e9}, {"mobilenet_v2", 0.30e9}, {"googlenet", 1.50e9}};
  std::string files;
  for (const auto& [model, macs] : published)
    files += " --model-file " + (dir / model).string() + ".onnx";
  const fs::path out = fresh_dir("qtb_onnx_macs");
  const AppResult r = run_app(out, "analyze --precision FP32 --platform all --format json" + files);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto variants = nlohmann::json::parse(r.out).at("variants");
  ASSERT_EQ(variants.size(), published.size());
  for (const auto& variant : variants) {
    const double macs = variant.at("macs").get<double>();
    const double wanted = published.at(variant.at("model").get<std::string>());
    std::printf("%s: %.4g MACs, torchvision %.3g\n", variant.at("model").get<std::string>().c_str(),
                macs, wanted);
    EXPECT_NEAR(macs / wanted, 1.0, 0.01) << variant.at("model");
  }
}

}  // namespace
}  // namespace qtb::test
