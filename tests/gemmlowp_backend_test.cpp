// The gemmlowp backend: its GEMM wrapper against a naive int32 loop (and gemmlowp's offset sign
// convention), hand-built integer networks against the IntegerExecutor, and zoo networks against
// the reference backend, bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/precision.hpp"
#include "core/quantization.hpp"
#include "engine/gemmlowp/compiled_model.hpp"
#include "engine/gemmlowp/gemm.hpp"
#include "engine/gemmlowp/gemmlowp_backend.hpp"
#include "engine/random_weights.hpp"
#include "engine/reference/integer_executor.hpp"
#include "engine/reference/reference_backend.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

using gemmlowp_backend::Gemm;
using gemmlowp_backend::U8Operand;

std::size_t at(std::int64_t i) {
  return static_cast<std::size_t>(i);
}

// ---------------------------------------------------------------------------------------------
// GEMM wrapper

TEST(GemmlowpGemm, AddsTheOffsetsToTheOperands) {
  // gemmlowp's documented convention: result = sum (lhs + lhs_offset) * (rhs + rhs_offset).
  // 130 is the signed level 2 carried as 2 + 128; with offset -128 it multiplies as 2.
  Gemm gemm(1);
  const std::uint8_t lhs = 130, rhs = 5;
  std::int32_t result = 0;
  gemm.multiply(1, 1, 1, U8Operand{&lhs, 1, -128}, U8Operand{&rhs, 1, 0}, &result, 1);
  EXPECT_EQ(result, 10);  // (130 - 128) * 5; the opposite sign would give 1290
  gemm.multiply(1, 1, 1, U8Operand{&lhs, 1, 3}, U8Operand{&rhs, 1, -7}, &result, 1);
  EXPECT_EQ(result, (130 + 3) * (5 - 7));
  // The extreme levels of the carrier: -128 * -128 and 127 * -128 over a long depth.
  const std::vector<std::uint8_t> zeros(4096, 0), tops(4096, 255);
  gemm.multiply(1, 1, 4096, U8Operand{zeros.data(), 4096, -128},
                U8Operand{zeros.data(), 4096, -128}, &result, 1);
  EXPECT_EQ(result, 4096 * 128 * 128);
  gemm.multiply(1, 1, 4096, U8Operand{tops.data(), 4096, -128}, U8Operand{zeros.data(), 4096, -128},
                &result, 1);
  EXPECT_EQ(result, 4096 * 127 * -128);
}

void check_gemm(int m, int n, int k, int threads, int lhs_offset, int rhs_offset,
                std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  // Strides larger than the rows/columns, as a grouped conv's operands have.
  const int lhs_stride = k + 3, rhs_stride = k + 5, result_stride = m + 2;
  std::vector<std::uint8_t> lhs(at(std::int64_t{m} * lhs_stride)),
      rhs(at(std::int64_t{n} * rhs_stride));
  for (auto& v : lhs) v = static_cast<std::uint8_t>(byte(rng));
  for (auto& v : rhs) v = static_cast<std::uint8_t>(byte(rng));
  std::vector<std::int32_t> result(at(std::int64_t{n} * result_stride), -1);
  Gemm gemm(threads);
  gemm.multiply(m, n, k, U8Operand{lhs.data(), lhs_stride, lhs_offset},
                U8Operand{rhs.data(), rhs_stride, rhs_offset}, result.data(), result_stride);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < m; ++i) {
      std::int32_t expected = 0;
      for (int d = 0; d < k; ++d) {
        expected += (lhs[at(std::int64_t{i} * lhs_stride + d)] + lhs_offset) *
                    (rhs[at(std::int64_t{j} * rhs_stride + d)] + rhs_offset);
      }
      ASSERT_EQ(result[at(std::int64_t{j} * result_stride + i)], expected)
          << m << "x" << n << "x" << k << " threads " << threads << " at " << i << "," << j;
    }
    // The padding between result columns is left alone.
    for (int i = m; i < result_stride; ++i) {
      ASSERT_EQ(result[at(std::int64_t{j} * result_stride + i)], -1);
    }
  }
}

TEST(GemmlowpGemm, MatchesANaiveLoopOnOddShapes) {
  struct Case {
    int m, n, k;
  };
  const Case cases[] = {{7, 13, 29},  {1, 1, 1},   {1, 64, 2048}, {2048, 1, 97},
                        {1, 2, 2048}, {33, 65, 9}, {24, 8, 2},    {100, 37, 300}};
  std::uint32_t seed = 1;
  for (const Case& c : cases) {
    for (int threads : {1, 2}) {
      check_gemm(c.m, c.n, c.k, threads, -128, -128, seed++);  // signed x signed levels
      check_gemm(c.m, c.n, c.k, threads, -128, 0, seed++);     // signed weights x unsigned input
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Hand-built integer networks against the IntegerExecutor (no lower() involved): every op kind,
// odd channel counts, depthwise and grouped convs, padding, binary levels.

class NetBuilder {
 public:
  NetBuilder(int weight_bits, int activation_bits, std::uint32_t seed)
      : weight_bits_(weight_bits), act_bits_(activation_bits), rng_(seed) {
    model_.topology = "hand";
    model_.precision = {*integer_type_of_bits(weight_bits), *integer_type_of_bits(activation_bits)};
  }

  int input(Shape shape) {
    return tensor("input", shape, UniformQuantizer{8, false, 1.0f / 255, 0});
  }

  // A hidden activation: unsigned levels of the activation bits, signed when asked (binary
  // activations are always signed).
  UniformQuantizer activation(bool is_signed) const {
    return {act_bits_, is_signed || act_bits_ == 1, 1.0f, 0};
  }

  int conv(int from, Conv2dAttrs a, bool signed_out = false, bool last = false) {
    const Shape& in = shape(from);
    const Shape out{a.out_channels, (in.height + 2 * a.pad_h - a.kernel_h) / a.stride_h + 1,
                    (in.width + 2 * a.pad_w - a.kernel_w) / a.stride_w + 1};
    return gemm_op(QOpKind::Conv, from, a, out, signed_out, last);
  }

  int dense(int from, std::int64_t outputs, bool last = false) {
    Conv2dAttrs a;
    a.out_channels = outputs;
    return gemm_op(QOpKind::Dense, from, a, Shape{outputs, 1, 1}, false, last);
  }

  int pool(QOpKind kind, int from, PoolAttrs p) {
    const Shape& in = shape(from);
    auto size = [&](std::int64_t n) { return (n + 2 * p.pad - p.kernel) / p.stride + 1; };
    const Shape out{in.channels, size(in.height), size(in.width)};
    QOp op = make_op(kind, {from});
    op.pool = p;
    const UniformQuantizer q = kind == QOpKind::MaxPool ? quant(from) : activation(false);
    if (kind == QOpKind::AvgPool) {
      op.pool_requant = requantizer(quant(from), q, p.kernel * p.kernel, 1.0, true);
    }
    return finish(op, out, q);
  }

  int global_avg_pool(int from) {
    const Shape& in = shape(from);
    QOp op = make_op(QOpKind::GlobalAvgPool, {from});
    const UniformQuantizer q = activation(false);
    op.pool_requant = requantizer(quant(from), q, in.height * in.width, 1.0, true);
    return finish(op, Shape{in.channels, 1, 1}, q);
  }

  int add(const std::vector<int>& from, bool signed_out) {
    QOp op = make_op(QOpKind::Add, from);
    std::uniform_int_distribution<int> multiplier(1 << 11, 3 << 11);
    for (std::size_t i = 0; i < from.size(); ++i) op.add_multipliers.push_back(multiplier(rng_));
    op.add_multipliers.back() = -op.add_multipliers.back();  // a negative weight too
    op.add_shift = 12;
    const UniformQuantizer q = activation(signed_out);
    op.pool_requant.lo = q.min_level();
    op.pool_requant.hi = q.max_level();
    op.pool_requant.binary = q.is_binary();
    return finish(op, shape(from.front()), q);
  }

  int concat(const std::vector<int>& from) {
    Shape out = shape(from.front());
    out.channels = 0;
    for (int t : from) out.channels += shape(t).channels;
    return finish(make_op(QOpKind::Concat, from), out, quant(from.front()));
  }

  int flatten(int from) {
    return finish(make_op(QOpKind::Flatten, {from}), Shape{shape(from).elements(), 1, 1},
                  quant(from));
  }

  LoweredModel take(int output) {
    model_.output_tensor = output;
    const auto channels = at(shape(output).channels);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (std::size_t c = 0; c < channels; ++c) {
      model_.output_scale.push_back(0.01f + 0.001f * static_cast<float>(c));
      model_.output_bias.push_back(10.0f * u(rng_));
    }
    return std::move(model_);
  }

  const Shape& shape(int t) const { return model_.tensors[at(t)].shape; }
  const UniformQuantizer& quant(int t) const { return model_.tensors[at(t)].quant; }

 private:
  int tensor(std::string name, Shape shape, UniformQuantizer q) {
    model_.tensors.push_back({std::move(name), shape, q});
    return static_cast<int>(model_.tensors.size()) - 1;
  }

  QOp make_op(QOpKind kind, std::vector<int> inputs) {
    QOp op;
    op.kind = kind;
    op.name = "op" + std::to_string(model_.ops.size());
    op.inputs = std::move(inputs);
    return op;
  }

  int finish(QOp op, Shape out, UniformQuantizer q) {
    op.output = tensor(op.name, out, q);
    const int id = op.output;
    model_.ops.push_back(std::move(op));
    return id;
  }

  // Spreads typical sums of `terms` random-signed products over the output levels, with a
  // random bias (pooling: an average, no bias).
  Requantizer requantizer(const UniformQuantizer& in, const UniformQuantizer& out,
                          std::int64_t terms, double weight_max, bool pooling = false) {
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    const double in_max = std::max(1, std::abs(in.max_level()));
    const double out_max = std::max(1, out.max_level());
    const double typical = std::sqrt(static_cast<double>(terms)) * in_max * weight_max / 4;
    const double multiplier = pooling ? out_max / in_max / static_cast<double>(terms) * jitter(rng_)
                                      : out_max / typical * jitter(rng_);
    const double bias = pooling ? 0.0 : (jitter(rng_) - 1.0) * typical;
    Requantizer r = Requantizer::from_real(multiplier, bias, out.min_level(), out.max_level());
    r.binary = out.is_binary();
    return r;
  }

  int gemm_op(QOpKind kind, int from, const Conv2dAttrs& a, Shape out, bool signed_out, bool last) {
    QOp op = make_op(kind, {from});
    op.conv = a;
    op.weight_quant.bits = weight_bits_;
    const UniformQuantizer wq{weight_bits_, true, 1.0f, 0};
    const std::int64_t fan_in = shape(from).channels / a.groups * a.kernel_h * a.kernel_w;
    std::uniform_int_distribution<int> level(wq.min_level(), wq.max_level());
    op.weights.resize(at(a.out_channels * fan_in));
    std::bernoulli_distribution coin;
    for (auto& w : op.weights) {
      w = static_cast<std::int8_t>(wq.is_binary() ? (coin(rng_) ? 1 : -1) : level(rng_));
    }
    op.weight_quant.scales.assign(at(a.out_channels), 1.0f);
    UniformQuantizer q{32, true, 1.0f, 0};
    if (!last) {
      q = activation(signed_out);
      for (std::int64_t c = 0; c < a.out_channels; ++c) {
        op.requant.push_back(requantizer(quant(from), q, fan_in, wq.max_level()));
      }
    }
    return finish(op, out, q);
  }

  int weight_bits_, act_bits_;
  std::mt19937 rng_;
  LoweredModel model_;
};

// Odd channels, a depthwise block, a grouped conv, both pools with padding, concat, a signed
// residual add, global pooling, flatten and dense.
LoweredModel branchy_net(int weight_bits, int activation_bits, std::uint32_t seed) {
  NetBuilder b(weight_bits, activation_bits, seed);
  int x = b.input(Shape{5, 11, 9});
  x = b.conv(x, square_conv(7, 3, 1, 1));
  x = b.conv(x, square_conv(7, 3, 2, 1, 7));           // depthwise, stride 2
  const int pw = b.conv(x, square_conv(12, 1, 1, 0));  // pointwise: the direct GEMM path
  const int gc = b.conv(pw, square_conv(9, 3, 1, 1, 3));
  const int mp = b.pool(QOpKind::MaxPool, pw, PoolAttrs{3, 2, 1, false});
  const int ap = b.pool(QOpKind::AvgPool, gc, PoolAttrs{3, 2, 1, false});
  const int cat = b.concat({mp, ap});
  const int r1 = b.conv(cat, square_conv(8, 1, 1, 0), true);
  const int r2 = b.conv(cat, square_conv(8, 3, 1, 1), true);
  const int sum = b.add({r1, r2}, false);
  const int gap = b.global_avg_pool(sum);
  return b.take(b.dense(b.flatten(gap), 10, true));
}

// A spatial flatten (NHWC storage to CHW order) before dense layers, and a depthwise conv with a
// channel multiplier.
LoweredModel flatten_net(int weight_bits, int activation_bits, std::uint32_t seed) {
  NetBuilder b(weight_bits, activation_bits, seed);
  int x = b.input(Shape{3, 8, 8});
  x = b.conv(x, square_conv(6, 3, 1, 0));
  x = b.conv(x, square_conv(12, 3, 1, 1, 6));  // 2 outputs per input channel
  x = b.pool(QOpKind::MaxPool, x, PoolAttrs{2, 2, 0, false});
  x = b.dense(b.flatten(x), 13);
  return b.take(b.dense(x, 5, true));
}

// The last layer a conv with a spatial output (accumulators returned in CHW order).
LoweredModel conv_head_net(int weight_bits, int activation_bits, std::uint32_t seed) {
  NetBuilder b(weight_bits, activation_bits, seed);
  int x = b.input(Shape{4, 7, 6});
  x = b.conv(x, square_conv(11, 3, 2, 1));
  return b.take(b.conv(x, square_conv(3, 3, 1, 1), false, true));
}

std::vector<float> random_pixels(std::int64_t count, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> pixels(at(count));
  for (auto& p : pixels) p = u(rng);
  return pixels;
}

void check_against_executor(const LoweredModel& model, std::int64_t batch, int threads) {
  const IntegerExecutor reference(model);
  CompileOptions options;
  options.threads = threads;
  options.max_batch = batch + 2;
  const auto compiled = gemmlowp_backend::compile_lowered(model, options);
  const std::int64_t in = reference.input_shape().elements();
  const std::int64_t out = reference.output_shape().elements();
  const auto pixels = random_pixels(batch * in, static_cast<std::uint32_t>(batch * 31 + threads));
  compiled->set_input(pixels, batch);
  compiled->run(batch);
  compiled->run(batch);  // runs repeat on one input
  std::vector<std::int32_t> got(at(batch * out));
  compiled->get_output_accumulators(got, batch);
  std::vector<float> logits(at(batch * out));
  compiled->get_output(logits, batch);
  for (std::int64_t b = 0; b < batch; ++b) {
    std::vector<std::int32_t> levels(at(in)), expected(at(out));
    reference.quantize_input(std::span(pixels).subspan(at(b * in), at(in)), levels);
    // Every tensor must use more than one level, or the comparison would prove little.
    reference.run(levels, expected, [&](int t, std::span<const std::int32_t> values) {
      const std::set<std::int32_t> distinct(values.begin(), values.end());
      EXPECT_GT(distinct.size(), 1u) << "tensor " << t << " of " << model.precision.name();
    });
    std::vector<float> expected_logits(at(out));
    reference.decode(expected, expected_logits);
    for (std::int64_t i = 0; i < out; ++i) {
      ASSERT_EQ(got[at(b * out + i)], expected[at(i)])
          << model.precision.name() << " batch " << batch << " threads " << threads << " input "
          << b << " output " << i;
      ASSERT_EQ(logits[at(b * out + i)], expected_logits[at(i)]);
    }
  }
}

TEST(GemmlowpModel, MatchesTheIntegerExecutorOnHandBuiltNetworks) {
  const std::pair<int, int> precisions[] = {{8, 8}, {4, 4}, {2, 2}, {1, 1}, {4, 8}, {2, 8}, {8, 1}};
  std::uint32_t seed = 11;
  for (const auto& [w, a] : precisions) {
    for (auto* make : {&branchy_net, &flatten_net, &conv_head_net}) {
      const LoweredModel model = make(w, a, seed++);
      for (std::int64_t batch : {1, 3}) {
        for (int threads : {1, 2}) check_against_executor(model, batch, threads);
      }
    }
  }
}

TEST(GemmlowpModel, RefusesBatchesOutsideItsMaximum) {
  const LoweredModel model = conv_head_net(8, 8, 5);
  CompileOptions options;
  options.max_batch = 2;
  const auto compiled = gemmlowp_backend::compile_lowered(model, options);
  EXPECT_THROW(compiled->run(3), std::invalid_argument);
  EXPECT_THROW(compiled->run(0), std::invalid_argument);
  EXPECT_EQ(compiled->info().backend, "gemmlowp");
  EXPECT_EQ(compiled->info().weight_bytes, 11 * 4 * 9 + 3 * 11 * 9);
}

// ---------------------------------------------------------------------------------------------
// The backend on zoo networks: lower() + gemmlowp against the reference backend.

TEST(GemmlowpBackend, StatesWhatItRuns) {
  const auto backend = make_gemmlowp_backend();
  EXPECT_EQ(backend->name(), "gemmlowp");
  const auto caps = backend->capabilities();
  EXPECT_EQ(caps.precisions.size(), 16u);  // every WxAy with x, y in 1, 2, 4, 8
  for (const char* name : {"INT8", "W4A4", "W2A2", "W1A1", "W4A8", "W2A8"}) {
    EXPECT_NE(std::find(caps.precisions.begin(), caps.precisions.end(), parse_precision(name)),
              caps.precisions.end())
        << name;
  }
  Graph mlp = build_topology("mlp", 0.125);
  fill_random_weights(mlp, 1);
  EXPECT_THROW(backend->compile(mlp, parse_precision("FP32"), {}), UnsupportedError);
  EXPECT_THROW(backend->compile(mlp, parse_precision("FP16"), {}), UnsupportedError);
  CompileOptions portable;
  portable.portable = true;
  EXPECT_THROW(backend->compile(mlp, parse_precision("INT8"), portable), UnsupportedError);
  const auto w2a2 = backend->compile(mlp, parse_precision("W2A2"), {});
  EXPECT_EQ(w2a2->info().notes, "W2A2 runs in the INT8 carrier (gemmlowp uint8 GEMM)");
  EXPECT_EQ(w2a2->info().output, (Shape{10, 1, 1}));
}

// Accumulators of the gemmlowp backend (threads 1 and 2) and of the reference backend on the same
// seeded weights and inputs, for each batch.
void check_against_reference(const Graph& graph, const char* precision,
                             const std::vector<std::int64_t>& batches) {
  const Precision p = parse_precision(precision);
  const std::int64_t max_batch = *std::max_element(batches.begin(), batches.end());
  CompileOptions ref_options;
  ref_options.max_batch = max_batch;
  const auto expected_model = make_reference_backend()->compile(graph, p, ref_options);
  const std::int64_t in = expected_model->info().input.elements();
  const std::int64_t out = expected_model->info().output.elements();
  const auto gemmlowp = make_gemmlowp_backend();
  std::vector<std::unique_ptr<CompiledModel>> models;
  for (int threads : {1, 2}) {
    if (threads > gemmlowp->capabilities().max_threads) continue;
    CompileOptions options;
    options.threads = threads;
    options.max_batch = max_batch;
    models.push_back(gemmlowp->compile(graph, p, options));
  }
  for (std::int64_t batch : batches) {
    const auto pixels = random_pixels(batch * in, static_cast<std::uint32_t>(batch));
    std::vector<std::int32_t> expected(at(batch * out));
    expected_model->set_input(pixels, batch);
    expected_model->run(batch);
    expected_model->get_output_accumulators(expected, batch);
    for (const auto& model : models) {
      std::vector<std::int32_t> got(at(batch * out));
      model->set_input(pixels, batch);
      model->run(batch);
      model->get_output_accumulators(got, batch);
      ASSERT_EQ(got, expected) << graph.name() << " " << precision << " batch " << batch
                               << " threads " << model->info().threads;
    }
  }
}

Graph zoo_graph(const char* topology, double prune) {
  Graph graph = build_topology(topology, prune);
  fill_random_weights(graph, 42);
  return graph;
}

TEST(GemmlowpBackend, MatchesTheReferenceOnTheMlp) {
  for (double prune : {0.125, 0.25}) {
    const Graph graph = zoo_graph("mlp", prune);
    for (const char* precision : {"INT8", "W4A4", "W2A2"}) {
      check_against_reference(graph, precision, {1, 3, 17});
    }
  }
}

TEST(GemmlowpBackend, MatchesTheReferenceOnTheCnv) {
  for (double prune : {0.125, 0.25}) {
    const Graph graph = zoo_graph("cnv", prune);
    for (const char* precision : {"INT8", "W4A4", "W2A2"}) {
      check_against_reference(graph, precision, {1, 3, 17});
    }
  }
}

TEST(GemmlowpBackend, MatchesTheReferenceOnMixedAndBinaryPrecisions) {
  const Graph graph = zoo_graph("cnv", 0.125);
  for (const char* precision : {"W1A1", "W4A8", "W2A8", "W8A2"}) {
    check_against_reference(graph, precision, {1, 3});
  }
}

// Odd channel counts, a depthwise block (depthwise 3x3 stride 2, grouped 3x3, pointwise), a
// residual add, a padded max pool, a concat and a ceil-mode average pool, through lower().
TEST(GemmlowpBackend, MatchesTheReferenceOnADepthwiseBlock) {
  Graph g("depthwise_block");
  auto conv = [&](int from, std::int64_t out, int kernel, int stride, int pad, std::int64_t groups,
                  bool relu, const std::string& name) {
    const int c = g.conv2d(from, square_conv(out, kernel, stride, pad, groups), name);
    const int bn = g.batch_norm(c, name + "/bn");
    return relu ? g.activation(bn, ActivationKind::ReLU, name + "/relu") : bn;
  };
  int x = g.input(Shape{3, 15, 13});
  x = conv(x, 9, 3, 1, 1, 1, true, "stem");
  x = conv(x, 9, 3, 2, 1, 9, true, "dw");
  x = conv(x, 15, 3, 1, 1, 3, true, "grouped");
  x = conv(x, 11, 1, 1, 0, 1, true, "pw");
  const int branch = conv(x, 11, 3, 1, 1, 1, false, "res");
  x = g.activation(g.add({x, branch}), ActivationKind::ReLU);
  const int pooled = g.max_pool(x, PoolAttrs{3, 1, 1, false});
  const int side = conv(x, 5, 1, 1, 0, 1, true, "side");
  x = g.concat({pooled, side});
  x = g.avg_pool(x, PoolAttrs{2, 2, 0, true});
  x = g.flatten(g.global_avg_pool(x));
  g.dense(x, DenseAttrs{10, true}, "fc");
  fill_random_weights(g, 9);
  for (const char* precision : {"INT8", "W4A4", "W2A2"}) {
    check_against_reference(g, precision, {1, 3});
  }
}

TEST(GemmlowpBackend, MatchesTheReferenceOnMobilenet) {
  const Graph graph = zoo_graph("mobilenet_v1", 0.125);
  check_against_reference(graph, "INT8", {1, 2});
}
}  // namespace
}  // namespace qtb
