#pragma once
// Which stored rows a request selects, checked by the one rule of store/filter_names.hpp (a name
// neither known nor stored is refused with the names allowed): the filters of `qutibench results`
// and `export` and of the portal's /api/v1/rows, so both select the same rows for the same names.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/result_store.hpp"  // RowFilter

namespace qtb {

struct RowSelection {
  std::string topology, platform, backend, precision, source, dataset, level;
  bool valid_only = false;
};

// The names a filter on a text column accepts (store/filter_names.hpp's filter_names; the portal
// caches them per store state).
using FilterNamesOf = std::function<std::vector<std::string>(std::string_view column)>;

// `option_prefix`: "--" on the command line, "" for URL parameters, so a message names what the
// user typed; `dataset_option`: "dataset" (CLI) or "task" (portal). Precision is made canonical
// (INT4 -> W4A4); source "all" selects every source.
RowFilter checked_row_filter(const RowSelection& selection, const FilterNamesOf& names_of,
                             std::string_view option_prefix, std::string_view dataset_option);

}  // namespace qtb
