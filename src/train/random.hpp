#pragma once
// The trainer's own pseudo-random numbers: splitmix64, a uniform index and a normal deviate
// defined here (std::shuffle and std::normal_distribution are implementation-defined, and the
// trained weights must be the same with every standard library).
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

namespace qtb::train_detail {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n); the modulo bias (< n / 2^64) is irrelevant for shuffling.
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  // Standard normal by Box-Muller (one of the pair; simplicity over speed).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::uint64_t state_;
};

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
