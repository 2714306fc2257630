#include "serve/portal_data.hpp"

#include <nlohmann/json.hpp>

#include "platform/catalog.hpp"
#include "serve/serve_limits.hpp"
#include "store/filter_names.hpp"
#include "store/row_id.hpp"

namespace qtb::serve {
namespace {

constexpr auto kStateCheckInterval = std::chrono::milliseconds(250);

template <typename Map>
void bound_cache(Map& cache) {
  if (cache.size() >= kMaxCacheEntries) cache.clear();  // rare: many distinct filters at once
}

}  // namespace

std::string filter_key(const RowFilter& f) {
  nlohmann::json key = nlohmann::json::array();
  for (const auto* field :
       {&f.topology, &f.platform, &f.backend, &f.precision, &f.source, &f.dataset, &f.level})
    key.push_back(*field ? nlohmann::json(**field) : nlohmann::json(nullptr));
  key.push_back(f.valid_only);
  return key.dump();
}

PortalData::PortalData(const std::filesystem::path& db, const std::filesystem::path& catalog_dir)
    : db_(db),
      catalog_(load_catalog(catalog_dir)),
      store_(std::make_unique<ResultStore>(db, StoreAccess::Read)) {
  state_ = store_->count({});
  checked_at_ = std::chrono::steady_clock::now();
}

void PortalData::refresh_state_locked() {
  const auto now = std::chrono::steady_clock::now();
  if (now - checked_at_ < kStateCheckInterval) return;
  checked_at_ = now;
  const std::size_t state = store_->count({});
  if (state == state_) return;
  state_ = state;
  selections_.clear();
  names_.clear();
  analyses_.clear();
}

std::vector<std::string> PortalData::filter_names(std::string_view column) {
  const std::lock_guard lock(mutex_);
  refresh_state_locked();
  auto [it, inserted] = names_.try_emplace(std::string(column));
  if (inserted) it->second = qtb::filter_names(*store_, column);
  return it->second;
}

std::shared_ptr<const RowSet> PortalData::select(const RowFilter& filter) {
  const std::string key = filter_key(filter);
  const std::lock_guard lock(mutex_);
  refresh_state_locked();
  if (const auto it = selections_.find(key); it != selections_.end()) return it->second;
  auto set = std::make_shared<RowSet>();
  set->rows = store_->query(filter);
  set->ids.reserve(set->rows.size());
  for (const ResultRow& row : set->rows) {
    std::string id = row_id(row);
    set->index_of_id.emplace(id, set->ids.size());
    set->ids.push_back(std::move(id));
  }
  bound_cache(selections_);
  selections_[key] = set;
  return set;
}

PortalData::AnalysisPtr PortalData::analysis(const std::string& key,
                                             const std::function<AnalysisPtr()>& make) {
  const auto cached = [&]() -> AnalysisPtr {
    const std::lock_guard lock(mutex_);
    refresh_state_locked();
    const auto it = analyses_.find(key);
    return it == analyses_.end() ? nullptr : it->second;
  };
  if (auto hit = cached()) return hit;
  // One analysis is made at a time, outside the data lock (row pages keep being served): fifty
  // clients asking for the same cold analysis wait for one computation instead of each making
  // its own copy of every row.
  const std::lock_guard making(making_mutex_);
  if (auto hit = cached()) return hit;
  AnalysisPtr made = make();
  const std::lock_guard lock(mutex_);
  bound_cache(analyses_);
  analyses_[key] = made;
  return made;
}

}  // namespace qtb::serve
