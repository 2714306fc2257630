#include "serve/row_request.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/text.hpp"
#include "store/row_selection.hpp"

namespace qtb::serve {

const std::vector<std::string_view>& row_filter_parameters() {
  static const std::vector<std::string_view> names{"topology",   "platform", "backend", "precision",
                                                   "prune",      "source",   "task",    "level",
                                                   "valid_only", "status"};
  return names;
}

std::vector<std::string_view> row_filter_parameters_and(
    std::initializer_list<std::string_view> route_parameters) {
  std::vector<std::string_view> names = row_filter_parameters();
  names.insert(names.end(), route_parameters.begin(), route_parameters.end());
  return names;
}

bool has_row_filter(const QueryParams& params) {
  const auto& names = row_filter_parameters();
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view name) { return params.has(name); });
}

RowRequest parse_row_request(PortalData& data, const QueryParams& params) {
  RowSelection selection;
  selection.topology = params.text("topology");
  selection.platform = params.text("platform");
  selection.backend = params.text("backend");
  selection.precision = params.text("precision");
  selection.source = params.text("source");
  selection.dataset = params.text("task");
  selection.level = params.text("level");
  selection.valid_only = params.flag("valid_only");
  // Every stored row is public; contributions (pending rows) are a later addition.
  if (const std::string status = params.text("status"); !status.empty() && status != "accepted")
    throw InputError("status = " + quote_value(status, 24) + " must be accepted");
  RowRequest request;
  request.filter = checked_row_filter(
      selection, [&data](std::string_view column) { return data.filter_names(column); }, "",
      "task");
  request.prune = params.number("prune", {1e-6, 1.0, ""});
  return request;
}

std::vector<std::size_t> select_rows(const RowSet& set, const RowRequest& request) {
  std::vector<std::size_t> indices;
  indices.reserve(set.rows.size());
  for (std::size_t i = 0; i < set.rows.size(); ++i)
    if (!request.prune || set.rows[i].prune == *request.prune) indices.push_back(i);
  return indices;
}

}  // namespace qtb::serve
