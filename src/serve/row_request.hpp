#pragma once
// The row filters a portal request takes (the API's and the /rows page's): the URL parameters
// named as DESIGN.md's API lists them, checked against the store like the CLI's options.
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include "serve/portal_data.hpp"
#include "serve/query_params.hpp"

namespace qtb::serve {

// topology, platform, backend, precision, prune, source, task, level, valid_only, status.
const std::vector<std::string_view>& row_filter_parameters();
// The filters and a route's own parameters: what the route accepts.
std::vector<std::string_view> row_filter_parameters_and(
    std::initializer_list<std::string_view> route_parameters);
// True when any filter parameter is given.
bool has_row_filter(const QueryParams& params);

struct RowRequest {
  RowFilter filter;
  std::optional<double> prune;  // the store's filter has none: applied to the selection
};

RowRequest parse_row_request(PortalData& data, const QueryParams& params);
// The selected rows (the store's filter, then prune), as indices into `set`.
std::vector<std::size_t> select_rows(const RowSet& set, const RowRequest& request);

}  // namespace qtb::serve
