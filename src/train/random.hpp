#pragma once
// The trainer's pseudo-random streams and shuffle on core/random.hpp's generator (std::shuffle and
// std::normal_distribution are implementation-defined, and the trained weights must be the same
// with every standard library).
#include <cstdint>
#include <utility>
#include <vector>

#include "core/random.hpp"

namespace qtb::train_detail {

using qtb::SplitMix64;  // core/random.hpp: the one generator

// A seeded stream per purpose, so that e.g. the batch order does not depend on the layer sizes.
inline SplitMix64 stream(std::uint64_t seed, std::uint64_t purpose) {
  SplitMix64 mix(seed ^ (purpose * 0xd1b54a32d192ed03ULL));
  return SplitMix64(mix.next());
}

// Fisher-Yates shuffle of 0..n-1.
inline std::vector<std::int64_t> shuffled_indices(std::int64_t n, SplitMix64& rng) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  for (std::int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(i + 1)));
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
  return order;
}

}  // namespace qtb::train_detail
