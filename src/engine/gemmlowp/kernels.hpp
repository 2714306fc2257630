#pragma once
// The plain loops around the GEMMs, on NHWC tensors of `batch` inputs (plan.hpp's layout). Byte
// tensors carry level + zero byte; every rule is the integer reference's (lowered_model.hpp and
// engine/reference/integer_executor.hpp): zero padding, max pooling ignores padding, average
// pooling sums the window's levels inside the input, add rounds and clamps like a Requantizer.
#include <cstdint>
#include <vector>

#include "engine/gemmlowp/plan.hpp"

namespace qtb::gemmlowp_backend {

// A byte tensor of one batch: data, per-input shape and the byte of level 0.
struct ByteView {
  std::uint8_t* data = nullptr;
  Shape shape;
  int zero_byte = 0;
};
struct ConstByteView {
  const std::uint8_t* data = nullptr;
  Shape shape;
  int zero_byte = 0;
};

// One row of conv.patch_bytes() per output pixel (batch x out.height x out.width rows): each
// group's kernel_h x kernel_w x in_per_group patch, padded with the input's zero byte.
void im2col(const ConvPlan& conv, const ConstByteView& in, std::int64_t batch, std::uint8_t* col);

// out(p, c) = requant[c].apply(acc(p, c)) + out zero byte, for `pixels` rows of channels.
void requantize(const std::int32_t* acc, std::int64_t pixels,
                const std::vector<Requantizer>& requant, const ByteView& out);

void max_pool(const PoolAttrs& pool, const ConstByteView& in, const ByteView& out,
              std::int64_t batch);
void avg_pool(const PoolAttrs& pool, const Requantizer& requant, const ConstByteView& in,
              const ByteView& out, std::int64_t batch);
void global_avg_pool(const Requantizer& requant, const ConstByteView& in, const ByteView& out,
                     std::int64_t batch);
void add(const QOp& op, const std::vector<ConstByteView>& inputs, const ByteView& out,
         std::int64_t batch);

// Channels of the inputs in order, pixel by pixel. T: std::uint8_t (levels re-carried to the
// output's zero byte) or std::int32_t (zero bytes 0).
template <typename T>
void concat(const std::vector<const T*>& inputs, const std::vector<TensorPlan>& in_plans, T* out,
            const TensorPlan& out_plan, std::int64_t batch);
// NHWC to the CHW order of the flat output.
template <typename T>
void flatten(const T* in, const TensorPlan& in_plan, T* out, const TensorPlan& out_plan,
             std::int64_t batch);

// Per-input NCHW <-> batch NHWC for the system path.
void nchw_to_nhwc_levels(const float* pixels, const UniformQuantizer& quant, const Shape& shape,
                         std::int64_t batch, int zero_byte, std::uint8_t* out);
void nhwc_to_nchw(const std::int32_t* in, const Shape& shape, std::int64_t batch,
                  std::int32_t* out);

}  // namespace qtb::gemmlowp_backend
