#pragma once
// A variant's precision: the data types of its weights and activations. Named FP32, FP16, BF16,
// INT8 or WxAy (x, y in 1, 2, 4, 8); INT4 and INT2 are accepted as aliases of W4A4 and W2A2.
#include <string>
#include <string_view>
#include <vector>

#include "core/data_type.hpp"

namespace qtb {

struct Precision {
  DataType weights = DataType::FP32;
  DataType activations = DataType::FP32;

  static Precision uniform(DataType type) { return {type, type}; }

  std::string name() const;
  double weight_bytes() const { return bit_width(weights) / 8.0; }
  double activation_bytes() const { return bit_width(activations) / 8.0; }
  // The arithmetic type whose peak bounds the computation: the wider of the two operands
  // (W4A8 multiplies in INT8, W1A2 in INT2).
  DataType compute_type() const;

  friend bool operator==(const Precision&, const Precision&) = default;
};

// Throws InputError for an unknown name or a bit width outside {1, 2, 4, 8}.
Precision parse_precision(std::string_view name);
// The paper's precisions in the order of the README: FP32, FP16, BF16, INT8, W4A4, W2A2, W1A1.
std::vector<Precision> standard_precisions();
// Parses a comma-separated list; "all" expands to standard_precisions().
std::vector<Precision> parse_precision_list(std::string_view list);

}  // namespace qtb
