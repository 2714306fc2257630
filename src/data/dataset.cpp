#include "data/dataset.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "core/error.hpp"

namespace qtb {

std::string_view to_string(Split split) {
  return split == Split::train ? "train" : "test";
}

Split parse_split(std::string_view text) {
  if (text == "train") return Split::train;
  if (text == "test") return Split::test;
  throw InputError(fmt::format("unknown split '{}': expected train or test", text));
}

std::span<const std::uint8_t> DataSet::image(std::int64_t index) const {
  // An index past the end is a bug in the caller, not bad input.
  if (index < 0 || index >= size()) {
    throw std::out_of_range(
        fmt::format("{} {}: image {} of {}", name, to_string(split), index, size()));
  }
  const auto bytes = static_cast<std::size_t>(image_bytes());
  return {pixels.data() + static_cast<std::size_t>(index) * bytes, bytes};
}

}  // namespace qtb
