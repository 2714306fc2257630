// The Backend contract of engine/backend.hpp, for every registered backend: the base checks batch
// and spans once (std::invalid_argument, one message each), refuses float accumulators
// (UnsupportedError), and support() gives compile()'s reason as data before any calibration.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "app_process.hpp"
#include "engine/integer_model.hpp"
#include "engine/random_weights.hpp"
#include "engine/registry.hpp"
#include "lowering/lower.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

const Precision kFp32 = Precision::uniform(DataType::FP32);
const Precision kInt8 = Precision::uniform(DataType::INT8);

Graph mlp() {
  Graph g = build_topology("mlp", 0.125);
  fill_random_weights(g, 3);
  return g;
}

// The first of FP32 and INT8 the backend runs (every backend runs one of them on the MLP).
Precision precision_for(const Backend& backend) {
  const auto caps = backend.capabilities().precisions;
  return std::find(caps.begin(), caps.end(), kFp32) != caps.end() ? kFp32 : kInt8;
}

std::vector<float> pixels(std::size_t count) {
  std::vector<float> v(count);
  for (std::size_t i = 0; i < count; ++i) v[i] = static_cast<float>(i % 251) / 250.0f;
  return v;
}

// The message of what `call` throws as E, or a note that it threw nothing.
template <class E, class Call>
std::string message_of(const Call& call) {
  try {
    call();
  } catch (const E& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

TEST(EngineContract, RegistryListsTheBackendsInPreferenceOrder) {
  EXPECT_EQ(backend_names(),
            (std::vector<std::string>{"onednn", "lowbit", "gemmlowp", "sparse", "reference"}));
  EXPECT_EQ(message_of<InputError>([] { make_backend("tpu"); }),
            "unknown backend 'tpu' (known: onednn, lowbit, gemmlowp, sparse, reference)");
}

TEST(EngineContract, EveryBackendChecksBatchAndSpansOnceWithOneMessage) {
  const Graph g = mlp();  // 1x28x28 in, 10 logits out
  for (const std::string& name : backend_names()) {
    SCOPED_TRACE(name);
    const auto backend = make_backend(name);
    const Precision precision = precision_for(*backend);
    const auto model = backend->compile(g, precision, CompileOptions{1, 2});
    CompiledModel& m = *model;
    const std::string prefix = "backend " + name + ": ";

    EXPECT_EQ(message_of<std::invalid_argument>([&] { m.run(0); }),
              prefix + "batch 0 outside 1..2 (the compiled max_batch)");
    EXPECT_EQ(message_of<std::invalid_argument>([&] { m.run(3); }),
              prefix + "batch 3 outside 1..2 (the compiled max_batch)");
    const std::vector<float> one_short(2 * 784 - 1);
    EXPECT_EQ(message_of<std::invalid_argument>([&] { m.set_input(one_short, 2); }),
              prefix + "set_input got a span of 1567 values, batch 2 needs 1568");
    std::vector<float> few_logits(5);
    EXPECT_EQ(message_of<std::invalid_argument>([&] { m.get_output(few_logits, 1); }),
              prefix + "get_output got a span of 5 values, batch 1 needs 10");
    std::vector<std::int32_t> few_acc(19);
    if (is_float(precision.weights)) {
      EXPECT_EQ(message_of<UnsupportedError>([&] { m.get_output_accumulators(few_acc, 2); }),
                prefix + "FP32 has no integer accumulators (a float precision)");
    } else {
      EXPECT_EQ(message_of<std::invalid_argument>([&] { m.get_output_accumulators(few_acc, 2); }),
                prefix + "get_output_accumulators got a span of 19 values, batch 2 needs 20");
    }

    // A refused call changes nothing: the logits are those of the valid calls alone; a longer
    // span is accepted and only its first batch x elements are used.
    const std::vector<float> input = pixels(2 * 784);
    m.set_input(input, 2);
    m.run(2);
    std::vector<float> want(20);
    m.get_output(want, 2);
    m.set_input(pixels(3 * 784), 2);
    EXPECT_THROW(m.set_input(one_short, 2), std::invalid_argument);
    EXPECT_THROW(m.run(3), std::invalid_argument);
    m.set_input(input, 2);
    m.run(2);
    std::vector<float> got(25, -7.0f);
    m.get_output(got, 2);
    EXPECT_EQ(std::vector<float>(got.begin(), got.begin() + 20), want);
    EXPECT_EQ(got[20], -7.0f);  // beyond batch x elements: untouched
  }
}

TEST(EngineContract, SupportIsCompilesReasonAsData) {
  const Graph g = mlp();
  const auto lowbit = make_backend("lowbit");
  EXPECT_EQ(lowbit->support(g, kFp32, {}), "backend lowbit does not support precision FP32");
  EXPECT_EQ(message_of<UnsupportedError>([&] { lowbit->compile(g, kFp32, {}); }),
            "backend lowbit does not support precision FP32");
  EXPECT_EQ(message_of<UnsupportedError>([&] { check_supported(*lowbit, g, kFp32, {}); }),
            "backend lowbit does not support precision FP32");
  EXPECT_EQ(lowbit->support(g, kInt8, {}), std::nullopt);
  const auto onednn = make_backend("onednn");
  EXPECT_EQ(onednn->support(g, kFp32, CompileOptions{0, 1}),
            "backend onednn supports 1 to " + std::to_string(onednn->capabilities().max_threads) +
                " threads, asked for 0");
  CompileOptions portable;
  portable.portable = true;
  EXPECT_EQ(onednn->support(g, kFp32, portable),
            "backend onednn has no portable kernels: oneDNN dispatches on the CPU's ISA");
  EXPECT_EQ(make_backend("reference")->support(g, kFp32, CompileOptions{1, 0}),
            "max_batch must be at least 1");
  Graph no_weights = build_topology("mlp", 0.125);
  EXPECT_EQ(make_backend("sparse")->support(no_weights, kInt8, {}),
            "graph 'mlp' lacks weights (fill_random_weights or load a trained model first)");
}

// dense -> relu -> batchnorm -> dense: the float backends run it; lower() cannot fold a batchnorm
// after an activation, and support() says so for every integer backend without calibrating.
TEST(EngineContract, SupportGivesLoweringsStructuralRefusalWithoutCalibration) {
  Graph g("bn_after_relu");
  const int hidden = g.activation(g.dense(g.flatten(g.input(Shape{4, 1, 1})), DenseAttrs{3, true}),
                                  ActivationKind::ReLU, "relu");
  g.dense(g.batch_norm(hidden, "bn"), DenseAttrs{2, true}, "out");
  fill_random_weights(g, 5);
  const std::string reason =
      "lowering graph 'bn_after_relu', node 'bn': a batchnorm must follow a conv or dense "
      "directly";
  for (const std::string& name : backend_names()) {  // every backend runs INT8
    SCOPED_TRACE(name);
    const auto backend = make_backend(name);
    const auto why = backend->support(g, kInt8, {});
    if (why && why->starts_with("backend onednn: INT8 needs VNNI")) continue;  // this CPU
    EXPECT_EQ(why, reason);
    EXPECT_EQ(message_of<UnsupportedError>([&] { backend->compile(g, kInt8, {}); }), reason);
  }
  EXPECT_EQ(make_backend("reference")->support(g, kFp32, {}), std::nullopt);
  EXPECT_EQ(lowering_refusal(g, kInt8), reason);
  EXPECT_EQ(lowering_refusal(g, kFp32), "lowering: FP32 is a float precision");
  EXPECT_EQ(lowering_refusal(mlp(), kInt8), std::nullopt);

  // What only calibration shows stays with compile(): support() does not run the network.
  Graph huge = mlp();
  const int first = 2;  // input, flatten, then the first dense layer
  ASSERT_EQ(huge.node(first).kind, OpKind::Dense);
  huge.set_weights(first,
                   std::vector<float>(static_cast<std::size_t>(huge.weight_count(first)),
                                      3e38f),  // finite, but their sums overflow
                   std::vector<float>(static_cast<std::size_t>(huge.bias_count(first)), 0.0f));
  const auto lowbit = make_backend("lowbit");
  EXPECT_EQ(lowbit->support(huge, kInt8, {}), std::nullopt);
  const std::string m = message_of<UnsupportedError>([&] { lowbit->compile(huge, kInt8, {}); });
  EXPECT_NE(m.find("calibration produced non-finite values"), std::string::npos) << m;
}

// The sparse backend folds batchnorm and one activation into the dense layer before them; a
// graph it would fold wrongly (or read outside its layers) is refused, not run.
TEST(EngineContract, SparseRefusesFloatGraphsItCannotFold) {
  const auto sparse = make_backend("sparse");
  Graph first_bn("bn_first");
  first_bn.dense(first_bn.batch_norm(first_bn.flatten(first_bn.input(Shape{4, 1, 1})), "bn"),
                 DenseAttrs{2, true}, "out");
  fill_random_weights(first_bn, 1);
  const std::string reason =
      "backend sparse folds a batchnorm into the dense layer before it (node 'bn' follows no "
      "dense layer directly)";
  EXPECT_EQ(sparse->support(first_bn, kFp32, {}), reason);
  EXPECT_EQ(message_of<UnsupportedError>([&] { sparse->compile(first_bn, kFp32, {}); }), reason);

  Graph relu_bn("relu_bn");
  relu_bn.batch_norm(
      relu_bn.activation(
          relu_bn.dense(relu_bn.flatten(relu_bn.input(Shape{4, 1, 1})), DenseAttrs{3, true}),
          ActivationKind::ReLU),
      "bn2");
  fill_random_weights(relu_bn, 2);
  EXPECT_EQ(sparse->support(relu_bn, kFp32, {}),
            "backend sparse folds a batchnorm into the dense layer before it (node 'bn2' follows "
            "no dense layer directly)");

  Graph inner_softmax("inner_softmax");
  inner_softmax.dense(
      inner_softmax.softmax(
          inner_softmax.dense(inner_softmax.flatten(inner_softmax.input(Shape{4, 1, 1})),
                              DenseAttrs{3, true}),
          "sm"),
      DenseAttrs{2, true});
  fill_random_weights(inner_softmax, 3);
  EXPECT_EQ(sparse->support(inner_softmax, kFp32, {}),
            "backend sparse runs softmax only as the last node (node 'sm')");
  EXPECT_EQ(sparse->support(mlp(), kFp32, {}), std::nullopt);
}

TEST(EngineContract, DecodeLogitsIsAccPlusBiasTimesScale) {
  // Two inputs of 2 channels x 1 x 2 (NCHW): channel c of element i is i % 4 / 2.
  const std::vector<std::int32_t> acc = {10, -3, 4, 0, 1, 2, -1, 7};
  std::vector<float> logits(acc.size());
  decode_logits(acc, Shape{2, 1, 2}, {0.25f, 3.0f}, {0.5f, 2.0f}, logits);
  EXPECT_EQ(logits,
            (std::vector<float>{2.625f, -0.625f, 18.0f, 6.0f, 0.375f, 0.625f, 3.0f, 27.0f}));
  EXPECT_THROW(decode_logits(acc, Shape{3, 1, 1}, {1, 1}, {0, 0}, logits), std::invalid_argument);
}

TEST(EngineContract, IntegerBackendsDecodeTheirAccumulatorsOnce) {
  const Graph g = mlp();
  const LoweredModel lowered = lower(g, kInt8);
  const std::vector<float> input = pixels(3 * 784);
  for (const std::string& name : backend_names()) {
    const auto backend = make_backend(name);
    if (backend->support(g, kInt8, {}) != std::nullopt) continue;
    SCOPED_TRACE(name);
    const auto model = backend->compile(g, kInt8, CompileOptions{1, 3});
    model->set_input(input, 3);
    model->run(3);
    std::vector<std::int32_t> acc(30);
    model->get_output_accumulators(acc, 3);
    std::vector<float> logits(30);
    model->get_output(logits, 3);
    for (std::size_t i = 0; i < acc.size(); ++i) {
      const std::size_t c = i % 10;
      const auto want = static_cast<float>((static_cast<double>(acc[i]) + lowered.output_bias[c]) *
                                           lowered.output_scale[c]);
      ASSERT_EQ(logits[i], want) << i;
    }
  }
}

TEST(EngineContract, AppRefusesAnUnsupportedPointWithSupportsReason) {
  const auto dir = test::fresh_dir("qtb_engine_contract");
  const auto db = dir / "r.db";
  const auto r = test::run_app(dir, "run --model cnv --backend sparse --precision FP32 --db " +
                                        db.string() + " --min-seconds 0.01 --warmup-seconds 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "qutibench: error: backend sparse does not support conv2d layers (node 'conv1')\n");
  EXPECT_FALSE(std::filesystem::exists(db));
}

}  // namespace
}  // namespace qtb
