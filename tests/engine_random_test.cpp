// The one generator (core/random.hpp) and the seeded values made from it.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/random.hpp"
#include "lowering/calibration.hpp"

namespace qtb {
namespace {

TEST(EngineRandom, SplitMix64MatchesTheReferenceSequence) {
  // Vigna's splitmix64.c seeded with 1234567: the published first outputs.
  SplitMix64 random(1234567);
  const std::vector<std::uint64_t> want = {6457827717110365317ULL, 3203168211198807973ULL,
                                           9817491932198370423ULL, 4593380528125082431ULL,
                                           16408922859458223821ULL};
  for (std::uint64_t w : want) EXPECT_EQ(random.next(), w);
}

TEST(EngineRandom, TransformsUseTheDocumentedBits) {
  SplitMix64 a(1234567), b(1234567), c(1234567);
  // uniform: the top 53 bits over 2^53; uniform24: the top 24 bits over 2^24.
  EXPECT_EQ(a.uniform(), static_cast<double>(6457827717110365317ULL >> 11) / 9007199254740992.0);
  EXPECT_EQ(b.uniform24(), static_cast<float>(6457827717110365317ULL >> 40) / 16777216.0f);
  EXPECT_EQ(c.below(10), 6457827717110365317ULL % 10);
}

TEST(EngineRandom, CalibrationInputsAreTheGeneratorsPixels) {
  const std::vector<float> pixels = calibration_inputs(Shape{1, 1, 3}, 2, 1234567);
  ASSERT_EQ(pixels.size(), 6u);
  EXPECT_EQ(pixels[0], static_cast<float>(6457827717110365317ULL >> 40) / 16777216.0f);
  EXPECT_EQ(pixels[1], static_cast<float>(3203168211198807973ULL >> 40) / 16777216.0f);
  EXPECT_EQ(pixels[4], static_cast<float>(16408922859458223821ULL >> 40) / 16777216.0f);
}

}  // namespace
}  // namespace qtb
