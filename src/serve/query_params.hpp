#pragma once
// A request's query parameters, checked the way the command line checks options: an unknown
// name, a repeated name or a malformed number is an InputError (a 400) naming it, never ignored.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"

namespace qtb::serve {

class QueryParams {
 public:
  QueryParams() = default;
  // `raw_query_bytes`: the query string's length as sent, checked against kMaxQueryBytes.
  QueryParams(std::multimap<std::string, std::string> params, std::size_t raw_query_bytes);

  // Throws InputError "unknown parameter 'x' (allowed: a, b, c)" for a name not in `allowed`,
  // and "parameter 'x' is given twice" for a repeated one.
  void check_names(const std::vector<std::string_view>& allowed) const;

  // The value, or "" when absent.
  std::string text(std::string_view name) const;
  bool has(std::string_view name) const;
  // A whole number in `range`, `fallback` when absent; InputError naming the parameter otherwise.
  std::int64_t count(std::string_view name, const CountRange& range, std::int64_t fallback) const;
  // A real number in `range`, none when absent.
  std::optional<double> number(std::string_view name, const NumberRange& range) const;
  // "1", "true", "yes" / "0", "false", "no" (absent = false).
  bool flag(std::string_view name) const;

  const std::multimap<std::string, std::string>& all() const { return params_; }

 private:
  std::multimap<std::string, std::string> params_;
};

}  // namespace qtb::serve
