#pragma once
// Inline AVX-512 pieces shared by the INT8 kernels (requantize.cpp, integer_ops.cpp), exact by
// construction: 64-bit products of int32 lanes (vpmuldq), 64-bit arithmetic shifts and clamps to
// 8-bit levels, after which the low 32 bits of each lane are the level. Include only from .cpp
// files compiled for baseline x86-64; every function here is built for the AVX-512 target and
// called after has_avx512_kernels().
#if defined(__x86_64__)
#include <immintrin.h>

#include <cstdint>

#include "engine/onednn/simd.hpp"

namespace qtb::onednn::avx512 {

// 16 levels (u8 or s8) to int32 lanes; lanes outside `mask` read as 0.
QTB_AVX512_TARGET inline __m512i load_levels(const void* p, bool is_signed, __mmask16 mask) {
  const __m128i bytes = _mm_maskz_loadu_epi8(mask, p);
  return is_signed ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes);
}

QTB_AVX512_TARGET inline __mmask16 tail_mask(std::int64_t left) {
  return left >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << left) - 1u);
}

// Even/odd lanes: a vector of 16 int32 values viewed as 8 int64 lanes holds the even values in
// the low halves; shifting each lane right by 32 brings the odd ones there. vpmuldq reads only the
// low halves, so products need no widening, and the two halves are blended back at the end.
QTB_AVX512_TARGET inline __m512i odd_lanes(__m512i x) {
  return _mm512_srli_epi64(x, 32);
}

// 16 int32 lanes from the low halves of the even and the odd results.
QTB_AVX512_TARGET inline __m512i interleave(__m512i even, __m512i odd) {
  return _mm512_mask_blend_epi32(__mmask16{0xAAAA}, even, _mm512_slli_epi64(odd, 32));
}

QTB_AVX512_TARGET inline __m512i clamp64(__m512i x, __m512i lo, __m512i hi) {
  return _mm512_min_epi64(_mm512_max_epi64(x, lo), hi);
}

// rounding_shift(a * ma + b * mb, shift) for 8 int64 lanes whose low halves hold the int32 values
// a, b (vpmuldq reads only those), with the add rule's constants (round = 2^(shift-1) or 0).
QTB_AVX512_TARGET inline __m512i add_rule8(__m512i a, __m512i b, __m512i ma, __m512i mb,
                                           __m512i round, __m128i shift) {
  const __m512i sum = _mm512_add_epi64(_mm512_mul_epi32(a, ma), _mm512_mul_epi32(b, mb));
  return _mm512_sra_epi64(_mm512_add_epi64(sum, round), shift);
}

// Stores 16 clamped levels as bytes (truncation is exact for values already in u8 or s8 range).
QTB_AVX512_TARGET inline void store_levels(void* p, __m512i levels, __mmask16 mask) {
  _mm_mask_storeu_epi8(p, mask, _mm512_cvtepi32_epi8(levels));
}

}  // namespace qtb::onednn::avx512
#endif
