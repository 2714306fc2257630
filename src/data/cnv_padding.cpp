#include "data/cnv_padding.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace qtb {

DataSet pad_to_32x32x3(const DataSet& data) {
  constexpr std::int64_t kSide = 32;
  constexpr std::int64_t kChannels = 3;
  if (data.channels != 1 || data.height > kSide || data.width > kSide) {
    throw InputError(
        fmt::format("{}: images are {}x{}x{}, expected 1 channel of at most 32x32 "
                    "to pad to 32x32x3",
                    data.name, data.channels, data.height, data.width));
  }
  DataSet out;
  out.name = data.name + "-32x32x3";
  out.split = data.split;
  out.channels = kChannels;
  out.height = kSide;
  out.width = kSide;
  out.classes = data.classes;
  out.labels = data.labels;
  out.pixels.assign(static_cast<std::size_t>(data.size() * out.image_bytes()), 0);
  // Centred: an odd margin puts the extra pixel at the bottom/right.
  const std::int64_t top = (kSide - data.height) / 2;
  const std::int64_t left = (kSide - data.width) / 2;
  for (std::int64_t n = 0; n < data.size(); ++n) {
    const auto source = data.image(n);
    std::uint8_t* target = out.pixels.data() + n * out.image_bytes();
    for (std::int64_t c = 0; c < kChannels; ++c) {
      for (std::int64_t y = 0; y < data.height; ++y) {
        const std::uint8_t* row = source.data() + y * data.width;
        std::copy(row, row + data.width, target + (c * kSide + top + y) * kSide + left);
      }
    }
  }
  return out;
}

}  // namespace qtb
