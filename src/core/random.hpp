#pragma once
// The project's one pseudo-random generator: splitmix64 (Steele, Lea and Flood; Vigna's reference
// constants), with the few transforms the code needs defined here rather than taken from std::
// distributions, whose results differ between standard libraries. Seeded weights, calibration
// inputs and the trainer's streams are therefore the same on every platform.
#include <cmath>
#include <cstdint>
#include <numbers>

namespace qtb {

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
  // Uniform in [0, 1) with 24 random bits: every value is exact in float.
  float uniform24() { return static_cast<float>(next() >> 40) * 0x1.0p-24f; }
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

}  // namespace qtb
