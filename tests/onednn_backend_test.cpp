// The onednn backend: FP32 against a plain float loop and the reference backend (1e-4 of the
// largest logit), BF16 against the reference's BF16 storage (kBf16Tolerance), INT8 accumulators
// bit for bit against the reference's integer executor, over batches that run through one or
// several of the model's batch plans, on 1 and 2 threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "engine/backend.hpp"
#include "engine/onednn/batch_ladder.hpp"
#include "engine/onednn/int8_model.hpp"
#include "engine/onednn/onednn_backend.hpp"
#include "engine/onednn/requantize.hpp"
#include "engine/random_weights.hpp"
#include "engine/reference/integer_executor.hpp"
#include "graph/batch_norm.hpp"
#include "lowering/lowered_model.hpp"
#include "zoo/zoo.hpp"

#if __has_include("engine/reference/reference_backend.hpp")
#include "engine/reference/reference_backend.hpp"
#define QTB_HAVE_REFERENCE 1
#else
#define QTB_HAVE_REFERENCE 0
#endif

namespace qtb {
namespace {

const Precision kFp32 = Precision::uniform(DataType::FP32);
const Precision kBf16 = Precision::uniform(DataType::BF16);
const Precision kInt8 = Precision::uniform(DataType::INT8);

// Relative to the largest reference logit of the batch. BF16: the reference rounds every node
// output (conv before batchnorm included) and the batchnorm parameters to bf16, while oneDNN folds
// batchnorm in f32 first and keeps f32 inside a fused conv: two independent sets of roundings
// (2^-9 each) that compound over the layers. Measured on cnv/mlp with seeded weights: each BF16
// is 0.4-1.7 % from FP32 and they differ by up to 3.4 % from each other (cnv 0.25), so 5 %; the
// test also bounds oneDNN's BF16 against FP32 (see expect_float_matches_reference).
constexpr double kFp32Tolerance = 1e-4;
constexpr double kBf16Tolerance = 5e-2;

constexpr std::int64_t kMaxBatch = 17;
const std::int64_t kBatches[] = {1, 3, 17};  // one plan; two plans (2 + 1); the max_batch plan

std::vector<float> pixels(std::int64_t count, std::uint64_t seed) {
  std::vector<float> out(static_cast<std::size_t>(count));
  std::uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  for (auto& v : out) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    v = static_cast<float>(s >> 40) / static_cast<float>(1 << 24);
  }
  return out;
}

double max_relative_error(const std::vector<float>& got, const std::vector<float>& want) {
  double diff = 0.0;
  double scale = 1e-30;
  for (std::size_t i = 0; i < want.size(); ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(got[i]) - want[i]));
    scale = std::max(scale, std::abs(static_cast<double>(want[i])));
  }
  return diff / scale;
}

std::vector<float> run_float(CompiledModel& model, const std::vector<float>& input,
                             std::int64_t batch) {
  model.set_input(input, batch);
  model.run(batch);
  std::vector<float> out(static_cast<std::size_t>(batch * model.info().output.elements()));
  model.get_output(out, batch);
  return out;
}

std::vector<std::int32_t> run_int8(CompiledModel& model, const std::vector<float>& input,
                                   std::int64_t batch) {
  model.set_input(input, batch);
  model.run(batch);
  std::vector<std::int32_t> out(static_cast<std::size_t>(batch * model.info().output.elements()));
  model.get_output_accumulators(out, batch);
  return out;
}

CompileOptions options(int threads, std::int64_t max_batch = kMaxBatch) {
  CompileOptions o;
  o.threads = threads;
  o.max_batch = max_batch;
  return o;
}

std::vector<int> thread_counts() {
  std::vector<int> t{1};
  if (std::thread::hardware_concurrency() >= 2) t.push_back(2);
  return t;
}

// ---- Batch ladder ------------------------------------------------------------------------------

TEST(OnednnBatchLadder, SplitsIntoDistinctPlansLargestFirst) {
  EXPECT_EQ(onednn::batch_ladder(1), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(onednn::batch_ladder(17), (std::vector<std::int64_t>{1, 2, 4, 8, 16, 17}));
  EXPECT_EQ(onednn::batch_ladder(16), (std::vector<std::int64_t>{1, 2, 4, 8, 16}));
  for (std::int64_t max : {1, 2, 5, 16, 17, 64}) {
    const auto ladder = onednn::batch_ladder(max);
    for (std::int64_t b = 1; b <= max; ++b) {
      std::int64_t next = 0;
      std::vector<std::size_t> used;
      for (const auto& c : onednn::split_batch(b, max)) {
        EXPECT_EQ(c.offset, next);
        EXPECT_EQ(c.size, ladder[c.plan]);
        EXPECT_EQ(std::count(used.begin(), used.end(), c.plan), 0) << "plan used twice";
        used.push_back(c.plan);
        next += c.size;
      }
      EXPECT_EQ(next, b);
    }
  }
  EXPECT_THROW(onednn::split_batch(0, 4), std::invalid_argument);
  EXPECT_THROW(onednn::split_batch(5, 4), std::invalid_argument);
}

// ---- Capabilities and refusals -----------------------------------------------------------------

TEST(OnednnBackend, StatesWhatItRunsAndRefusesTheRest) {
  const auto backend = make_onednn_backend();
  EXPECT_EQ(backend->name(), "onednn");
  const BackendCapabilities caps = backend->capabilities();
  EXPECT_EQ(caps.precisions, (std::vector<Precision>{kFp32, kBf16, kInt8}));
  EXPECT_GE(caps.max_threads, 1);
  // Quantizer nodes fold into the INT8 network; at float precisions they are refused.
  EXPECT_EQ(std::count(caps.layers.begin(), caps.layers.end(), OpKind::Quantizer), 1);
  EXPECT_FALSE(caps.float_quantizers);

  Graph g = build_topology("mlp", 0.125);
  fill_random_weights(g, 1);
  EXPECT_THROW(backend->compile(g, parse_precision("W2A2"), options(1)), UnsupportedError);
  EXPECT_THROW(backend->compile(g, Precision::uniform(DataType::FP16), options(1)),
               UnsupportedError);
  EXPECT_THROW(backend->compile(g, kFp32, options(caps.max_threads + 1)), UnsupportedError);
  CompileOptions portable = options(1);
  portable.portable = true;
  EXPECT_THROW(backend->compile(g, kFp32, portable), UnsupportedError);
  Graph q("quantizer");
  q.dense(q.quantizer(q.flatten(q.input(Shape{4, 1, 1})), QuantizerAttrs{}), DenseAttrs{2, false});
  fill_random_weights(q, 1);
  EXPECT_THROW(backend->compile(q, kFp32, options(1)), UnsupportedError);
  Graph folded("folded quantizer");  // dense -> relu -> quantizer folds into one INT8 layer
  const int hidden = folded.activation(
      folded.dense(folded.flatten(folded.input(Shape{4, 1, 1})), DenseAttrs{3, false}),
      ActivationKind::ReLU);
  folded.dense(folded.quantizer(hidden, QuantizerAttrs{8, false, 0.05f}), DenseAttrs{2, false});
  fill_random_weights(folded, 1);
  EXPECT_NO_THROW(backend->compile(folded, kInt8, options(1)));

  const auto model = backend->compile(g, kFp32, options(1));
  std::vector<std::int32_t> acc(10);
  EXPECT_THROW(model->get_output_accumulators(acc, 1), UnsupportedError);
  EXPECT_THROW(model->run(kMaxBatch + 1), std::invalid_argument);
  EXPECT_EQ(model->info().backend, "onednn");
  EXPECT_FALSE(model->info().method.empty());
}

// ---- FP32 against a plain loop -----------------------------------------------------------------

// conv 3x3 (pad 1, bias) -> batchnorm -> ReLU -> flatten -> dense (bias) -> softmax, computed
// here by hand.
TEST(OnednnBackend, Fp32MatchesAPlainLoopOnATinyGraph) {
  Graph g("tiny");
  const Shape in{2, 5, 5};
  Conv2dAttrs ca;
  ca.out_channels = 3;
  ca.kernel_h = ca.kernel_w = 3;
  ca.pad_h = ca.pad_w = 1;
  ca.bias = true;
  const int conv = g.conv2d(g.input(in), ca, "conv");
  const int bn = g.batch_norm(conv, "bn");
  const int dense = g.dense(g.flatten(g.activation(bn, ActivationKind::ReLU)), DenseAttrs{4, true});
  g.softmax(dense);
  fill_random_weights(g, 5);

  const auto backend = make_onednn_backend();
  const auto model = backend->compile(g, kFp32, options(1, 4));
  const std::int64_t batch = 3;
  const std::vector<float> input = pixels(batch * in.elements(), 9);
  const std::vector<float> got = run_float(*model, input, batch);

  const Node& c = g.node(conv);
  const Node& d = g.node(dense);
  const ChannelAffine affine = batch_norm_affine(g, bn);
  std::vector<float> want;
  for (std::int64_t n = 0; n < batch; ++n) {
    const float* x = input.data() + n * in.elements();
    std::vector<float> hidden(3 * 5 * 5);
    for (int o = 0; o < 3; ++o) {
      for (int y = 0; y < 5; ++y) {
        for (int xx = 0; xx < 5; ++xx) {
          float acc = c.bias[static_cast<std::size_t>(o)];
          for (int i = 0; i < 2; ++i) {
            for (int ky = 0; ky < 3; ++ky) {
              for (int kx = 0; kx < 3; ++kx) {
                const int iy = y + ky - 1, ix = xx + kx - 1;
                if (iy < 0 || iy >= 5 || ix < 0 || ix >= 5) continue;
                acc += c.weights[static_cast<std::size_t>(((o * 2 + i) * 3 + ky) * 3 + kx)] *
                       x[(i * 5 + iy) * 5 + ix];
              }
            }
          }
          const float v = affine.scale[static_cast<std::size_t>(o)] * acc +
                          affine.shift[static_cast<std::size_t>(o)];
          hidden[static_cast<std::size_t>((o * 5 + y) * 5 + xx)] = std::max(v, 0.0f);
        }
      }
    }
    for (std::size_t o = 0; o < 4; ++o) {
      float acc = d.bias[o];
      for (std::size_t i = 0; i < hidden.size(); ++i)
        acc += d.weights[o * hidden.size() + i] * hidden[i];
      want.push_back(acc);
    }
  }
  EXPECT_LT(max_relative_error(got, want), kFp32Tolerance);
  EXPECT_EQ(model->info().output, (Shape{4, 1, 1}));
}

// ---- INT8 on hand-built integer networks (no lower() involved) ----------------------------------

Requantizer requant(std::int32_t bias, std::int32_t multiplier, int shift, std::int32_t lo,
                    std::int32_t hi) {
  Requantizer r;
  r.bias = bias;
  r.multiplier = multiplier;
  r.shift = shift;
  r.lo = lo;
  r.hi = hi;
  return r;
}

// Integer values spread over the ranges the rules allow, from a seed.
struct Lcg {
  std::uint64_t s;
  std::int32_t next(std::int32_t lo, std::int32_t hi) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return lo + static_cast<std::int32_t>((s >> 33) % static_cast<std::uint64_t>(hi - lo + 1));
  }
};

QOp conv_op(const std::string& name, int in, int out, const Shape& in_shape, std::int64_t oc,
            int kernel, int stride, int pad, std::int64_t groups, bool last, bool signed_out,
            Lcg& rng) {
  QOp op;
  op.kind = QOpKind::Conv;
  op.name = name;
  op.inputs = {in};
  op.output = out;
  op.conv.out_channels = oc;
  op.conv.kernel_h = op.conv.kernel_w = kernel;
  op.conv.stride_h = op.conv.stride_w = stride;
  op.conv.pad_h = op.conv.pad_w = pad;
  op.conv.groups = groups;
  op.weight_quant.bits = 8;
  op.weight_quant.scales.assign(static_cast<std::size_t>(oc), 0.01f);
  const std::int64_t count = oc * (in_shape.channels / groups) * kernel * kernel;
  for (std::int64_t i = 0; i < count; ++i)
    op.weights.push_back(static_cast<std::int8_t>(rng.next(-127, 127)));
  if (!last) {
    for (std::int64_t c = 0; c < oc; ++c) {
      const std::int32_t lo = signed_out ? -127 : 0;
      const std::int32_t hi = signed_out ? 127 : 255;
      op.requant.push_back(requant(rng.next(-3000, 3000), rng.next(1 << 29, (1 << 30) - 1),
                                   rng.next(12, 24), lo, hi));
    }
  }
  return op;
}

QTensor tensor(const std::string& name, Shape shape, bool is_signed, int bits = 8) {
  return {name, shape, UniformQuantizer{bits, is_signed, 0.05f, 0}};
}

// input(5x9x9, u8) -> conv 3x3 -> 13 signed -> depthwise 3x3 s2 pad 1 (13, unsigned)
//   -> avg pool 3 s2 ceil (2x2) -> 1x1 conv (signed) -> add of both (s8 + u8 -> s8, fused into
//   the conv's epilogue) -> add with the pool again (u8) -> 3-input add (s8) -> concat of its max
//   pool and its global avg pool -> flatten -> dense 7 (int32 out).
LoweredModel hand_model(std::uint64_t seed) {
  Lcg rng{seed};
  LoweredModel m;
  m.topology = "hand";
  m.precision = kInt8;
  m.tensors.push_back({"input", Shape{5, 9, 9}, UniformQuantizer{8, false, 1.0f / 255, 0}});
  m.tensors.push_back(tensor("c1", Shape{13, 7, 7}, true));                           // 1
  m.tensors.push_back(tensor("dw", Shape{13, 4, 4}, false));                          // 2
  m.tensors.push_back(tensor("avg", Shape{13, 2, 2}, false));                         // 3
  m.tensors.push_back(tensor("pw", Shape{13, 2, 2}, true));                           // 4
  m.tensors.push_back(tensor("add", Shape{13, 2, 2}, true));                          // 5
  m.tensors.push_back(tensor("max", Shape{13, 1, 1}, true));                          // 6
  m.tensors.push_back(tensor("gap", Shape{13, 1, 1}, true));                          // 7
  m.tensors.push_back(tensor("cat", Shape{26, 1, 1}, true));                          // 8
  m.tensors.push_back(tensor("flat", Shape{26, 1, 1}, true));                         // 9
  m.tensors.push_back({"out", Shape{7, 1, 1}, UniformQuantizer{32, true, 1.0f, 0}});  // 10
  m.tensors.push_back(tensor("add2", Shape{13, 2, 2}, false));                        // 11
  m.tensors.push_back(tensor("add3", Shape{13, 2, 2}, true));                         // 12
  m.ops.push_back(conv_op("c1", 0, 1, m.tensors[0].shape, 13, 3, 1, 0, 1, false, true, rng));
  m.ops.push_back(conv_op("dw", 1, 2, m.tensors[1].shape, 13, 3, 2, 1, 13, false, false, rng));
  QOp avg;
  avg.kind = QOpKind::AvgPool;
  avg.name = "avg";
  avg.inputs = {2};
  avg.output = 3;
  avg.pool = PoolAttrs{3, 2, 0, true};                   // the last window reaches past the input
  avg.pool_requant = requant(0, 954437177, 33, 0, 255);  // ~ 1/9
  m.ops.push_back(avg);
  m.ops.push_back(conv_op("pw", 3, 4, m.tensors[3].shape, 13, 1, 1, 0, 1, false, true, rng));
  QOp add;
  add.kind = QOpKind::Add;
  add.name = "add";
  add.inputs = {4, 3};
  add.output = 5;
  add.add_multipliers = {700000000, 300000000};
  add.add_shift = 30;
  add.pool_requant.lo = -127;
  add.pool_requant.hi = 127;
  m.ops.push_back(add);  // fused into pw's epilogue
  add.name = "add2";     // of two tensors no conv produces: the standalone 2-input loop
  add.inputs = {5, 3};
  add.output = 11;
  add.add_multipliers = {900000000, 500000000};
  add.add_shift = 29;
  add.pool_requant.lo = 0;
  add.pool_requant.hi = 255;
  m.ops.push_back(add);
  add.name = "add3";  // three inputs
  add.inputs = {11, 5, 3};
  add.output = 12;
  add.add_multipliers = {400000000, -300000000, 200000000};
  add.add_shift = 30;
  add.pool_requant.lo = -127;
  add.pool_requant.hi = 127;
  m.ops.push_back(add);
  QOp max;
  max.kind = QOpKind::MaxPool;
  max.name = "max";
  max.inputs = {12};
  max.output = 6;
  max.pool = PoolAttrs{2, 2, 0, false};
  m.ops.push_back(max);
  // The concat of two 13-channel tensors needs equal spatial sizes: global-pool the add first.
  QOp gap;
  gap.kind = QOpKind::GlobalAvgPool;
  gap.name = "gap";
  gap.inputs = {12};
  gap.output = 7;
  gap.pool_requant = requant(0, 1 << 30, 32, -127, 127);  // / 4
  m.ops.push_back(gap);
  QOp cat;
  cat.kind = QOpKind::Concat;
  cat.name = "cat";
  cat.inputs = {6, 7};
  cat.output = 8;
  m.ops.push_back(cat);
  QOp flat;
  flat.kind = QOpKind::Flatten;
  flat.name = "flat";
  flat.inputs = {8};
  flat.output = 9;
  m.ops.push_back(flat);
  QOp fc = conv_op("fc", 9, 10, m.tensors[9].shape, 7, 1, 1, 0, 1, true, false, rng);
  fc.kind = QOpKind::Dense;
  m.ops.push_back(fc);
  m.output_tensor = 10;
  m.output_scale.assign(7, 0.001f);
  m.output_bias.assign(7, 0.5f);
  return m;
}

TEST(OnednnBackend, Int8HandBuiltNetworkIsBitExact) {
  const LoweredModel model = hand_model(3);
  const IntegerExecutor reference(model);
  const std::int64_t in = reference.input_shape().elements();
  const std::int64_t out = reference.output_shape().elements();
  const std::vector<float> input = pixels(kMaxBatch * in, 4);
  std::vector<std::int32_t> want(static_cast<std::size_t>(kMaxBatch * out));
  std::vector<float> want_logits(want.size());
  for (std::int64_t b = 0; b < kMaxBatch; ++b) {
    std::vector<std::int32_t> levels(static_cast<std::size_t>(in));
    reference.quantize_input(
        std::span(input).subspan(static_cast<std::size_t>(b * in), static_cast<std::size_t>(in)),
        levels);
    reference.run(levels, std::span(want).subspan(static_cast<std::size_t>(b * out),
                                                  static_cast<std::size_t>(out)));
  }
  reference.decode(want, want_logits);
  for (int threads : thread_counts()) {
    const auto compiled = onednn::compile_lowered(model, options(threads));
    for (std::int64_t batch : kBatches) {
      const std::vector<std::int32_t> got = run_int8(*compiled, input, batch);
      EXPECT_EQ(got, std::vector<std::int32_t>(want.begin(), want.begin() + batch * out))
          << "threads " << threads << " batch " << batch;
      std::vector<float> logits(got.size());
      compiled->get_output(logits, batch);
      EXPECT_EQ(logits, std::vector<float>(want_logits.begin(), want_logits.begin() + batch * out));
    }
  }
}

TEST(OnednnBackend, Int8RefusesModelsThatAreNot8Bit) {
  LoweredModel model = hand_model(1);
  model.precision = parse_precision("W4A4");
  EXPECT_THROW(onednn::compile_lowered(model, options(1)), UnsupportedError);
  model = hand_model(1);
  model.ops[0].requant[0].hi = 300;  // outside s8
  EXPECT_THROW(onednn::compile_lowered(model, options(1)), UnsupportedError);
}

// The epilogue (AVX-512 where the CPU has it, and the scalar loop) against Requantizer::apply and
// the add rule on the edges: ties, shift 0 and 62, saturated biases and accumulators, zero and
// negative multipliers, clamps, channel counts around the 16-lane vector, and a fused add.
TEST(OnednnRequantize, MatchesTheScalarRulesBitForBit) {
  Lcg rng{11};
  for (std::int64_t channels : {1, 5, 13, 16, 17, 40}) {
    std::vector<Requantizer> rs;
    const bool out_signed = channels % 2 == 1;
    for (std::int64_t c = 0; c < channels; ++c) {
      Requantizer r = requant(rng.next(-100000, 100000), rng.next(-(1 << 30), 1 << 30),
                              rng.next(0, 40), out_signed ? -127 : 0, out_signed ? 127 : 255);
      if (c % 7 == 3) r.shift = 0;
      if (c % 7 == 4) r.shift = 62;
      if (c % 7 == 5) r.multiplier = 0;
      if (c % 11 == 6) r.bias = INT32_MIN;
      if (c % 13 == 7) r.lo = r.hi = 3;
      rs.push_back(r);
    }
    const onednn::RequantTable table(rs);
    const std::int64_t pixels_count = 37;
    const std::size_t count = static_cast<std::size_t>(pixels_count * channels);
    std::vector<std::int32_t> acc(count);
    std::vector<std::uint8_t> other(count);
    for (std::size_t i = 0; i < count; ++i) {
      acc[i] = i % 9 == 0 ? (i % 2 ? INT32_MAX : INT32_MIN) : rng.next(-2000000, 2000000);
      other[i] = static_cast<std::uint8_t>(rng.next(0, 255));
    }
    onednn::FusedAdd add;
    add.other = other.data();
    add.other_signed = channels % 3 == 0;
    add.self_multiplier = rng.next(1 << 28, 1 << 30);
    add.other_multiplier = rng.next(-(1 << 30), 1 << 30);
    add.shift = 30;
    add.lo = out_signed ? -127 : 0;
    add.hi = out_signed ? 127 : 255;
    for (bool fused : {false, true}) {
      for (auto isa : {onednn::KernelIsa::Best, onednn::KernelIsa::Scalar}) {
        const std::int64_t stride = channels + 3;
        std::vector<std::uint8_t> dst(static_cast<std::size_t>(pixels_count * stride), 99);
        onednn::requantize(acc.data(), pixels_count, table, {dst.data(), stride, out_signed}, 2,
                           fused ? &add : nullptr, isa);
        for (std::int64_t p = 0; p < pixels_count; ++p) {
          for (std::int64_t c = 0; c < channels; ++c) {
            const auto i = static_cast<std::size_t>(p * channels + c);
            std::int32_t want = rs[static_cast<std::size_t>(c)].apply(acc[i]);
            if (fused) {
              const std::int32_t o = add.other_signed
                                         ? std::int32_t{static_cast<std::int8_t>(other[i])}
                                         : std::int32_t{other[i]};
              const std::int64_t sum =
                  std::int64_t{want} * add.self_multiplier + std::int64_t{o} * add.other_multiplier;
              want = static_cast<std::int32_t>(std::clamp<std::int64_t>(
                  (sum + (std::int64_t{1} << (add.shift - 1))) >> add.shift, add.lo, add.hi));
            }
            const std::uint8_t raw = dst[static_cast<std::size_t>(p * stride + c)];
            const std::int32_t got =
                out_signed ? std::int32_t{static_cast<std::int8_t>(raw)} : std::int32_t{raw};
            ASSERT_EQ(got, want) << "channels " << channels << " pixel " << p << " channel " << c
                                 << (fused ? " fused" : "")
                                 << (isa == onednn::KernelIsa::Scalar ? " scalar" : "");
          }
          for (std::int64_t c = channels; c < stride; ++c) {
            ASSERT_EQ(dst[static_cast<std::size_t>(p * stride + c)], 99) << "wrote past the row";
          }
        }
      }
    }
  }
}

// The pre-clamped path (requantize.hpp) on requantizers as lower() makes them (|multiplier| <=
// 2^shift), with negative multipliers, outputs that are constant over every int32 accumulator,
// ties, the int32 extremes and the accumulators right at and beside each channel's clamp bounds.
TEST(OnednnRequantize, PreclampedPathMatchesTheScalarRules) {
  Lcg rng{29};
  for (std::int64_t channels : {1, 7, 16, 33, 64}) {
    std::vector<Requantizer> rs;
    const bool out_signed = channels % 2 == 1;
    for (std::int64_t c = 0; c < channels; ++c) {
      const int shift = rng.next(31, 45);
      Requantizer r = requant(rng.next(-100000, 100000), rng.next(1, 1 << 30), shift,
                              out_signed ? -127 : 0, out_signed ? 127 : 255);
      if (c % 5 == 1) r.multiplier = -r.multiplier;
      if (c % 9 == 2) r.multiplier = 0;
      if (c % 11 == 3) r.bias = INT32_MIN;  // saturated: the output is lo (or hi) everywhere
      if (c % 13 == 4) r.lo = r.hi = 3;
      if (c % 17 == 5) r.shift = 0, r.multiplier = 1;  // one level per accumulator step
      rs.push_back(r);
    }
    const onednn::RequantTable table(rs);
    EXPECT_TRUE(table.preclamp) << channels;
    // Rows: random accumulators, then per channel its bounds and their neighbours.
    std::vector<std::int32_t> acc;
    for (int p = 0; p < 23; ++p) {
      for (std::int64_t c = 0; c < channels; ++c) {
        acc.push_back(p % 7 == 0 ? (p % 2 ? INT32_MAX : INT32_MIN) : rng.next(-3000000, 3000000));
      }
    }
    for (int d = -1; d <= 1; ++d) {
      for (const auto* bound : {&table.acc_lo, &table.acc_hi}) {
        for (std::int64_t c = 0; c < channels; ++c) {
          const std::int64_t a = std::int64_t{(*bound)[static_cast<std::size_t>(c)]} + d;
          acc.push_back(
              static_cast<std::int32_t>(std::clamp<std::int64_t>(a, INT32_MIN, INT32_MAX)));
        }
      }
    }
    const std::int64_t pixels_count = static_cast<std::int64_t>(acc.size()) / channels;
    std::vector<std::uint8_t> other(acc.size());
    for (auto& o : other) o = static_cast<std::uint8_t>(rng.next(0, 255));
    onednn::FusedAdd add;
    add.other = other.data();
    add.other_signed = out_signed;
    add.self_multiplier = rng.next(1 << 28, 1 << 30);
    add.other_multiplier = rng.next(1 << 27, 1 << 30);
    add.shift = 30;
    add.lo = out_signed ? -127 : 0;
    add.hi = out_signed ? 127 : 255;
    for (bool fused : {false, true}) {
      const std::int64_t stride = channels + 1;
      std::vector<std::uint8_t> dst(static_cast<std::size_t>(pixels_count * stride), 99);
      onednn::requantize(acc.data(), pixels_count, table, {dst.data(), stride, out_signed}, 1,
                         fused ? &add : nullptr);
      for (std::int64_t p = 0; p < pixels_count; ++p) {
        for (std::int64_t c = 0; c < channels; ++c) {
          const auto i = static_cast<std::size_t>(p * channels + c);
          std::int32_t want = rs[static_cast<std::size_t>(c)].apply(acc[i]);
          if (fused) {
            const std::int32_t o = out_signed ? std::int32_t{static_cast<std::int8_t>(other[i])}
                                              : std::int32_t{other[i]};
            const std::int64_t sum =
                std::int64_t{want} * add.self_multiplier + std::int64_t{o} * add.other_multiplier;
            want = static_cast<std::int32_t>(std::clamp<std::int64_t>(
                (sum + (std::int64_t{1} << (add.shift - 1))) >> add.shift, add.lo, add.hi));
          }
          const std::uint8_t raw = dst[static_cast<std::size_t>(p * stride + c)];
          const std::int32_t got =
              out_signed ? std::int32_t{static_cast<std::int8_t>(raw)} : std::int32_t{raw};
          ASSERT_EQ(got, want) << "channels " << channels << " pixel " << p << " channel " << c
                               << " acc " << acc[i] << (fused ? " fused" : "");
        }
        ASSERT_EQ(dst[static_cast<std::size_t>(p * stride + channels)], 99) << "wrote past the row";
      }
    }
  }
  // A channel whose output jumps over a clamp bound (gain > 1) keeps the clamping kernel.
  EXPECT_FALSE(onednn::RequantTable({requant(0, 3, 0, 1, 255)}).preclamp);  // 0, then 3
}

// ---- Against the reference backend --------------------------------------------------------------

#if QTB_HAVE_REFERENCE

// A graph with what the zoo's ImageNet networks use, at a small size: a depthwise block, odd
// channel counts (5, 13), identity and projection residual adds, an inception-style concat with
// a padded ceil-mode max pool branch, a padded ceil-mode avg pool, global avg pool, a dense layer
// with bias.
Graph mixed_graph() {
  Graph g("mixed");
  auto conv = [&](int from, std::int64_t out, int k, int s, int p, const std::string& name,
                  std::int64_t groups = 1, bool relu = true) {
    Conv2dAttrs a;
    a.out_channels = out;
    a.kernel_h = a.kernel_w = k;
    a.stride_h = a.stride_w = s;
    a.pad_h = a.pad_w = p;
    a.groups = groups;
    const int bn = g.batch_norm(g.conv2d(from, a, name), name + "/bn");
    return relu ? g.activation(bn, ActivationKind::ReLU, name + "/relu") : bn;
  };
  int x = g.input(Shape{3, 19, 19});
  x = conv(x, 13, 3, 2, 1, "stem");    // 13 x 10 x 10
  x = conv(x, 13, 3, 1, 1, "dw", 13);  // depthwise
  x = conv(x, 5, 1, 1, 0, "pw");       // 5 channels
  // Identity residual.
  const int r1 = conv(conv(x, 5, 3, 1, 1, "r1a"), 5, 3, 1, 1, "r1b", 1, false);
  x = g.activation(g.add({r1, x}, "res1"), ActivationKind::ReLU, "res1/relu");
  // Projection residual (the projection comes after the branch, as in ResNet).
  const int r2 = conv(conv(x, 13, 1, 2, 0, "r2a"), 13, 3, 1, 1, "r2b", 1, false);
  const int proj = conv(x, 13, 1, 2, 0, "r2proj", 1, false);
  x = g.activation(g.add({r2, proj}, "res2"), ActivationKind::ReLU, "res2/relu");  // 13 x 5 x 5
  // Inception-style concat.
  const int b1 = conv(x, 16, 1, 1, 0, "inc/1x1");
  const int b2 = conv(conv(x, 7, 1, 1, 0, "inc/3x3_reduce"), 16, 3, 1, 1, "inc/3x3");
  const int b3 = conv(g.max_pool(x, PoolAttrs{3, 1, 1, true}, "inc/pool"), 5, 1, 1, 0, "inc/proj");
  x = g.concat({b1, b2, b3}, "inc/output");             // 37 x 5 x 5
  x = g.avg_pool(x, PoolAttrs{3, 2, 1, true}, "avg");   // 37 x 3 x 3
  x = g.max_pool(x, PoolAttrs{2, 1, 0, false}, "max");  // 37 x 2 x 2
  x = g.global_avg_pool(x, "gap");
  g.softmax(g.dense(x, DenseAttrs{11, true}, "fc"), "prob");
  return g;
}

// Layers large enough that INT8 runs their convs on sub-batches (the s32 output of 17 images
// exceeds the 2 MiB budget: 40..96 x 32 x 32 x 4 bytes per image gives sub-batches of 13+4, 10+7,
// 9+8 at batch 17), with a concat written in place and
// a residual add fused into the epilogue inside those sub-batches.
Graph wide_graph() {
  Graph g("wide");
  auto conv = [&](int from, std::int64_t out, int k, int p, const std::string& name, bool relu) {
    Conv2dAttrs a;
    a.out_channels = out;
    a.kernel_h = a.kernel_w = k;
    a.pad_h = a.pad_w = p;
    const int bn = g.batch_norm(g.conv2d(from, a, name), name + "/bn");
    return relu ? g.activation(bn, ActivationKind::ReLU, name + "/relu") : bn;
  };
  const int x = conv(g.input(Shape{3, 32, 32}), 48, 3, 1, "c1", true);
  const int cat = g.concat({conv(x, 40, 1, 0, "b1", true), conv(x, 56, 1, 0, "b2", true)}, "cat");
  const int y = conv(cat, 48, 1, 0, "c2", false);
  int z = g.activation(g.add({y, x}, "res"), ActivationKind::ReLU, "res/relu");
  z = g.global_avg_pool(g.max_pool(z, PoolAttrs{2, 2, 0, false}, "pool"), "gap");
  g.softmax(g.dense(z, DenseAttrs{10, true}, "fc"), "prob");
  return g;
}

Graph graph_for(const std::string& name, double prune) {
  Graph g = name == "mixed"  ? mixed_graph()
            : name == "wide" ? wide_graph()
                             : build_topology(name, prune);
  fill_random_weights(g, 42);
  return g;
}

void expect_float_matches_reference(const Graph& g, const Precision& precision, double tolerance) {
  const auto reference = make_reference_backend()->compile(g, precision, options(1));
  const std::int64_t in = reference->info().input.elements();
  const std::vector<float> input = pixels(kMaxBatch * in, 7);
  const std::vector<float> want = run_float(*reference, input, kMaxBatch);
  const std::int64_t out = reference->info().output.elements();
  // BF16 is also held to FP32: no farther from it than twice the reference's own BF16 is.
  std::vector<float> fp32;
  double bf16_bound = 0.0;
  if (precision == kBf16) {
    fp32 = run_float(*make_reference_backend()->compile(g, kFp32, options(1)), input, kMaxBatch);
    bf16_bound = std::max(2.0 * max_relative_error(want, fp32), 1e-2);
  }
  const auto backend = make_onednn_backend();
  for (int threads : thread_counts()) {
    const auto model = backend->compile(g, precision, options(threads));
    EXPECT_EQ(model->info().output, reference->info().output);
    for (std::int64_t batch : kBatches) {
      const std::vector<float> got = run_float(*model, input, batch);
      const auto first = [&](const std::vector<float>& v) {
        return std::vector<float>(v.begin(), v.begin() + batch * out);
      };
      EXPECT_LT(max_relative_error(got, first(want)), tolerance)
          << g.name() << " " << precision.name() << " threads " << threads << " batch " << batch
          << "\n"
          << model->info().method;
      if (!fp32.empty()) {
        EXPECT_LT(max_relative_error(got, first(fp32)), bf16_bound)
            << g.name() << " BF16 vs FP32, threads " << threads << " batch " << batch;
      }
    }
  }
}

void expect_int8_matches_reference(const Graph& g) {
  const auto reference = make_reference_backend()->compile(g, kInt8, options(1));
  const std::int64_t in = reference->info().input.elements();
  const std::int64_t out = reference->info().output.elements();
  const std::vector<float> input = pixels(kMaxBatch * in, 8);
  const std::vector<std::int32_t> want = run_int8(*reference, input, kMaxBatch);
  std::vector<float> want_logits(want.size());
  reference->get_output(want_logits, kMaxBatch);
  const auto backend = make_onednn_backend();
  for (int threads : thread_counts()) {
    const auto model = backend->compile(g, kInt8, options(threads));
    for (std::int64_t batch : kBatches) {
      const std::vector<std::int32_t> got = run_int8(*model, input, batch);
      EXPECT_EQ(got, std::vector<std::int32_t>(want.begin(), want.begin() + batch * out))
          << g.name() << " threads " << threads << " batch " << batch;
      std::vector<float> logits(got.size());
      model->get_output(logits, batch);
      EXPECT_EQ(logits, std::vector<float>(want_logits.begin(), want_logits.begin() + batch * out));
    }
  }
}

struct Case {
  const char* model;
  double prune;
};
const Case kCases[] = {
    {"mlp", 0.125}, {"mlp", 0.25}, {"cnv", 0.125}, {"cnv", 0.25}, {"mixed", 1.0}};

TEST(OnednnBackend, Fp32MatchesReference) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.model) + " " + std::to_string(c.prune));
    expect_float_matches_reference(graph_for(c.model, c.prune), kFp32, kFp32Tolerance);
  }
}

TEST(OnednnBackend, Bf16MatchesReferenceWithinBf16Tolerance) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.model) + " " + std::to_string(c.prune));
    expect_float_matches_reference(graph_for(c.model, c.prune), kBf16, kBf16Tolerance);
  }
}

// Outputs with a spatial extent (a fully convolutional network) come out in NCHW order.
TEST(OnednnBackend, SpatialOutputsMatchReference) {
  Graph g("spatial");
  Conv2dAttrs a;
  a.out_channels = 13;
  a.kernel_h = a.kernel_w = 3;
  a.bias = true;
  g.batch_norm(g.conv2d(g.input(Shape{5, 7, 7}), a, "conv"), "bn");
  fill_random_weights(g, 3);
  expect_float_matches_reference(g, kFp32, kFp32Tolerance);
  expect_int8_matches_reference(g);
}

// The float paths the zoo does not take: a standalone activation (eltwise primitive), a 2-input
// add of values no conv chain can take (binary primitive with a ReLU post-op), a batchnorm after an
// activation (a 1x1 depthwise conv), a 3-input add (sum primitive), a flatten read by a softmax (a
// reorder to CHW order), a softmax that is not the last node.
Graph fallback_graph() {
  Graph g("fallbacks");
  Conv2dAttrs a;
  a.out_channels = 8;
  a.kernel_h = a.kernel_w = 3;
  a.pad_h = a.pad_w = 1;
  const int in = g.input(Shape{3, 6, 6});
  const int relu = g.activation(g.conv2d(in, a, "c1"), ActivationKind::ReLU, "relu");
  const int pool = g.max_pool(relu, PoolAttrs{3, 1, 1, false}, "pool");
  const int tanh = g.activation(pool, ActivationKind::HardTanh, "hardtanh");
  const int add2 = g.activation(g.add({tanh, pool}, "add2"), ActivationKind::ReLU, "add2/relu");
  const int three = g.add({add2, g.conv2d(in, a, "c2"), g.batch_norm(relu, "bn")}, "add3");
  const int soft = g.softmax(g.flatten(three, "flat"), "inner_softmax");
  g.softmax(g.dense(soft, DenseAttrs{6, true}, "fc"), "prob");
  fill_random_weights(g, 9);
  return g;
}

TEST(OnednnBackend, FloatFallbacksMatchReference) {
  const Graph g = fallback_graph();
  expect_float_matches_reference(g, kFp32, kFp32Tolerance);
  expect_float_matches_reference(g, kBf16, kBf16Tolerance);
  const std::string method = make_onednn_backend()->compile(g, kFp32, options(1))->info().method;
  for (const char* kind : {"eltwise", "binary", "sum", "softmax", "grouped conv", "reorder"}) {
    EXPECT_NE(method.find(kind), std::string::npos) << kind << " missing from " << method;
  }
  EXPECT_THROW(make_onednn_backend()->compile(g, kInt8, options(1)), UnsupportedError);
}

TEST(OnednnBackend, Int8AccumulatorsMatchReferenceBitForBit) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.model) + " " + std::to_string(c.prune));
    expect_int8_matches_reference(graph_for(c.model, c.prune));
  }
}

#endif  // QTB_HAVE_REFERENCE

}  // namespace
}  // namespace qtb
