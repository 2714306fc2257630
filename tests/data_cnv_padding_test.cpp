// Fashion-MNIST for cnv: 28x28 grey padded to 32x32x3, and named so.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "data/cnv_padding.hpp"

namespace {

TEST(DataCnvPadding, CentresTheImageInThreeChannels) {
  qtb::DataSet grey;
  grey.name = "fashion-mnist";
  grey.channels = 1;
  grey.height = 28;
  grey.width = 28;
  grey.classes = 10;
  grey.labels = {4, 7};
  grey.pixels.resize(2 * 28 * 28);
  for (std::size_t i = 0; i < grey.pixels.size(); ++i)
    grey.pixels[i] = static_cast<std::uint8_t>(1 + i % 200);
  const qtb::DataSet padded = qtb::pad_to_32x32x3(grey);
  EXPECT_EQ(padded.name, "fashion-mnist-32x32x3");
  EXPECT_EQ(padded.channels, 3);
  EXPECT_EQ(padded.height, 32);
  EXPECT_EQ(padded.width, 32);
  EXPECT_EQ(padded.labels, grey.labels);
  for (std::int64_t n = 0; n < 2; ++n) {
    const auto in = grey.image(n);
    const auto out = padded.image(n);
    for (std::int64_t c = 0; c < 3; ++c) {
      for (std::int64_t y = 0; y < 32; ++y) {
        for (std::int64_t x = 0; x < 32; ++x) {
          const bool inside = y >= 2 && y < 30 && x >= 2 && x < 30;
          const std::uint8_t expected = inside ? in[(y - 2) * 28 + (x - 2)] : 0;
          ASSERT_EQ(out[(c * 32 + y) * 32 + x], expected) << n << " " << c << " " << y << " " << x;
        }
      }
    }
  }
}

TEST(DataCnvPadding, RefusesColourOrLargerImages) {
  qtb::DataSet colour;
  colour.name = "cifar10";
  colour.channels = 3;
  colour.height = 32;
  colour.width = 32;
  EXPECT_THROW(qtb::pad_to_32x32x3(colour), qtb::InputError);
}

}  // namespace
