#pragma once
// Per-input tensor shape (no batch dimension): channels × height × width. A flat feature vector
// of n values is n × 1 × 1. All topologies of the zoo fit this form.
#include <cstdint>
#include <string>

namespace qtb {

struct Shape {
  std::int64_t channels = 0;
  std::int64_t height = 1;
  std::int64_t width = 1;

  std::int64_t elements() const { return channels * height * width; }
  bool is_flat() const { return height == 1 && width == 1; }
  std::string to_string() const;

  friend bool operator==(const Shape&, const Shape&) = default;
};

}  // namespace qtb
