// The variant-matrix config: defaults, recipe tables and per-precision overrides, and errors that
// name the file, line and field.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "optimize/variant_config.hpp"
#include "optimize/variant_matrix.hpp"

namespace qtb {
namespace {

constexpr const char* kBase =
    "topology = \"mlp\"\ndataset = \"mnist\"\noutput = \"models/x\"\n"
    "precisions = [\"FP32\", \"INT8\", \"W2A2\", \"W1A1\"]\n";

TEST(VariantConfig, RecipesMergeOverTheirBases) {
  const VariantMatrixConfig c =
      parse_variant_config(std::string(kBase) +
                               "scales = [1, 0.125]\nseed = 7\nthreads = 1\n"
                               "[train]\nepochs = 6\nlearning_rate = 0.002\noptimizer = \"sgd\"\n"
                               "[qat]\nepochs = 3\n[qat.W1A1]\nepochs = 9\nschedule = \"step\"\n"
                               "[quantize]\nmethod = \"minmax\"\ncalibration_images = 50\n",
                           "m.toml");
  EXPECT_EQ(c.scales, (std::vector<double>{1, 0.125}));
  EXPECT_EQ(c.precisions.size(), 4u);
  const TrainOptions fp32 = c.recipe(parse_precision("FP32"), false);
  EXPECT_EQ(fp32.epochs, 6);
  EXPECT_DOUBLE_EQ(fp32.learning_rate, 0.002);
  EXPECT_EQ(fp32.optimizer, OptimizerKind::sgd);
  EXPECT_EQ(fp32.seed, 7u);
  EXPECT_EQ(fp32.threads, 1);
  const TrainOptions w2 = c.recipe(parse_precision("W2A2"), true);  // [qat] over [train]
  EXPECT_EQ(w2.epochs, 3);
  EXPECT_DOUBLE_EQ(w2.learning_rate, 0.002);
  EXPECT_EQ(w2.precision, parse_precision("W2A2"));
  const TrainOptions w1 = c.recipe(parse_precision("W1A1"), true);  // [qat.W1A1] over [qat]
  EXPECT_EQ(w1.epochs, 9);
  EXPECT_EQ(w1.schedule, ScheduleKind::step);
  EXPECT_EQ(c.quantize.method, CalibrationMethod::minmax);
  EXPECT_EQ(c.quantize.calibration_images, 50);
  EXPECT_EQ(variant_model_path(c, 0.125, parse_precision("W2A2")),
            std::filesystem::path("models/x/mlp-s0.125-W2A2.safetensors"));
}

TEST(VariantConfig, ErrorsNameFileLineAndField) {
  const auto error = [](const std::string& text) {
    try {
      parse_variant_config(text, "m.toml");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("dataset = \"mnist\"\noutput = \"x\"\nprecisions = [\"FP32\"]\n")
                .find("field 'topology'"),
            std::string::npos);
  EXPECT_NE(error(std::string(kBase) + "[train]\noptimizer = \"rmsprop\"\n")
                .find("m.toml:6: field 'train.optimizer'"),
            std::string::npos);
  EXPECT_NE(error(std::string(kBase) + "[train.W3A3]\nepochs = 1\n").find("train.W3A3"),
            std::string::npos);
  EXPECT_NE(error(std::string(kBase) + "[fine_tune.W2A2]\nepochs = 1\n").find("fine_tune.W2A2"),
            std::string::npos);
  EXPECT_NE(error(std::string(kBase) + "pruning = \"random\"\n").find("field 'pruning'"),
            std::string::npos);
  EXPECT_NE(error(std::string(kBase) + "scales = [0]\n").find("field 'scales'"), std::string::npos);
  EXPECT_NE(error(std::string(kBase) + "dataset_dir = \"x\"\n").find("unknown field"),
            std::string::npos);
  EXPECT_NE(error("topology = \"lenet\"\ndataset = \"mnist\"\noutput = \"x\"\n"
                  "precisions = [\"FP32\"]\n")
                .find("field 'topology'"),
            std::string::npos);
}

}  // namespace
}  // namespace qtb
