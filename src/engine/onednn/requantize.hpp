#pragma once
// The INT8 epilogue: int32 accumulators (pixels x channels, channels innermost, as oneDNN writes
// an nhwc/nc s32 destination) through each channel's Requantizer to the next layer's u8/s8
// levels, optionally followed by a residual add fused in (so the conv's own levels are never
// stored). Bit-exact with Requantizer::apply and the add rule of lowered_model.hpp:
//   product = (int64(acc) + bias) * multiplier is computed as acc * multiplier + bias * multiplier,
//   the second term precomputed per channel together with the rounding constant; the 64-bit
//   result is shifted and clamped to [lo, hi] in 64 bits. Even and odd channels go through
//   separate 64-bit lanes (no cross-lane widening or narrowing) and are blended back.
// 16 channels per AVX-512 vector when the CPU has AVX-512 (F, BW, DQ, VL), else the scalar rules.
//
// Faster path (AVX-512 VBMI, and every channel of the table "pre-clampable"): the requantized
// value f(acc) = ((acc + bias) * multiplier + round) >> shift is monotone in acc, so when it moves
// by at most one level per accumulator step (|multiplier| <= 2^shift, the usual case) there are
// accumulators acc_lo <= acc_hi with f(acc_lo), f(acc_hi) equal to the clamp bounds (or at the
// int32 ends), and clamp(f(acc), lo, hi) == f(clamp(acc, acc_lo, acc_hi)) for every int32 acc.
// The kernel then clamps the int32 accumulators, 16 at a time, instead of the 64-bit results, 8
// at a time, and packs the even/odd 64-bit results to bytes with one byte permute.
#include <cstdint>
#include <vector>

#include "core/quantization.hpp"

namespace qtb::onednn {

// Each channel's requantizer spread over int64 arrays (structure of arrays), padded to 16
// channels; within each block of 16 channels the even channels come first, then the odd ones, as
// the kernel's even/odd 64-bit lanes read them.
struct RequantTable {
  std::int64_t channels = 0;
  std::vector<std::int64_t> multiplier;  // vpmuldq reads the low 32 bits
  std::vector<std::int64_t> offset;      // bias * multiplier + (shift > 0 ? 2^(shift-1) : 0)
  std::vector<std::int64_t> shift;
  std::vector<std::int64_t> lo, hi;
  std::vector<Requantizer> scalar;  // in channel order, for the scalar path
  // Pre-clamp bounds of the accumulators, in channel order (padded); valid when `preclamp`.
  std::vector<std::int32_t> acc_lo, acc_hi;
  bool preclamp = false;

  explicit RequantTable(const std::vector<Requantizer>& requant);
};

// Destination rows: `pixels` rows of `dst_stride` bytes, the row's first channel at dst.
struct RequantTarget {
  void* dst = nullptr;
  std::int64_t dst_stride = 0;
  bool is_signed = false;  // s8, else u8 (the output's levels)
};

// The add rule (engine/integer_ops/add_rule.hpp) of two inputs:
// y = clamp(rounding_shift(int64(level) * self_multiplier + int64(other) * other_multiplier,
// shift), lo, hi), where level is the requantized accumulator and other the residual operand's
// level at the same position (nhwc, pixels x channels, stride = channels).
struct FusedAdd {
  const void* other = nullptr;
  bool other_signed = false;
  std::int32_t self_multiplier = 0;
  std::int32_t other_multiplier = 0;
  int shift = 0;
  std::int32_t lo = 0, hi = 0;
};

enum class KernelIsa { Best, Scalar };  // Scalar: the portable loop (tests compare both)

// Runs on up to `threads` OpenMP threads (fewer for small tensors).
void requantize(const std::int32_t* acc, std::int64_t pixels, const RequantTable& table,
                const RequantTarget& target, int threads, const FusedAdd* add = nullptr,
                KernelIsa isa = KernelIsa::Best);

// Whether requantize() uses the AVX-512 kernel on this CPU (for ModelInfo).
bool requantize_uses_avx512();
// Whether requantize() takes the pre-clamped AVX-512 VBMI path for `table` on this CPU.
bool requantize_uses_preclamp(const RequantTable& table);

}  // namespace qtb::onednn
