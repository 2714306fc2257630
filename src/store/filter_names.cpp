#include "store/filter_names.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/text.hpp"
#include "engine/registry.hpp"
#include "store/portal_csv.hpp"
#include "store/row_validation.hpp"

namespace qtb {
namespace {

// The allowed names listed in a message stay within this many characters.
constexpr std::size_t kListedChars = 120;

bool contains_ignoring_case(const std::vector<std::string>& names, std::string_view name) {
  const std::string lower = to_lower(name);
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return to_lower(n) == lower; });
}

void add_new(std::vector<std::string>& names, const std::vector<std::string>& more) {
  for (const std::string& name : more)
    if (!contains_ignoring_case(names, name)) names.push_back(name);
}

std::vector<std::string> vocabulary(std::string_view column) {
  if (column == "topology") return known_topologies();
  if (column == "backend") return backend_names();
  if (column == "dataset") return known_tasks();
  if (column == "source") return known_sources();
  if (column == "level") return known_levels();
  if (column == "platform") {
    std::vector<std::string> names = {"host"};
    for (const PortalPlatform& p : portal_platforms()) add_new(names, {p.platform});
    return names;
  }
  return {};
}

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  std::size_t shown = 0;
  for (; shown < names.size(); ++shown) {
    const std::size_t extra = (out.empty() ? 0 : 2) + names[shown].size();
    if (shown > 0 && out.size() + extra > kListedChars) break;
    if (!out.empty()) out += ", ";
    out += names[shown];
  }
  if (shown < names.size()) out += fmt::format(", ... ({} more)", names.size() - shown);
  return out;
}

}  // namespace

void check_name_option(std::string_view option, const std::string& value,
                       const std::vector<std::string>& allowed) {
  if (contains_ignoring_case(allowed, value)) return;
  std::string_view noun = option;
  while (noun.starts_with('-')) noun.remove_prefix(1);
  throw InputError(fmt::format("unknown {} {} ({} must be one of: {})", noun, quote_value(value),
                               option, listed(allowed)));
}

std::vector<std::string> filter_names(const ResultStore& store, std::string_view column) {
  std::vector<std::string> names = vocabulary(column);
  add_new(names, store.stored_values(column));
  return names;
}

void check_filter_option(const ResultStore& store, std::string_view option, std::string_view column,
                         const std::string& value, const std::vector<std::string>& extra) {
  if (value.empty()) return;
  std::vector<std::string> allowed = filter_names(store, column);
  add_new(allowed, extra);
  check_name_option(option, value, allowed);
}

}  // namespace qtb
