#include "core/parse_number.hpp"

#include <charconv>
#include <cmath>

namespace qtb {
namespace {

// from_chars refuses a leading '+', which spreadsheets sometimes write; "+-1" stays refused.
bool strip_plus(std::string_view& text) {
  if (text.empty() || text.front() != '+') return true;
  text.remove_prefix(1);
  return text.empty() || text.front() != '-';
}

}  // namespace

std::optional<double> parse_double(std::string_view text) {
  if (!strip_plus(text)) return std::nullopt;
  double value = 0;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (text.empty() || result.ec != std::errc() || result.ptr != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> parse_int64(std::string_view text) {
  if (!strip_plus(text)) return std::nullopt;
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (text.empty() || result.ec != std::errc() || result.ptr != end) return std::nullopt;
  return value;
}

}  // namespace qtb
