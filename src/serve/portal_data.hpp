#pragma once
// What the portal reads: one store opened for reading, the catalog, and a cache of row
// selections, filter names and computed analyses. The cache belongs to one store state: when
// the store's row count changes (rows are only ever appended), everything cached is dropped, so a
// row measured a moment ago shows on the next request (checked at most every 250 ms).
// Thread-safe: the HTTP workers share one PortalData.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "platform/platform.hpp"
#include "report/stored_analysis.hpp"
#include "store/result_store.hpp"

namespace qtb::serve {

struct RowSet {
  std::vector<ResultRow> rows;  // in the order they were stored
  std::vector<std::string> ids;
  std::unordered_map<std::string, std::size_t> index_of_id;
};

class PortalData {
 public:
  // Throws InputError when `db` is not a readable store or the catalog cannot be loaded.
  PortalData(const std::filesystem::path& db, const std::filesystem::path& catalog_dir);

  const std::filesystem::path& db() const { return db_; }
  const std::vector<Platform>& catalog() const { return catalog_; }

  // The names a filter on `column` accepts (store/filter_names.hpp).
  std::vector<std::string> filter_names(std::string_view column);
  std::shared_ptr<const RowSet> select(const RowFilter& filter);
  std::shared_ptr<const RowSet> all_rows() { return select(RowFilter{}); }
  // The analysis cached under `key` for the current store state, made by `make` when absent.
  using AnalysisPtr = std::shared_ptr<const StoredAnalysis>;
  AnalysisPtr analysis(const std::string& key, const std::function<AnalysisPtr()>& make);

 private:
  void refresh_state_locked();

  std::filesystem::path db_;
  std::vector<Platform> catalog_;
  std::mutex mutex_;
  std::mutex making_mutex_;  // held while an analysis is made (see analysis())
  std::unique_ptr<ResultStore> store_;
  std::size_t state_ = 0;  // the row count the cache belongs to
  std::chrono::steady_clock::time_point checked_at_;
  std::map<std::string, std::shared_ptr<const RowSet>> selections_;
  std::map<std::string, std::vector<std::string>> names_;
  std::map<std::string, AnalysisPtr> analyses_;
};

// A filter as text, for cache keys.
std::string filter_key(const RowFilter& filter);

}  // namespace qtb::serve
