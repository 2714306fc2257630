#include "serve/query_params.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "core/text.hpp"
#include "serve/serve_limits.hpp"

namespace qtb::serve {

QueryParams::QueryParams(std::multimap<std::string, std::string> params,
                         std::size_t raw_query_bytes)
    : params_(std::move(params)) {
  if (raw_query_bytes > kMaxQueryBytes) {
    throw InputError(
        fmt::format("query too long: {} bytes (at most {})", raw_query_bytes, kMaxQueryBytes));
  }
}

void QueryParams::check_names(const std::vector<std::string_view>& allowed) const {
  for (auto it = params_.begin(); it != params_.end(); it = params_.upper_bound(it->first)) {
    const std::string& name = it->first;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string names;
      for (std::string_view a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
      throw InputError(fmt::format("unknown parameter {} (allowed: {})", quote_value(name, 24),
                                   names.empty() ? "none" : names));
    }
    if (params_.count(name) > 1)
      throw InputError(fmt::format("parameter {} is given twice", quote_value(name, 24)));
  }
}

std::string QueryParams::text(std::string_view name) const {
  const auto it = params_.find(std::string(name));
  return it == params_.end() ? std::string() : it->second;
}

bool QueryParams::has(std::string_view name) const {
  return params_.contains(std::string(name));
}

std::int64_t QueryParams::count(std::string_view name, const CountRange& range,
                                std::int64_t fallback) const {
  if (!has(name)) return fallback;
  const std::string value = text(name);
  const std::optional<std::int64_t> parsed = parse_int64(value);
  if (!parsed) {
    throw InputError(fmt::format("{} = {} is not a whole number: {}", name, quote_value(value, 24),
                                 range_words(range.min, range.max, range.unit)));
  }
  check_range(name, *parsed, range.min, range.max, range.unit);
  return *parsed;
}

std::optional<double> QueryParams::number(std::string_view name, const NumberRange& range) const {
  if (!has(name)) return std::nullopt;
  const std::string value = text(name);
  const std::optional<double> parsed = parse_double(value);
  if (!parsed) {
    throw InputError(fmt::format("{} = {} is not a number: {}", name, quote_value(value, 24),
                                 number_range_words(range.min, range.max, range.unit)));
  }
  check_number(name, *parsed, range.min, range.max, range.unit);
  return parsed;
}

bool QueryParams::flag(std::string_view name) const {
  if (!has(name)) return false;
  const std::string value = to_lower(text(name));
  if (value == "1" || value == "true" || value == "yes") return true;
  if (value == "0" || value == "false" || value == "no") return false;
  throw InputError(fmt::format("{} = {} must be true or false", name, quote_value(text(name), 24)));
}

}  // namespace qtb::serve
