#include "graph/shape.hpp"

#include <fmt/format.h>

namespace qtb {

std::string Shape::to_string() const {
  if (is_flat()) return fmt::format("{}", channels);
  return fmt::format("{}x{}x{}", channels, height, width);
}

}  // namespace qtb
