#pragma once
// The portal's limits on what one request may ask and get: a public server answers any client,
// so each request's work and answer stay bounded.
#include <cstddef>
#include <cstdint>

#include "core/limits.hpp"

namespace qtb::serve {

// The query string (after '?'), in bytes; a longer one is a 400 before any work.
inline constexpr std::size_t kMaxQueryBytes = 2048;
// Rows per answer of /api/v1/rows and per page of /rows (limit=); the default when none is given.
inline constexpr CountRange kRowLimitRange{1, 10000, "rows"};
inline constexpr std::int64_t kDefaultRowLimit = 1000;
inline constexpr std::int64_t kDefaultPageRows = 100;
// offset= for pagination.
inline constexpr CountRange kRowOffsetRange{0, std::int64_t{1} << 40, "rows"};
// Rows one /compare may set side by side.
inline constexpr std::size_t kMaxCompareIds = 12;
// Rows a /compare by filters may chart (the report's charts of the selection).
inline constexpr std::size_t kMaxCompareRows = 5000;
// Variants (models x prunes x precisions) one /predict may compute.
inline constexpr std::size_t kMaxPredictVariants = 512;
// Cached answers (row selections and analysis documents) per store state.
inline constexpr std::size_t kMaxCacheEntries = 64;
// HTTP worker threads: enough that 50 keep-alive clients each find one.
inline constexpr std::size_t kServerThreads = 64;

}  // namespace qtb::serve
