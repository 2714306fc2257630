#pragma once
// What every analysis reads from a result row: the figures it compares (compute fps and mean
// compute latency, see docs/analytics.md for why compute), the variant a row belongs to and the
// deployment point a figure came from, so each published number can be traced back to one row.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "measure/result_row.hpp"

namespace qtb::analytics {

// Where a figure was measured: the deployment parameters of the row it was taken from.
struct Deployment {
  std::string backend;
  std::string op_mode;
  std::int64_t batch = 1;
  std::int64_t threads = 1;
  std::int64_t streams = 1;
};

Deployment deployment_of(const ResultRow& row);

// A row an analysis may use: a valid measurement (L1-L3). Predicted (L0) rows are never treated as
// measurements, and rows marked invalid are left out.
bool is_measurement(const ResultRow& row);
std::vector<ResultRow> measurements(std::span<const ResultRow> rows);

// The figures compared by every analysis; empty when the row lacks them.
std::optional<double> fps_of(const ResultRow& row);         // fps_compute
std::optional<double> latency_ms_of(const ResultRow& row);  // latency_compute_ms.mean
// fps per watt of full (loaded) power; empty without fps or without a positive power figure.
std::optional<double> fps_per_w_of(const ResultRow& row);

// Hashes a tuple of strings and numbers element by element, the same for a tuple of owned strings
// and one of references or views to them, so a hash map keyed by owned tuples can be searched by a
// row's own fields (with std::equal_to<>) without copying them.
struct TupleHash {
  using is_transparent = void;
  template <typename... T>
  std::size_t operator()(const std::tuple<T...>& key) const {
    std::size_t seed = 0;
    std::apply([&](const auto&... field) { (combine(seed, field), ...); }, key);
    return seed;
  }

 private:
  template <typename T>
  static void combine(std::size_t& seed, const T& field) {
    std::size_t h = 0;
    if constexpr (std::is_convertible_v<const T&, std::string_view>)
      h = std::hash<std::string_view>{}(std::string_view(field));
    else
      h = std::hash<T>{}(field);
    seed ^= h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  }
};

// The value of `key` in a map that compares transparently (std::less<>, or TupleHash with
// std::equal_to<>), inserted default-made when absent: a row is looked up by a tuple of references
// to its own fields, and its key is copied only when it starts a new group.
template <typename Map, typename Key>
typename Map::mapped_type& find_or_add(Map& map, const Key& key) {
  const auto found = map.find(key);
  if (found != map.end()) return found->second;
  return map.emplace(key, typename Map::mapped_type{}).first->second;
}

// Orders precisions from widest to narrowest: total bit width of weights and activations, a float
// type above an integer type of the same width. Returns a larger number for a wider precision.
int precision_rank(const std::string& precision);

}  // namespace qtb::analytics
