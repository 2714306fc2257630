#include "core/precision.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "core/error.hpp"
#include "core/text.hpp"

namespace qtb {
namespace {

// Parses "WxAy" (already upper-cased); nullopt when the text is not of that form.
std::optional<Precision> parse_wxay(std::string_view text, std::string_view original) {
  if (text.size() < 4 || text.front() != 'W') return std::nullopt;
  const auto a_pos = text.find('A');
  if (a_pos == std::string_view::npos) return std::nullopt;
  int weight_bits = 0;
  int activation_bits = 0;
  const auto w = text.substr(1, a_pos - 1);
  const auto a = text.substr(a_pos + 1);
  const auto wr = std::from_chars(w.data(), w.data() + w.size(), weight_bits);
  const auto ar = std::from_chars(a.data(), a.data() + a.size(), activation_bits);
  if (wr.ec != std::errc() || wr.ptr != w.data() + w.size() || ar.ec != std::errc() ||
      ar.ptr != a.data() + a.size()) {
    return std::nullopt;
  }
  const auto weights = integer_type_of_bits(weight_bits);
  const auto activations = integer_type_of_bits(activation_bits);
  if (!weights || !activations) {
    throw InputError("precision '" + std::string(original) +
                     "': weight and activation bit widths must be 1, 2, 4 or 8");
  }
  return Precision{*weights, *activations};
}

}  // namespace

std::string Precision::name() const {
  if (weights == activations && (is_float(weights) || weights == DataType::INT8)) {
    return std::string(to_string(weights));
  }
  return "W" + std::to_string(bit_width(weights)) + "A" + std::to_string(bit_width(activations));
}

DataType Precision::compute_type() const {
  return bit_width(weights) >= bit_width(activations) ? weights : activations;
}

Precision parse_precision(std::string_view name) {
  const std::string upper = to_upper(trim(name));
  if (upper == "INT4") return Precision::uniform(DataType::INT4);
  if (upper == "INT2") return Precision::uniform(DataType::INT2);
  if (upper == "INT8" || upper == "FP32" || upper == "FP16" || upper == "BF16") {
    return Precision::uniform(*parse_data_type(upper));
  }
  if (auto wxay = parse_wxay(upper, name)) return *wxay;
  throw InputError("unknown precision '" + std::string(name) +
                   "' (expected FP32, FP16, BF16, INT8, WxAy with x, y in 1,2,4,8, INT4 or INT2)");
}

std::vector<Precision> standard_precisions() {
  return {Precision::uniform(DataType::FP32), Precision::uniform(DataType::FP16),
          Precision::uniform(DataType::BF16), Precision::uniform(DataType::INT8),
          Precision::uniform(DataType::INT4), Precision::uniform(DataType::INT2),
          Precision::uniform(DataType::INT1)};
}

std::vector<Precision> parse_precision_list(std::string_view list) {
  std::vector<Precision> out;
  for (const auto& item : split_list(list)) {
    if (to_lower(item) == "all") {
      for (const auto& p : standard_precisions()) {
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
      }
      continue;
    }
    const Precision p = parse_precision(item);
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  if (out.empty()) throw InputError("empty precision list");
  return out;
}

}  // namespace qtb
