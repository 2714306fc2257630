#pragma once
// A labelled image data set held in memory: every image as uint8 pixels in CHW order, one label
// byte per image. Readers (idx_reader, cifar10_reader) fill it; pre-processing returns new ones.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qtb {

enum class Split { train, test };

std::string_view to_string(Split split);
// "train" or "test"; anything else is an InputError.
Split parse_split(std::string_view text);

// A class index: two bytes, so ImageNet's 1000 classes fit.
using Label = std::uint16_t;

struct DataSet {
  std::string name;  // e.g. "mnist", "fashion-mnist-32x32x3": says what the pixels are
  Split split = Split::train;
  std::int64_t channels = 0;
  std::int64_t height = 0;
  std::int64_t width = 0;
  int classes = 0;
  std::vector<std::uint8_t> pixels;  // size() x channels x height x width
  std::vector<Label> labels;         // one per image, each < classes

  std::int64_t size() const { return static_cast<std::int64_t>(labels.size()); }
  std::int64_t image_bytes() const { return channels * height * width; }
  std::span<const std::uint8_t> image(std::int64_t index) const;
};

}  // namespace qtb
