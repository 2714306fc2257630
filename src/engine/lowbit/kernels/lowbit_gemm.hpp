#pragma once
// Integer GEMM on operands packed at their bit width (1, 2, 4 or 8 bits, any mix):
//
//   out[m][n] = sum_k W[m][k] * X[n][k]     (exact, int32; out is M x N, row-major)
//
// W is M x K (output channels x in_ch*kh*kw), X is N x K (batch*positions x K): both are
// K-contiguous, so one packed format serves both. Levels follow core/quantization.hpp: signed
// b >= 2 is symmetric -(2^(b-1)-1) .. 2^(b-1)-1 (2-bit = ternary), signed b == 1 is binary {-1,
// +1}, unsigned is 0 .. 2^b - 1.
//
// Packed format (PackedOperand): a level v is stored as the unsigned b-bit code u = (v - o) / a,
// with a = 2, o = -1 for binary, o = -2^(b-1) for signed b >= 2 and a = 1, o = 0 for unsigned.
// Each row is split into b bit-planes of ceil(K/64) words; the planes are interleaved per 512-bit
// block (block 0: plane 0 words 0-7, plane 1 words 0-7, ...; the last block holds the remaining
// words of each plane), so a row is one contiguous stream of b * ceil(K/64) words and K is only
// padded to a multiple of 64 (with zero bits). Every method works on codes; the offsets are
// removed exactly in the epilogue with per-row code sums computed at packing time:
//   sum_k (aw uw + ow)(ax ux + ox) = aw ax sum uw ux + aw ox SUw + ow ax SUx + K ow ox.
//
// Methods (all bit-exact; method_name() says which ran):
//  - bit-plane AND + popcount (BISMO/FINN): sum uw ux = sum_ij 2^(i+j) popcount(W_i & X_j); a
//    binary x binary product uses the XOR form dot = K - 2 popcount(w ^ x) (padding is 0 in both,
//    so it adds nothing). AVX-512 VPOPCNTDQ, AVX2 (pshufb nibble table + vpsadbw), scalar POPCNT
//    and portable (no ISA extension) variants. From N = 8 the AVX-512 one keeps 8 columns of X per
//    register (W words broadcast, no horizontal sums) and counts a ternary W (signed 2-bit) as
//    u = 1 + u' with u' in {0, 1, 2} held in two disjoint bits, which merges the two weight-2
//    products of W2A2 into one word: 3 popcounts per 64 k instead of 4.
//  - unpack to INT8 on the fly + AVX-512 VNNI (vpdpbusd): X codes become u8 (0..255), W codes
//    s8 (8-bit W: code - 128); for N > 4, W is unpacked a few rows at a time into L1 and reused
//    for all of X (from N = 16, when little is padding, with 16 columns of X per register and W
//    broadcast), for N <= 4 it is unpacked in registers (one masked vpaddb per plane per 64).
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string_view>
#include <vector>

namespace qtb {
class ThreadPool;
}

namespace qtb::lowbit {

// 64-byte aligned storage for packed words.
template <class T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{64}));
  }
  void deallocate(T* p, std::size_t) { ::operator delete (p, std::align_val_t{64}); }
  template <class U>
  bool operator==(const AlignedAllocator<U>&) const {
    return true;
  }
};

class PackedOperand {
 public:
  PackedOperand() = default;

  int rows() const { return rows_; }
  int depth() const { return depth_; }  // K
  int bits() const { return bits_; }
  bool is_signed() const { return is_signed_; }
  bool is_binary() const { return is_signed_ && bits_ == 1; }
  int words_per_plane() const { return (depth_ + 63) / 64; }
  std::size_t row_words() const { return static_cast<std::size_t>(bits_) * words_per_plane(); }
  // Packed footprint in bytes (the planes; the row sums are not counted).
  std::size_t bytes() const { return words_.size() * sizeof(std::uint64_t); }

  const std::uint64_t* row(int r) const { return words_.data() + r * row_words(); }
  std::span<const std::uint64_t> words() const { return words_; }
  // Per row: sum over k of the codes u (see the file comment).
  std::span<const std::int32_t> code_sums() const { return code_sums_; }

  // The real level of a code: a * u + o.
  int code_scale() const { return is_binary() ? 2 : 1; }
  int code_offset() const {
    if (!is_signed_) return 0;
    return bits_ == 1 ? -1 : -(1 << (bits_ - 1));
  }

 private:
  friend struct PackAccess;
  int rows_ = 0;
  int depth_ = 0;
  int bits_ = 1;
  bool is_signed_ = false;
  std::vector<std::uint64_t, AlignedAllocator<std::uint64_t>> words_;
  std::vector<std::int32_t> code_sums_;
};

// Packs rows x depth levels (row-major, K-contiguous). bits in {1, 2, 4, 8}. Throws
// std::invalid_argument for a bad shape or a level outside the quantizer's range. Uses AVX-512BW
// where the CPU has it (about one instruction per bit-plane per 64 levels) unless `portable`; both
// paths give the same words. pack_into reuses dst's storage (for per-inference activations).
PackedOperand pack(std::span<const std::int8_t> levels, int rows, int depth, int bits,
                   bool is_signed, bool portable = false);
PackedOperand pack(std::span<const std::uint8_t> levels, int rows, int depth, int bits,
                   bool is_signed, bool portable = false);
PackedOperand pack(std::span<const std::int32_t> levels, int rows, int depth, int bits,
                   bool is_signed, bool portable = false);
void pack_into(PackedOperand& dst, std::span<const std::int8_t> levels, int rows, int depth,
               int bits, bool is_signed, bool portable = false);
void pack_into(PackedOperand& dst, std::span<const std::uint8_t> levels, int rows, int depth,
               int bits, bool is_signed, bool portable = false);
void pack_into(PackedOperand& dst, std::span<const std::int32_t> levels, int rows, int depth,
               int bits, bool is_signed, bool portable = false);

// The level at (row, k), decoded from the packed words (for tests and debugging).
std::int32_t unpack_level(const PackedOperand& op, int row, int k);

enum class Method : std::uint8_t {
  kPopcountPortable,  // bit-plane AND + popcount, no ISA extension (std::popcount)
  kPopcountScalar,    // same, with the POPCNT instruction
  kPopcountAvx2,      // 256-bit, pshufb nibble-table popcount + vpsadbw
  kPopcountAvx512,    // 512-bit, VPOPCNTDQ
  kVnniAvx512,        // unpack to INT8 + AVX-512 VNNI vpdpbusd
};
inline constexpr Method kAllMethods[] = {Method::kPopcountPortable, Method::kPopcountScalar,
                                         Method::kPopcountAvx2, Method::kPopcountAvx512,
                                         Method::kVnniAvx512};

std::string_view method_name(Method method);
// Whether this CPU runs `method` (the portable one always).
bool method_available(Method method);
// The fastest available method for the precision and batch (N) as measured on AMD Zen 4 (see
// bench/lowbit_kernels_bench.cpp): AVX-512 popcount when wbits * abits <= 4 (W1A1, W1A2, W2A1,
// W2A2, W1A4, W4A1) and for GEMV (batch 1) up to wbits * abits <= 32 (a GEMV cannot amortize
// VNNI's unpacking of W); VNNI otherwise (W4A4, W2A8, W4A8, W8A8 at batch >= 2). Falls back to
// AVX2 / scalar POPCNT / portable where the CPU lacks AVX-512. portable: kPopcountPortable.
Method best_method(int wbits, int abits, bool portable = false, int batch = 1);

// out (M x N, out[m * N + n]) = W (M x K) * X^T (N x K). Throws std::invalid_argument for
// mismatched shapes, an unavailable method or threads < 1. threads > 1 splits M (in 16-row
// grains) across a persistent pool owned by the calling thread (started on the first call with
// that thread count, kept for the next ones).
void gemm(const PackedOperand& w, const PackedOperand& x, std::span<std::int32_t> out,
          Method method, int threads = 1);
// Same, split across `pool` (all its threads; one parallel_for at a time, as ThreadPool requires).
void gemm(const PackedOperand& w, const PackedOperand& x, std::span<std::int32_t> out,
          Method method, ThreadPool& pool);

}  // namespace qtb::lowbit
