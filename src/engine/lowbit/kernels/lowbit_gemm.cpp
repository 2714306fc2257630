// Packing, method selection and the GEMM dispatcher of the low-bit kernels (lowbit_gemm.hpp).
#include "engine/lowbit/kernels/lowbit_gemm.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/thread_pool.hpp"
#include "engine/lowbit/kernels/internal.hpp"

namespace qtb::lowbit {

struct PackAccess {
  static void reshape(PackedOperand& op, int rows, int depth, int bits, bool is_signed) {
    op.rows_ = rows;
    op.depth_ = depth;
    op.bits_ = bits;
    op.is_signed_ = is_signed;
    op.words_.resize(static_cast<std::size_t>(rows) * op.row_words());
    op.code_sums_.resize(static_cast<std::size_t>(rows));
  }
  static std::uint64_t* row(PackedOperand& op, int r) {
    return op.words_.data() + r * op.row_words();
  }
  static std::int32_t* code_sum(PackedOperand& op, int r) { return op.code_sums_.data() + r; }
};

namespace {

using detail::word_index;

bool valid_bits(int bits) {
  return bits == 1 || bits == 2 || bits == 4 || bits == 8;
}

// Portable packing of one row: returns false for a level out of range.
template <class T>
bool pack_row_portable(const T* levels, int depth, int bits, bool is_signed, std::uint64_t* row,
                       std::int32_t* code_sum) {
  const bool binary = is_signed && bits == 1;
  const std::int32_t lo = !is_signed ? 0 : (binary ? -1 : -((1 << (bits - 1)) - 1));
  const std::int32_t hi = !is_signed ? (1 << bits) - 1 : (binary ? 1 : (1 << (bits - 1)) - 1);
  const std::int32_t offset = is_signed && !binary ? (1 << (bits - 1)) : 0;
  const int words = (depth + 63) / 64;
  std::int64_t sum = 0;
  for (int w = 0; w < words; ++w) {
    std::uint64_t planes[8] = {};
    const int count = std::min(64, depth - 64 * w);
    for (int k = 0; k < count; ++k) {
      const std::int32_t v = static_cast<std::int32_t>(levels[64 * w + k]);
      if (v < lo || v > hi || (binary && v == 0)) return false;
      const std::uint32_t u = binary ? (v > 0 ? 1u : 0u) : static_cast<std::uint32_t>(v + offset);
      sum += u;
      for (int p = 0; p < bits; ++p) planes[p] |= std::uint64_t{(u >> p) & 1u} << k;
    }
    for (int p = 0; p < bits; ++p) row[word_index(bits, words, w, p)] = planes[p];
  }
  *code_sum = static_cast<std::int32_t>(sum);
  return true;
}

template <class T>
void pack_impl(PackedOperand& dst, std::span<const T> levels, int rows, int depth, int bits,
               bool is_signed, bool portable) {
  if (!valid_bits(bits)) {
    throw std::invalid_argument("lowbit::pack: bits must be 1, 2, 4 or 8, got " +
                                std::to_string(bits));
  }
  if (rows < 0 || depth < 0) throw std::invalid_argument("lowbit::pack: negative shape");
  if (levels.size() != static_cast<std::size_t>(rows) * static_cast<std::size_t>(depth)) {
    throw std::invalid_argument("lowbit::pack: " + std::to_string(levels.size()) +
                                " levels for a " + std::to_string(rows) + " x " +
                                std::to_string(depth) + " operand");
  }
  PackAccess::reshape(dst, rows, depth, bits, is_signed);
  const bool fast = !portable && detail::cpu_has_avx512_pack();
  for (int r = 0; r < rows; ++r) {
    const T* src = levels.data() + static_cast<std::size_t>(r) * depth;
    std::uint64_t* row = PackAccess::row(dst, r);
    std::int32_t* sum = PackAccess::code_sum(dst, r);
    const bool ok = fast ? detail::pack_row_avx512(src, depth, bits, is_signed, row, sum)
                         : pack_row_portable(src, depth, bits, is_signed, row, sum);
    if (!ok) {
      throw std::invalid_argument("lowbit::pack: row " + std::to_string(r) +
                                  " has a level outside the " + std::to_string(bits) + "-bit " +
                                  (is_signed ? "signed" : "unsigned") + " range");
    }
  }
}

bool cpu_supports_popcnt() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("popcnt") != 0;
#else
  return false;
#endif
}

bool cpu_supports_avx2() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("popcnt") != 0;
#else
  return false;
#endif
}

bool cpu_supports_avx512_popcount() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512bw") != 0 &&
         __builtin_cpu_supports("avx512vl") != 0 &&
         __builtin_cpu_supports("avx512vpopcntdq") != 0 && __builtin_cpu_supports("popcnt") != 0;
#else
  return false;
#endif
}

bool cpu_supports_avx512_vnni() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512bw") != 0 &&
         __builtin_cpu_supports("avx512vl") != 0 && __builtin_cpu_supports("avx512vnni") != 0 &&
         __builtin_cpu_supports("popcnt") != 0;
#else
  return false;
#endif
}

}  // namespace

namespace detail {

void drive_tiles(const GemmArgs& a, int m_begin, int m_end, const TileSet& set) {
  if (m_begin >= m_end) return;
  if (a.N == 1) {
    for (int m0 = m_begin; m0 < m_end; m0 += set.shape.gemv_mr) set.gemv(a, m0, m_end, 0);
    return;
  }
  // Columns of X per block: about 256 KiB of packed X, a whole number of tiles.
  const int nr = set.shape.nr;
  const std::size_t x_row_bytes = std::max<std::size_t>(8, a.x->row_words() * 8);
  const int block = std::max(nr, static_cast<int>((256 * 1024) / x_row_bytes) / nr * nr);
  for (int n_begin = 0; n_begin < a.N; n_begin += block) {
    const int n_end = std::min(a.N, n_begin + block);
    for (int m0 = m_begin; m0 < m_end; m0 += set.shape.mr) {
      for (int n0 = n_begin; n0 < n_end; n0 += nr) {
        set.tiles[static_cast<std::size_t>(std::min(nr, n_end - n0) - 1)](a, m0, m_end, n0);
      }
    }
  }
}

bool cpu_has_avx512_pack() {
#if defined(__x86_64__)
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512bw") != 0 &&
           __builtin_cpu_supports("popcnt") != 0;
  }();
  return has;
#else
  return false;
#endif
}
}  // namespace detail

PackedOperand pack(std::span<const std::int8_t> levels, int rows, int depth, int bits,
                   bool is_signed, bool portable) {
  PackedOperand op;
  pack_impl(op, levels, rows, depth, bits, is_signed, portable);
  return op;
}
PackedOperand pack(std::span<const std::uint8_t> levels, int rows, int depth, int bits,
                   bool is_signed, bool portable) {
  PackedOperand op;
  pack_impl(op, levels, rows, depth, bits, is_signed, portable);
  return op;
}
PackedOperand pack(std::span<const std::int32_t> levels, int rows, int depth, int bits,
                   bool is_signed, bool portable) {
  PackedOperand op;
  pack_impl(op, levels, rows, depth, bits, is_signed, portable);
  return op;
}
void pack_into(PackedOperand& dst, std::span<const std::int8_t> levels, int rows, int depth,
               int bits, bool is_signed, bool portable) {
  pack_impl(dst, levels, rows, depth, bits, is_signed, portable);
}
void pack_into(PackedOperand& dst, std::span<const std::uint8_t> levels, int rows, int depth,
               int bits, bool is_signed, bool portable) {
  pack_impl(dst, levels, rows, depth, bits, is_signed, portable);
}
void pack_into(PackedOperand& dst, std::span<const std::int32_t> levels, int rows, int depth,
               int bits, bool is_signed, bool portable) {
  pack_impl(dst, levels, rows, depth, bits, is_signed, portable);
}

std::int32_t unpack_level(const PackedOperand& op, int row, int k) {
  if (row < 0 || row >= op.rows() || k < 0 || k >= op.depth()) {
    throw std::out_of_range("lowbit::unpack_level: index out of range");
  }
  const std::uint64_t* words = op.row(row);
  std::int32_t u = 0;
  for (int p = 0; p < op.bits(); ++p) {
    const std::uint64_t word = words[word_index(op.bits(), op.words_per_plane(), k / 64, p)];
    u |= static_cast<std::int32_t>((word >> (k % 64)) & 1u) << p;
  }
  return op.code_scale() * u + op.code_offset();
}

std::string_view method_name(Method method) {
  switch (method) {
    case Method::kPopcountPortable:
      return "bit-plane AND+popcount (portable)";
    case Method::kPopcountScalar:
      return "bit-plane AND+popcount (scalar popcnt)";
    case Method::kPopcountAvx2:
      return "bit-plane AND+popcount (avx2 pshufb)";
    case Method::kPopcountAvx512:
      return "bit-plane AND+popcount (avx512 vpopcntdq; 8 columns per register from N = 8)";
    case Method::kVnniAvx512:
      return "unpack to int8 + VNNI (avx512 vpdpbusd)";
  }
  return "unknown";
}

bool method_available(Method method) {
  switch (method) {
    case Method::kPopcountPortable:
      return true;
    case Method::kPopcountScalar:
      return cpu_supports_popcnt();
    case Method::kPopcountAvx2:
      return cpu_supports_avx2();
    case Method::kPopcountAvx512:
      return cpu_supports_avx512_popcount();
    case Method::kVnniAvx512:
      return cpu_supports_avx512_vnni();
  }
  return false;
}

Method best_method(int wbits, int abits, bool portable, int batch) {
  if (portable) return Method::kPopcountPortable;
  // Measured on Zen 4 (bench/lowbit_kernels_bench.cpp): popcount costs ~wbits * abits
  // instructions per 512 products, VNNI one vpdpbusd per 64 plus the unpacking of W, which a
  // GEMV (batch 1) cannot amortize over columns.
  const int planes = wbits * abits;
  const bool popcount_wins = batch <= 1 ? planes <= 32 : planes <= 4;
  const bool vpopcnt = method_available(Method::kPopcountAvx512);
  const bool vnni = method_available(Method::kVnniAvx512);
  if (vpopcnt && (popcount_wins || !vnni)) return Method::kPopcountAvx512;
  if (vnni && (planes > 2 || !method_available(Method::kPopcountAvx2))) {
    return Method::kVnniAvx512;
  }
  if (method_available(Method::kPopcountAvx2)) return Method::kPopcountAvx2;
  if (method_available(Method::kPopcountScalar)) return Method::kPopcountScalar;
  return Method::kPopcountPortable;
}

namespace {

// gemm() on the calling thread (pool == nullptr) or split across `pool`.
void gemm_on(const PackedOperand& w, const PackedOperand& x, std::span<std::int32_t> out,
             Method method, ThreadPool* pool) {
  if (w.depth() != x.depth()) {
    throw std::invalid_argument("lowbit::gemm: K differs (W " + std::to_string(w.depth()) + ", X " +
                                std::to_string(x.depth()) + ")");
  }
  const std::size_t M = static_cast<std::size_t>(w.rows());
  const std::size_t N = static_cast<std::size_t>(x.rows());
  if (out.size() != M * N) {
    throw std::invalid_argument("lowbit::gemm: out has " + std::to_string(out.size()) +
                                " elements, expected " + std::to_string(M * N));
  }
  if (!method_available(method)) {
    throw std::invalid_argument("lowbit::gemm: " + std::string(method_name(method)) +
                                " is not available on this CPU");
  }
  if (M == 0 || N == 0) return;
  if (w.depth() == 0) {  // empty sums
    std::fill(out.begin(), out.end(), 0);
    return;
  }

  detail::GemmArgs a;
  a.w = &w;
  a.x = &x;
  a.out = out.data();
  a.M = w.rows();
  a.N = x.rows();
  a.K = w.depth();
  a.words = w.words_per_plane();
  const bool popcount = method != Method::kVnniAvx512;
  a.xor_form = popcount && w.is_binary() && x.is_binary();

  // Epilogue (uint32: the arithmetic is exact modulo 2^32).
  a.w_sums = w.code_sums().data();
  a.x_sums = x.code_sums().data();
  const auto K = static_cast<std::uint32_t>(a.K);
  if (a.xor_form) {
    a.scale = static_cast<std::uint32_t>(-2);  // dot = K - 2 popcount(w ^ x)
    a.constant = K;
  } else {
    const auto aw = static_cast<std::uint32_t>(w.code_scale());
    const auto ax = static_cast<std::uint32_t>(x.code_scale());
    const auto ow = static_cast<std::uint32_t>(w.code_offset());
    const auto ox = static_cast<std::uint32_t>(x.code_offset());
    a.scale = aw * ax;
    a.w_coef = aw * ox;
    // VNNI with 8-bit W stores its codes minus 128 (s8): the raw dot lacks 128 * SUx.
    const std::uint32_t vnni_shift = !popcount && w.bits() == 8 ? 128u : 0u;
    a.x_coef = ow * ax + a.scale * vnni_shift;
    a.constant = K * ow * ox;
  }

  void (*kernel)(const detail::GemmArgs&, int, int) = nullptr;
  switch (method) {
    case Method::kPopcountPortable:
      kernel = detail::popcount_portable;
      break;
    case Method::kPopcountScalar:
      kernel = detail::popcount_scalar;
      break;
    case Method::kPopcountAvx2:
      kernel = detail::popcount_avx2;
      break;
    case Method::kPopcountAvx512:
      kernel = detail::popcount_avx512;
      break;
    case Method::kVnniAvx512:
      kernel = detail::vnni_avx512;
      break;
  }

  // Split M into row ranges of whole grains; the calling thread takes the first.
  const int grain = detail::kThreadRowGrain;
  const int grains = (a.M + grain - 1) / grain;
  if (pool == nullptr || pool->threads() == 1 || grains == 1) {
    kernel(a, 0, a.M);
    return;
  }
  pool->parallel_for(a.M, grain, [&](std::int64_t begin, std::int64_t end) {
    kernel(a, static_cast<int>(begin), static_cast<int>(end));
  });
}

}  // namespace

void gemm(const PackedOperand& w, const PackedOperand& x, std::span<std::int32_t> out,
          Method method, int threads) {
  if (threads < 1) throw std::invalid_argument("lowbit::gemm: threads must be >= 1");
  if (threads == 1) {
    gemm_on(w, x, out, method, nullptr);
    return;
  }
  // One persistent pool per calling thread (so concurrent callers never share one), kept until
  // another thread count is asked for: no thread is started inside a timed loop.
  thread_local std::unique_ptr<ThreadPool> pool;
  if (!pool || pool->threads() != threads) pool = std::make_unique<ThreadPool>(threads);
  gemm_on(w, x, out, method, pool.get());
}

void gemm(const PackedOperand& w, const PackedOperand& x, std::span<std::int32_t> out,
          Method method, ThreadPool& pool) {
  gemm_on(w, x, out, method, &pool);
}

}  // namespace qtb::lowbit
