#pragma once
// A LoweredModel laid out for this backend, once at compile time:
//  - every tensor is stored NHWC (channels innermost, batch outermost), the order gemmlowp's
//    favoured storage (RHS and result column-major) reads and writes without copies;
//  - a tensor of levels is stored as bytes (the INT8 carrier): level + zero_byte, where zero_byte
//    is 0 for unsigned levels (0..255) and 128 for signed ones (-127..127, binary -1/+1), so a
//    GEMM operand's offset is -zero_byte; int32 accumulators (the last layer) stay int32;
//  - conv and dense weights become one row-major matrix per group (out_channels/groups rows of
//    in_channels/groups x kernel_h x kernel_w bytes, in kernel-row, kernel-column, channel order,
//    the order of im2col's patches), each level carried as level + 128;
//  - tensors share buffers where their lifetimes do not overlap (the input and output tensors
//    keep their own, so run() can repeat on one input).
#include <cstdint>
#include <vector>

#include "lowering/lowered_model.hpp"

namespace qtb::gemmlowp_backend {

constexpr int kWeightZeroByte = 128;

enum class Storage { Bytes, Int32 };

struct TensorPlan {
  Shape shape;
  Storage storage = Storage::Bytes;
  int zero_byte = 0;  // Bytes: the byte of level 0
  int buffer = -1;    // index into the byte or int32 buffers, by storage
};

// Conv and dense (a dense layer is the 1x1 conv of a flat C x 1 x 1 tensor).
struct ConvPlan {
  Shape in, out;
  int kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  int groups = 1;
  bool direct = false;  // 1x1, stride 1, no padding: the input tensor is the GEMM's RHS as it is
  std::vector<std::uint8_t> weights;  // out.channels x k_per_group(), row-major
  std::vector<Requantizer> requant;   // per output channel; empty: int32 accumulators out

  int in_per_group() const { return static_cast<int>(in.channels) / groups; }
  int out_per_group() const { return static_cast<int>(out.channels) / groups; }
  int k_per_group() const { return in_per_group() * kernel_h * kernel_w; }
  // Bytes of one im2col row (one output pixel): every group's patch, group after group.
  int patch_bytes() const { return groups * k_per_group(); }
};

struct StepPlan {
  QOp op;         // the lowered op, its weights moved into conv.weights
  ConvPlan conv;  // Conv and Dense only
};

struct ModelPlan {
  std::vector<TensorPlan> tensors;
  std::vector<StepPlan> steps;
  int output_tensor = -1;
  std::vector<float> output_scale, output_bias;
  std::vector<std::int64_t> byte_buffer_sizes;   // per input (multiply by the batch)
  std::vector<std::int64_t> int32_buffer_sizes;  // per input
  std::int64_t im2col_bytes = 0;                 // per input, the largest im2col matrix
  std::int64_t accumulator_count = 0;            // per input, the largest requantized GEMM output
  std::int64_t weight_bytes = 0;
};

// Throws UnsupportedError for what the backend cannot carry (a tensor wider than 8 bits read by
// anything but flatten or concat) and std::invalid_argument for an inconsistent model.
ModelPlan plan_model(LoweredModel model);

}  // namespace qtb::gemmlowp_backend
