// The shared integer layers (engine/integer_ops) on hand-computed tensors, in each byte encoding
// the backends use: u8 and s8 levels (onednn, lowbit) and u8 with zero 128 (gemmlowp's carrier).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "engine/integer_ops/add_rule.hpp"
#include "engine/integer_ops/nhwc_levels.hpp"

namespace qtb::integer_ops {
namespace {

// Levels stored in an encoding: s8 (two's complement) or u8 with `zero` added.
struct Tensor {
  std::vector<std::uint8_t> bytes;
  ByteLevels view;
};

Tensor tensor(const std::vector<int>& levels, Shape shape, std::int64_t images, bool signed_bytes,
              int zero) {
  Tensor t;
  for (int v : levels) t.bytes.push_back(static_cast<std::uint8_t>(v + zero));
  t.view = {t.bytes.data(), shape, images, signed_bytes, zero};
  return t;
}

std::vector<int> levels_of(const Tensor& t) {
  std::vector<int> out;
  for (std::uint8_t b : t.bytes) {
    out.push_back((t.view.signed_bytes ? int{static_cast<std::int8_t>(b)} : int{b}) - t.view.zero);
  }
  return out;
}

Tensor empty(Shape shape, std::int64_t images, bool signed_bytes, int zero) {
  return tensor(std::vector<int>(static_cast<std::size_t>(shape.elements() * images), 0), shape,
                images, signed_bytes, zero);
}

struct Encoding {
  bool signed_bytes;
  int zero;
};
const Encoding kSigned[] = {{true, 0}, {false, 128}};  // s8; gemmlowp's u8 + 128

TEST(EngineIntegerOps, AddRuleRoundsTiesUpAndClamps) {
  AddRule rule{{1}, 1, -2, 2, false};
  EXPECT_EQ(rule.apply(3), 2);    // (3 + 1) >> 1
  EXPECT_EQ(rule.apply(-3), -1);  // (-3 + 1) >> 1: ties round up
  EXPECT_EQ(rule.apply(1), 1);
  EXPECT_EQ(rule.apply(9), 2);    // clamped to hi
  EXPECT_EQ(rule.apply(-9), -2);  // clamped to lo
  rule.shift = 0;
  EXPECT_EQ(rule.apply(-1), -1);
  rule.binary = true;
  EXPECT_EQ(rule.apply(0), 1);
  EXPECT_EQ(rule.apply(-1), -1);
  EXPECT_EQ(rounding_term(0), 0);
  EXPECT_EQ(rounding_term(5), 16);
}

TEST(EngineIntegerOps, MaxPoolIgnoresPaddingInEveryEncoding) {
  // 2 channels x 2 x 2, NHWC: pixel (y, x) holds {c0, c1}. Kernel 2, stride 1, pad 1: 3 x 3 out.
  const std::vector<int> in = {-5, 7, 3, -8, -1, 0, 2, 1};
  for (const Encoding& e : kSigned) {
    const Tensor t = tensor(in, Shape{2, 2, 2}, 1, e.signed_bytes, e.zero);
    Tensor out = empty(Shape{2, 3, 3}, 1, e.signed_bytes, e.zero);
    max_pool(t.view, PoolAttrs{2, 1, 1, false}, out.view, {0, pool_rows(out.view)});
    EXPECT_EQ(levels_of(out), (std::vector<int>{-5, 7, 3, 7, 3, -8,  //
                                                -1, 7, 3, 7, 3, 1,   //
                                                -1, 0, 2, 1, 2, 1}))
        << e.zero;
  }
  // Into another encoding (levels re-carried), split over two ranges of rows.
  const Tensor t = tensor(in, Shape{2, 2, 2}, 1, true, 0);
  Tensor out = empty(Shape{2, 1, 1}, 1, false, 128);
  max_pool(t.view, PoolAttrs{2, 2, 0, false}, out.view, {0, 1});
  EXPECT_EQ(levels_of(out), (std::vector<int>{3, 7}));
}

TEST(EngineIntegerOps, AvgPoolSumsTheWindowInsideTheInput) {
  // One channel, 2 x 2, kernel 3, stride 1, pad 1: every window holds all four levels.
  const Requantizer identity{0, 1, 0, -127, 127, false};
  for (const Encoding& e : kSigned) {
    const Tensor t = tensor({-1, 2, -3, 4}, Shape{1, 2, 2}, 1, e.signed_bytes, e.zero);
    Tensor out = empty(Shape{1, 2, 2}, 1, e.signed_bytes, e.zero);
    avg_pool(t.view, PoolAttrs{3, 1, 1, false}, identity, out.view, {0, 1});
    avg_pool(t.view, PoolAttrs{3, 1, 1, false}, identity, out.view, {1, 2});
    EXPECT_EQ(levels_of(out), (std::vector<int>{2, 2, 2, 2})) << e.zero;
  }
  // Requantized: (sum + bias) * multiplier >> shift = (10 + 2) * 3 >> 2 = 9, clamped to 8.
  const Tensor u = tensor({1, 2, 3, 4}, Shape{1, 2, 2}, 1, false, 0);
  Tensor out = empty(Shape{1, 1, 1}, 1, false, 0);
  avg_pool(u.view, PoolAttrs{2, 2, 0, false}, Requantizer{2, 3, 2, 0, 8, false}, out.view, {0, 1});
  EXPECT_EQ(levels_of(out), (std::vector<int>{8}));
}

TEST(EngineIntegerOps, GlobalAvgPoolSumsThePlanePerImage) {
  const Requantizer identity{0, 1, 0, -127, 127, false};
  for (const Encoding& e : kSigned) {
    // Two images of 2 channels x 1 x 2.
    const Tensor t = tensor({1, -2, 3, 5, -4, 6, 7, 8}, Shape{2, 1, 2}, 2, e.signed_bytes, e.zero);
    Tensor out = empty(Shape{2, 1, 1}, 2, e.signed_bytes, e.zero);
    global_avg_pool(t.view, identity, out.view, {0, 2});
    EXPECT_EQ(levels_of(out), (std::vector<int>{4, 3, 3, 14})) << e.zero;
  }
}

TEST(EngineIntegerOps, AddAppliesTheRuleToTheWeightedSum) {
  // y = clamp((3a + 5b + 2) >> 2, -10, 10)
  const AddRule rule{{3, 5}, 2, -10, 10, false};
  for (const Encoding& e : kSigned) {
    const Tensor a = tensor({2, 4, 7, 0}, Shape{4, 1, 1}, 1, false, 0);
    const Tensor b = tensor({-1, 3, 3, -9}, Shape{4, 1, 1}, 1, e.signed_bytes, e.zero);
    Tensor out = empty(Shape{4, 1, 1}, 1, e.signed_bytes, e.zero);
    const std::vector<ByteLevels> in = {a.view, b.view};
    add(in, rule, out.view, {0, 2});
    add(in, rule, out.view, {2, 4});
    // (1 + 2) >> 2 = 0; (27 + 2) >> 2 = 7; (36 + 2) >> 2 = 9; (-45 + 2) >> 2 = -11 -> -10.
    EXPECT_EQ(levels_of(out), (std::vector<int>{0, 7, 9, -10})) << e.zero;
  }
  // Three inputs (the generic loop) and a binary output.
  const Tensor a = tensor({1, -1}, Shape{2, 1, 1}, 1, true, 0);
  const Tensor b = tensor({2, 0}, Shape{2, 1, 1}, 1, false, 128);
  const Tensor c = tensor({-3, 1}, Shape{2, 1, 1}, 1, true, 0);
  const std::vector<ByteLevels> in = {a.view, b.view, c.view};
  Tensor out = empty(Shape{2, 1, 1}, 1, true, 0);
  add(in, AddRule{{1, 1, 1}, 1, -5, 5, false}, out.view, {0, 2});
  EXPECT_EQ(levels_of(out), (std::vector<int>{0, 0}));  // (0 + 1) >> 1; (0 + 1) >> 1
  add(in, AddRule{{1, 1, 2}, 0, -5, 5, true}, out.view, {0, 2});
  EXPECT_EQ(levels_of(out), (std::vector<int>{-1, 1}));  // sign of -3 and of 1
  const std::vector<ByteLevels> two = {a.view, c.view};
  add(two, AddRule{{1, 1}, 0, -5, 5, true}, out.view, {0, 2});
  EXPECT_EQ(levels_of(out), (std::vector<int>{-1, 1}));  // sign of -2 and of 0
}

TEST(EngineIntegerOps, ConcatPlacesChannelsAndRecarriesLevels) {
  // Two pixels: a has 1 channel (s8), b 2 channels (u8 + 128), out 3 channels (s8).
  const Tensor a = tensor({-1, 2}, Shape{1, 1, 2}, 1, true, 0);
  const Tensor b = tensor({3, -4, 5, 6}, Shape{2, 1, 2}, 1, false, 128);
  Tensor out = empty(Shape{3, 1, 2}, 1, true, 0);
  copy_channels(a.view, out.view, 0, {0, 2});
  copy_channels(b.view, out.view, 1, {0, 1});
  copy_channels(b.view, out.view, 1, {1, 2});
  EXPECT_EQ(levels_of(out), (std::vector<int>{-1, 3, -4, 2, 5, 6}));
  const std::vector<std::int32_t> ai = {10, 20}, bi = {1, 2, 3, 4};
  std::vector<std::int32_t> oi(6);
  copy_channels(ai.data(), Shape{1, 1, 2}, oi.data(), Shape{3, 1, 2}, 0, {0, 2});
  copy_channels(bi.data(), Shape{2, 1, 2}, oi.data(), Shape{3, 1, 2}, 1, {0, 2});
  EXPECT_EQ(oi, (std::vector<std::int32_t>{10, 1, 2, 20, 3, 4}));
}

TEST(EngineIntegerOps, FlattenAndAccumulatorsGoToChwOrder) {
  // 2 channels x 1 x 2, NHWC {p0c0, p0c1, p1c0, p1c1} -> CHW {c0p0, c0p1, c1p0, c1p1}; 2 images.
  const Tensor in = tensor({1, 2, 3, 4, 5, 6, 7, 8}, Shape{2, 1, 2}, 2, false, 0);
  Tensor same = empty(Shape{4, 1, 1}, 2, false, 0);
  flatten(in.view, same.view, {0, 2});
  EXPECT_EQ(levels_of(same), (std::vector<int>{1, 3, 2, 4, 5, 7, 6, 8}));
  Tensor other = empty(Shape{4, 1, 1}, 2, false, 128);
  flatten(in.view, other.view, {1, 2});
  const std::vector<int> second = levels_of(other);
  EXPECT_EQ(std::vector<int>(second.begin() + 4, second.end()), (std::vector<int>{5, 7, 6, 8}));
  const std::vector<std::int32_t> acc = {1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<std::int32_t> nchw(8);
  nhwc_to_nchw(acc.data(), Shape{2, 1, 2}, nchw.data(), {0, 2});
  EXPECT_EQ(nchw, (std::vector<std::int32_t>{1, 3, 2, 4, 5, 7, 6, 8}));
}

TEST(EngineIntegerOps, QuantizeNchwPixelsToNhwcLevels) {
  // 2 channels x 1 x 2 NCHW: c0 = {0, 1}, c1 = {0.375, 0.625}; scale 0.25 (exact): levels 0, 4,
  // 1.5 -> 2 and 2.5 -> 2 (round half to even), stored NHWC.
  const std::vector<float> pixels = {0.0f, 1.0f, 0.375f, 0.625f};
  const UniformQuantizer quant{8, false, 0.25f, 0};
  Tensor out = empty(Shape{2, 1, 2}, 1, false, 0);
  quantize_nchw(pixels.data(), quant, out.view, {0, 1});
  quantize_nchw(pixels.data(), quant, out.view, {1, 2});
  EXPECT_EQ(levels_of(out), (std::vector<int>{0, 2, 4, 2}));
  Tensor carried = empty(Shape{2, 1, 2}, 1, false, 128);
  quantize_nchw(pixels.data(), quant, carried.view, {0, 2});
  EXPECT_EQ(carried.bytes, (std::vector<std::uint8_t>{128, 130, 132, 130}));
}

}  // namespace
}  // namespace qtb::integer_ops
