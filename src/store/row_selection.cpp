#include "store/row_selection.hpp"

#include "core/precision.hpp"
#include "store/filter_names.hpp"

namespace qtb {

RowFilter checked_row_filter(const RowSelection& s, const FilterNamesOf& names_of,
                             std::string_view option_prefix, std::string_view dataset_option) {
  const auto check = [&](std::string_view option, std::string_view column, const std::string& value,
                         const std::vector<std::string>& extra = {}) {
    if (value.empty()) return;
    std::vector<std::string> allowed = names_of(column);
    allowed.insert(allowed.end(), extra.begin(), extra.end());
    check_name_option(std::string(option_prefix) + std::string(option), value, allowed);
  };
  check("topology", "topology", s.topology);
  check("platform", "platform", s.platform);
  check("backend", "backend", s.backend);
  check("source", "source", s.source, {"all"});
  check(dataset_option, "dataset", s.dataset);
  check("level", "level", s.level);

  RowFilter filter;
  const auto set = [](std::optional<std::string>& out, const std::string& value) {
    if (!value.empty()) out = value;
  };
  set(filter.topology, s.topology);
  set(filter.platform, s.platform);
  set(filter.backend, s.backend);
  // Stored precisions are canonical: INT4 means W4A4.
  if (!s.precision.empty()) filter.precision = parse_precision(s.precision).name();
  if (s.source != "all") set(filter.source, s.source);
  set(filter.dataset, s.dataset);
  set(filter.level, s.level);
  filter.valid_only = s.valid_only;
  return filter;
}

}  // namespace qtb
