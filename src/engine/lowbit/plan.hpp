#pragma once
// A LoweredModel laid out for the lowbit backend, once at compile time (lowbit_backend.hpp has the
// layout and execution in words):
//  - tensors: NHWC, one byte per level (u8 unsigned, s8 signed); the last layer's int32
//    accumulators (and a flatten/concat of them) are int32 ("wide");
//  - conv/dense weights packed per group at their bit width, K in (kernel row, kernel column,
//    channel) order, each group's rows split into one weight slice per thread; depthwise convs
//    keep int8 weights for a direct loop;
//  - buffers: tensors whose lifetimes do not overlap share one (the input and the output keep
//    their own, so run() can repeat on one input), sized for max_batch.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/backend.hpp"
#include "engine/lowbit/kernels/lowbit_gemm.hpp"
#include "lowering/lowered_model.hpp"

namespace qtb::lowbit {

// Output pixels (GEMM columns) per tile: bounds the im2col and accumulator buffers and keeps a
// tile's packed X in L2.
constexpr std::int64_t kTileRows = 256;
// Fewer GEMM columns than this per thread: split M (weight slices) instead of N.
constexpr std::int64_t kMinRowsPerThread = 8;

struct TensorPlan {
  Shape shape;
  bool wide = false;  // int32 accumulators rather than byte levels
  bool is_signed = false;
  int bits = 8;
  int buffer = -1;  // into the byte or the int32 buffers, by `wide`
};

// Conv and dense (a dense layer is a 1x1 conv over its input's CHW-ordered elements).
struct ConvStep {
  Shape in, out;
  int kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0;
  int groups = 1, in_pg = 0, out_pg = 0, k = 0;
  bool direct = false;        // the input tensor's rows are the X rows (no im2col)
  bool dense_gather = false;  // dense over a non-flat tensor: X row = the image in CHW order
  bool depthwise = false;     // one input channel per group: direct loop
  int wbits = 8, abits = 8;
  bool a_signed = false;
  std::vector<std::vector<PackedOperand>> w;  // [group][slice]
  std::vector<int> slice_begin;               // slices + 1 row offsets within a group
  std::vector<std::int8_t> dw_weights;        // depthwise: [ky][kx][oc]
  std::vector<Requantizer> requant;           // empty: int32 output
  std::vector<Method> method_by_batch;        // [batch - 1]
};

struct Step {
  QOp op;  // weights moved out for conv/dense
  ConvStep conv;
};

struct ModelPlan {
  std::vector<TensorPlan> tensors;
  std::vector<Step> steps;
  int output_tensor = -1;
  std::vector<std::int64_t> byte_buffer_sizes;  // for max_batch inputs
  std::vector<std::int64_t> int_buffer_sizes;   // for max_batch inputs
  std::int64_t weight_bytes = 0;                // packed bit-planes plus int8 depthwise weights
  // Per-thread tiles: im2col depth, packed X depth (in levels of an 8-bit operand), the rows of
  // the largest weight slice and the widest depthwise layer.
  std::int64_t max_im2col_k = 0;
  std::int64_t max_x_depth = 0;
  std::int64_t max_slice_rows = 0;
  std::int64_t max_dw_channels = 0;
};

// Throws UnsupportedError for what the kernels cannot carry (a signed or wide network input,
// int32 accumulators read by anything but flatten and concat, a batch too large for int columns)
// and std::invalid_argument for an inconsistent model.
ModelPlan plan_model(LoweredModel model, const CompileOptions& options);

// ModelInfo::method: the method of each kind of layer, e.g. "W2A2: bit-plane AND+popcount (...)".
std::string method_summary(const ModelPlan& plan);

}  // namespace qtb::lowbit
