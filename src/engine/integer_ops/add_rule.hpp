#pragma once
// The add of lowered_model.hpp, defined once for every integer backend:
//   s = sum_i int64(level_i) * multipliers[i]
//   y = clamp(rounding_shift(s, shift), lo, hi), rounding_shift(s, k) = (s + 2^(k-1)) >> k (k > 0;
//       an arithmetic shift, so ties round up), s itself for k = 0;
//   binary output: y = +1 when s >= 0, else -1.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "lowering/lowered_model.hpp"

namespace qtb::integer_ops {

// What rounding_shift adds before shifting right by `shift`: 2^(shift-1), or 0 for shift 0.
constexpr std::int64_t rounding_term(int shift) {
  return shift > 0 ? std::int64_t{1} << (shift - 1) : 0;
}

// The non-binary rule: clamp(rounding_shift(weighted_sum, shift), lo, hi).
inline std::int32_t round_shift_clamp(std::int64_t weighted_sum, int shift, std::int32_t lo,
                                      std::int32_t hi) {
  const std::int64_t rounded = (weighted_sum + rounding_term(shift)) >> shift;
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(rounded, lo, hi));
}

struct AddRule {
  std::vector<std::int32_t> multipliers;  // one per input
  int shift = 0;
  std::int32_t lo = 0, hi = 0;
  bool binary = false;

  // The rule of a lowered add: its multipliers and shift, and pool_requant's clamp range.
  static AddRule of(const QOp& add) {
    return {add.add_multipliers, add.add_shift, add.pool_requant.lo, add.pool_requant.hi,
            add.pool_requant.binary};
  }

  // y of the weighted sum s.
  std::int32_t apply(std::int64_t weighted_sum) const {
    if (binary) return weighted_sum >= 0 ? 1 : -1;
    return round_shift_clamp(weighted_sum, shift, lo, hi);
  }
};

}  // namespace qtb::integer_ops
